Feature: On the phone: the secretary's menu board and partner directory
  The secretary of the residents' committee sees the whole menu at a glance: open needs by block
  and category with the overdue ones in red, the cases escalated to her, needs logged and
  resolved week by week, and how quickly each partner answers. She also keeps the directory.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: A need logged in a block shows on the board
    Given secretary has signed in on a phone in Chinese
    And the secretary has noted the board's count for B3 救急
    When leader3 logs a 救急 need in B3
    And the secretary opens the board again
    Then the board's count for B3 救急 has grown by 1
    And the board shows 12 weeks of needs logged and resolved
    And the board shows how often 利群医院 accepts and how quickly

  Scenario: The secretary suspends a partner and lets it take referrals again
    Given secretary has signed in on a phone in Chinese
    When the secretary suspends 新曹杨集团 on the partners page
    Then the partners page shows 新曹杨集团 as "已暂停"
    When the secretary lets 新曹杨集团 take referrals again
    Then the partners page shows 新曹杨集团 as "接收转介"
