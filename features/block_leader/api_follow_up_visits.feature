Feature: Follow-up visits after a need is resolved (回访)
  A need resolved is not yet a need solved. Some days after its resolution — seven unless the
  community says otherwise for the category — a follow-up falls due: the leader (or a volunteer)
  goes back and asks the resident whether it really was solved, and records the verdict:
  satisfied, partly, not_satisfied or unreachable, with a note. A resident who is not satisfied
  may have the need reopened in the same step. The secretary's board shows, per block over
  twelve weeks, the share of resolved needs followed up and the share confirmed helped.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | secretary | secretary    |        |           |
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502
    And leader3 has resolved the need as helped

  Scenario: The follow-up falls due seven days after the resolution
    Given 6 days have passed
    Then leader3 has no follow-up due
    Given 1 days have passed
    Then leader3 has a follow-up due for the need

  Scenario: The resident's verdict is kept on the need and the follow-up is done
    Given 7 days have passed
    When leader3 records the follow-up verdict satisfied, noting "老人说已经好了"
    Then the need's follow-up reads satisfied by leader3
    And leader3 has no follow-up due

  Scenario: A resident who is not satisfied has the need reopened
    When leader3 records the follow-up verdict not_satisfied, noting "还是疼", and reopens the need
    Then the need is open, at version 4

  Scenario: A verdict on a need that was reopened is refused with the reason
    Given leader3 has reopened the need because "又摔了"
    When leader3 records the follow-up verdict satisfied, noting ""
    Then it is refused with 409 Conflict, saying "reopened"

  Scenario: The secretary's board counts the share followed up and confirmed helped
    Given leader3 has logged a normal hardship need at 16号楼, unit 1, room 101
    And leader3 has resolved the need as helped
    And leader3 has recorded the follow-up verdict satisfied on it
    When the secretary looks at the follow-up board
    Then block B3 shows 2 resolved, 1 followed up, 1 confirmed helped
