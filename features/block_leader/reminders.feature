Feature: Reminders
  Each block leader has a list of what needs them: needs nobody has visited or referred within
  the category's first-contact time, referrals a partner declined or let expire while no other
  partner holds the case, and escalations. A leader sees only their own blocks.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And the secretary chenhong has registered these co-building partners:
      | partner    | kind     | serves                            | blocks | clerk       |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | liqun.li    |
      | 物业公司   | property | emergency, hardship               | all    | wuye.sun    |
    And wangli is the block leader of B3
    And zhaomin is the block leader of B5

  Scenario: A need nobody has contacted within the first-contact time is overdue
    Given a critical emergency need logged by wangli in block B3, building 15号楼
    And 2 hours have passed
    And a minute has passed
    Then wangli is reminded that the need is overdue
    And zhaomin has no reminders

  Scenario: A visit in time keeps the need off the list
    Given a critical emergency need logged by wangli in block B3, building 15号楼
    And wangli has visited the household
    And 3 hours have passed
    Then wangli has no reminders

  Scenario: A declined referral waits for the block leader until the case moves on
    Given a normal hardship need logged by wangli in block B3, building 15号楼
    And wangli has referred the need to 利群医院
    And 利群医院 has declined the referral because of no_capacity
    Then wangli is reminded that 利群医院 declined the referral, for the reason no_capacity
    When wangli refers the need to 物业公司
    Then wangli has no reminders
