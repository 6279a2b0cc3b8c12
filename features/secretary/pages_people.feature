Feature: On the phone: the secretary manages the people who sign in
  Block leaders come and go. The secretary adds a leader for their blocks, hands a block over,
  resets a forgotten password in person, and disables the account of someone who has left.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: A new block leader is added, signs in, and is disabled again
    Given secretary has signed in on a phone in Chinese
    When the secretary adds the block leader newleader7 for B7 with the password "a long password"
    Then newleader7 can sign in on another phone with "a long password" and sees "我的块"
    When the secretary disables newleader7
    Then newleader7 can no longer sign in with "a long password"

  Scenario: A leader of the block cannot open the people page
    Given leader3 has signed in on a phone in Chinese
    When leader3 opens "/people"
    Then leader3 sees the page "您的角色不能打开这个页面"
