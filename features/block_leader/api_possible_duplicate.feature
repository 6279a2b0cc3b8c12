Feature: A warning before logging the same need twice
  Two leaders hear of the same fall from two neighbours; or one leader, on a bad signal, types
  it again. Before a second need in the same category is logged for a household that already
  has an open one, the leader is warned and offered to add a note to the open need instead. A
  need that really is a second one is logged when the leader says so, and the case keeps that
  they knew. (A need captured offline is never refused for this: it is logged and flagged for
  the leader — see the pages' offline sync.)

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | secretary | secretary    |        |           |
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502

  Scenario: The same open need again is refused as a possible duplicate, naming the open one
    Given 3 hours have passed
    When the secretary logs a high emergency need at 15号楼, unit 2, room 502
    Then it is refused with 409 Conflict, saying "add a note to it instead"
    And the refusal names the open need as a possible duplicate

  Scenario: A need of its own is logged when the leader says so, and the case keeps it
    When the secretary logs a high emergency need at 15号楼, unit 2, room 502, saying it is a need of its own
    Then the new need was logged beside the open one, confirmed
    And the new need's history holds a DuplicateNoted by secretary

  Scenario: Another category for the same household is no duplicate
    When the secretary logs a normal hardship need at 15号楼, unit 2, room 502
    Then the new need was logged with no duplicate
