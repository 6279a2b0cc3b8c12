Feature: A household's whole story
  A block leader opening a household sees everything the committee knows of it, newest first:
  every need logged for it, open and closed, with where it stands and how it ended, beside its
  life events, watched members, visits and asks, and records. What they were shown of the
  residents is noted in who looked, as any other read.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |
      | secretary | secretary    |        |           |

  Scenario: Every need of the household, open and closed, newest first beside its life events
    Given leader3 has logged a normal hardship need at 15号楼, unit 2, room 502
    And leader3 has resolved the need as helped
    And 2 hours have passed
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502
    And an hour has passed
    And leader3 has recorded the life event hospitalised for the need's household
    When leader3 opens the need's household
    Then the household's needs read, newest first:
      | category  | status   | resolution |
      | emergency | open     |            |
      | hardship  | resolved | helped     |
    And the household's story reads, newest first: life_event, duty, need, need
    And who looked at the household shows leader3

  Scenario: The list of needs finds one household's needs
    Given leader3 has logged a normal hardship need at 16号楼, unit 1, room 101
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502
    When leader3 lists the needs of the need's household
    Then the needs listed are at: 15

  Scenario: Another block's leader is not shown the household
    Given leader3 has logged a high emergency need at 15号楼, unit 2, room 502
    When leader5 opens the need's household
    Then it is refused with 404 Not Found
