Feature: A handover that moves the caseload
  When a block changes hands, its open cases change hands with it: the secretary hands the block
  (or some of its needs, ticked on the board) to another leader, and each open need is assigned
  to them — one Assigned per case, by the secretary, with the reason "handover" — while the
  block's open visits and asks follow the block. A dry run lists what would move and changes
  nothing; running the handover again moves nothing more. A handover to someone who is not a
  block leader, or of a block to its own leader, is refused.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |
      | secretary | secretary    |        |           |
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502

  Scenario: A dry run lists what would move and changes nothing
    When the secretary hands block B3 to leader5 as a dry run
    Then the handover lists the need
    And the need has no Assigned event

  Scenario: The block's open needs move to the new leader, once
    When the secretary hands block B3 to leader5
    Then the handover lists the need
    And the need was assigned to leader5 by the secretary for "handover"
    And leader5 sees the need in block B3
    When the secretary hands block B3 to leader5
    Then the handover lists no need
    And the need was assigned to leader5 by the secretary for "handover"

  Scenario: Some needs are reassigned in bulk from the board
    When the secretary reassigns the need to leader5
    Then the handover lists the need
    And the need was assigned to leader5 by the secretary for "handover"

  Scenario Outline: A handover to someone who is not a block leader, or of a block to itself
    When the secretary hands block B3 to <to> from <from>
    Then it is refused with 422 Unprocessable Entity, saying "<why>"

    Examples:
      | to      | from    | why                          |
      | auditor | leader3 | is not a block leader        |
      | leader3 | leader3 | cannot be handed to its own  |
