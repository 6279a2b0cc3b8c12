Feature: An auditor exports a case's record
  An auditor from the sub-district office takes a case's whole record away: every event with who
  did it, when it happened and when it was recorded, what it changed and its hash, whether the
  chain of hashes checks out, and who exported it when — as JSON for their tools and as a PDF to
  print. Exporting shows the resident's personal data, so it is recorded in who looked.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username | role         | blocks | works for |
      | leader3  | block_leader | B3     |           |
      | auditor  | auditor      |        |           |
    And these co-building partners are in the directory:
      | partner  | kind     | serves                            | blocks | clerk    |
      | 利群医院 | hospital | emergency, hardship, worry_relief | all    | hospital |
    And leader3 has logged a high emergency need at 15号楼
    And an hour has passed
    And leader3 has referred the need to 利群医院, noting "请医生上门"

  Scenario: The export gives every event with its hash and says the chain is intact
    When the auditor exports the need
    Then the export lists the events NeedLogged, Referred, each with its own hash, the last one the head
    And the export shows the Referred event changing status from "open" to "in_progress"
    And the export says the chain is intact
    And the export names auditor as its exporter at 2026-11-30 10:00
    And who looked at the need shows the auditor's export

  Scenario: The PDF says the same, in Chinese
    When the auditor exports the need as a PDF
    Then the PDF reads "案件记录", "请医生上门" and "完好：全部2个事件校验无误"
    And the PDF gives the hash of every event

  Scenario: An event altered in the database is named in the export
    Given someone changed who recorded event 2 in the database
    When the auditor exports the need
    Then the export says the chain is broken at event 2

  Scenario: A block leader cannot export a case
    When leader3 exports the need
    Then it is refused with 403 Forbidden
