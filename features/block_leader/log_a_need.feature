Feature: Log a need
  A block leader, on a phone in a stairwell, logs a resident's need in seconds. The household is
  named by its address as people say it ("15号楼"), and the need goes straight onto the menu:
  open, in the leader's block, and ranked among the block's open needs by how urgent it is.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And block B3 holds buildings 13 to 18
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And liuqiang is the block leader of B4

  Scenario: A need logged by the household's address is open, in the leader's block
    When wangli logs a need in block B3:
      | category    | emergency                |
      | urgency     | critical                 |
      | building    | 15号楼                   |
      | unit        | 2                        |
      | room        | 502                      |
      | description | 独居老人在家摔倒，起不来 |
    Then the need is logged
    And the need is open, at version 1
    And the need is in wangli's block B3, building 15, unit 2, room 502
    And the need was logged by wangli at 2026-11-30 09:00, Shanghai time

  Scenario: The most urgent need heads the block's open needs, the oldest first within an urgency
    Given these needs have been logged, an hour apart from 09:00:
      | logged by | block | building | category     | urgency  |
      | wangli    | B3    | 13       | hardship     | normal   |
      | wangli    | B3    | 14号     | mediation    | high     |
      | liuqiang  | B4    | 20号楼   | emergency    | critical |
      | wangli    | B3    | 16       | worry_relief | high     |
    When wangli logs a need in block B3:
      | category    | emergency                |
      | urgency     | critical                 |
      | building    | 15号楼                   |
      | description | 独居老人在家摔倒，起不来 |
    Then the need is logged
    And the open needs of block B3 are, most urgent first:
      | building | category     | urgency  | logged at        |
      | 15       | emergency    | critical | 2026-11-30 13:00 |
      | 14       | mediation    | high     | 2026-11-30 10:00 |
      | 16       | worry_relief | high     | 2026-11-30 12:00 |
      | 13       | hardship     | normal   | 2026-11-30 09:00 |

  Scenario Outline: A building outside the leader's block is refused and nothing is logged
    Given these needs have been logged, an hour apart from 09:00:
      | logged by | block | building | category | urgency |
      | wangli    | B3    | 13       | hardship | normal  |
    When wangli logs a need in block B3:
      | category    | emergency                |
      | urgency     | critical                 |
      | building    | <written>                |
      | description | 独居老人在家摔倒，起不来 |
    Then it is refused: the building is not in the block
    And the refusal says "building <number> is not in block B3"
    And no need has been logged
    And the open needs of block B3 are, most urgent first:
      | building | category | urgency | logged at        |
      | 13       | hardship | normal  | 2026-11-30 09:00 |

    Examples: buildings as they are written on the street
      | written | number | which is                |
      | 20号楼  | 20     | in block B4             |
      | 12      | 12     | in block B2             |
      | 41号    | 41     | not in the community    |

  Scenario: A category that is not on the menu is refused and nothing is logged
    When wangli logs a need in block B3:
      | category    | lift_repair          |
      | urgency     | normal               |
      | building    | 15号楼               |
      | description | 楼里想加装电梯       |
    Then it is refused: the category is not on the menu
    And the refusal says "unknown category 'lift_repair'"
    And the refusal lists the categories of the menu
    And no need has been logged
    And block B3 has no open needs
