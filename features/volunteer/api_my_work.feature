Feature: A volunteer's own work (志愿者)
  A volunteer of a block's group may sign in (role volunteer). The block leader asks them to help
  with a need or to do a duty, and still answers for it. The volunteer sees what is asked of them,
  and only that: anything else does not exist for them. They record visits, follow-ups and the
  duties done on it, and nothing else.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username | role         | blocks | works for |
      | leader3  | block_leader | B3     |           |
    And block B3's volunteer group has "褚家明", who signs in as vol3, and "钱丽", who signs in as vol3b
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502

  Scenario: A volunteer sees only what is asked of them and records a visit
    Given leader3 has asked "褚家明" to help with the need
    When vol3 reads what is asked of them
    Then they find the need, and nothing else
    When vol3b reads the need
    Then it is refused with 404 Not Found
    When vol3 records a visit to the need: "已上门，老人无大碍"
    Then the need shows the visit by vol3, and leader3 still answers for it

  Scenario: A volunteer does nothing else with the need
    Given leader3 has asked "褚家明" to help with the need
    When vol3 resolves the need
    Then it is refused with 403 Forbidden
    When vol3 reads the block's needs
    Then it is refused with 403 Forbidden

  Scenario: A duty asked of a volunteer is on their today, and they do it
    Given the household of the need has gone into hospital, so a visit falls due
    And leader3 has asked "褚家明" to do the visit
    When vol3 reads what is asked of them
    Then they find the visit, and nothing else
    When vol3 has done the visit, noting "已探望"
    Then the visit is done by vol3
    And the compliance board counts 1 visit done by block B3's volunteers
