Feature: Erase a household's personal data at the resident's request
  A resident may ask that the committee forget them. The secretary erases the household: its
  key is destroyed, so the resident's name, phone, unit, room and every note about them read
  [erased] everywhere, for good. The history, its chain of hashes and the statistics stay, so
  an auditor can still replay and verify the case and tell an erased case from a tampered one.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
      | auditor   | auditor      |        |           |
    And these co-building partners are in the directory:
      | partner  | kind     | serves                            | blocks | clerk    |
      | 利群医院 | hospital | emergency, hardship, worry_relief | all    | hospital |
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502, for 王秀英, who consents to share it
    And leader3 has referred the need to 利群医院, noting "请医生上门，老人独居"
    And an hour has passed

  Scenario: The secretary erases the household and its case reads [erased]
    When the secretary erases the need's household
    Then the erasure names the household and its 1 case
    And the need reads:
      | resident    | [erased]  |
      | phone       | [erased]  |
      | unit        | [erased]  |
      | room        | [erased]  |
      | description | [erased]  |
      | category    | emergency |
      | urgency     | high      |
      | block       | B3        |
      | building    | 15        |
      | referrals   | 1         |

  Scenario: The auditor replays the erased case and it still verifies
    Given the secretary has erased the need's household
    When the auditor reads the need's history
    Then the history reads, oldest first:
      | version | event              | actor     | recorded at      |
      | 1       | NeedLogged         | leader3   | 2026-11-30 09:00 |
      | 2       | Referred           | leader3   | 2026-11-30 09:00 |
      | 3       | PersonalDataErased | secretary | 2026-11-30 10:00 |
    And every written word in the history reads "[erased]"
    And the auditor finds the case's chain intact
    And the case as it was at version 1 reads "[erased]" for the resident

  Scenario: Every process of the service forgets the household once the erasure has answered
    Given the service also runs in two server processes of its own, each of which has shown the need as it was at version 1
    When the secretary erases the need's household through the first of them
    Then the second at once shows the need as it was at version 1 with "[erased]" for the resident and the phone
    And neither the history nor the export the second shows holds the resident's name or phone

  Scenario: An erasure held up by a reader of the key store says so, and is finished later
    Given another connection keeps a read open on the household key store
    When the secretary erases the need's household
    Then it is refused with 503 Service Unavailable, saying "not finished"
    And the case as it was at version 1 reads "[erased]" for the resident
    When the other connection has finished reading and the secretary erases the need's household again
    Then the erasure names the household and its 1 case
    And no file of the store holds the household's key

  Scenario: Nothing personal can be added to an erased household's case
    Given the secretary has erased the need's household
    When leader3 adds a note: "再次回访"
    Then it is refused with 409 Conflict, saying "erased"

  Scenario: Only the secretary may erase a household
    When leader3 erases the need's household
    Then it is refused with 403 Forbidden

  Scenario: Erasing the household erases what the three fives hold about it
    Given leader3 has placed 王秀英 of the need's household in the group "elderly_alone"
    And leader3 has recorded that someone of the need's household was hospitalised, noting "老伴脑梗住院"
    And leader3 has recorded a concern about the need's household: "邻居噪音扰民，老人睡不好"
    When the secretary erases the need's household
    Then the erasure names the household, its 1 case and its 1 record
    And the household reads "[erased]" for its unit, room, members and notes
    And the concern reads "[erased]" and is still a concern in B3
    And the household still owes its 1 duty, listed in B3

  Scenario: Nothing personal can be added to an erased household's duties
    Given the secretary has erased the need's household
    When leader3 places 李建国 of the need's household in the group "unemployed"
    Then it is refused with 409 Conflict, saying "erased"
