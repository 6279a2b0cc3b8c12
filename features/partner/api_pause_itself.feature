Feature: A partner says it is full, or pauses for a while
  A partner's own staff know best when they cannot take more: the hospital's family doctors
  are all booked this week, or the clinic closes for a week of equipment checks. From the phone
  they set this week's capacity, or pause new referrals for a period with a reason. A paused
  partner ranks out of matching, saying until when, and is back by itself when the pause ends.
  It cannot change another partner, nor what it serves (the committee decides that).

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
      | 物业公司   | property | emergency, hardship               | all    | property |

  Scenario: A paused partner ranks out until its pause ends, then is back by itself
    Given leader3 has logged a normal hardship need at 15号楼
    When the clerk of 利群医院 pauses new referrals from 2026-11-30 to 2026-12-06, saying "设备检修"
    Then the partner reads:
      | paused       | yes        |
      | paused until | 2026-12-06 |
    When leader3 looks at the matches for the need
    Then the partners offered are, best first: 物业公司, 绿化市容, 利群医院
    And 利群医院 is ranked out with "paused until 2026-12-06: 设备检修"
    When leader3 refers the need to 利群医院
    Then it is refused with 409 Conflict, saying "利群医院 has paused new referrals until 2026-12-06: 设备检修"
    Given it is 09:00 on Monday 2026-12-07 in Shanghai
    And leader3 has signed in on the phone
    When leader3 looks at the matches for the need
    Then 利群医院 is not ranked out

  Scenario: A partner says how many it can take this week
    When the clerk of 利群医院 sets this week's capacity to 2
    Then the partner reads:
      | this week       | 2  |
      | weekly capacity | 10 |

  Scenario: A partner's staff keep to their own entry
    When the clerk of 利群医院 sets 物业公司's capacity this week to 2
    Then it is refused with 404 Not Found
    When the clerk of 利群医院 changes what 利群医院 serves to emergency in all blocks
    Then it is refused with 403 Forbidden
