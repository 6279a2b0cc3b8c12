Feature: Replay a case's history
  An auditor from the sub-district office replays a case: every event, oldest first, who did it,
  when it happened (a visit may have been noted on a phone without signal) and when the service
  recorded it. The auditor can read the case as it stood after any event, or as the service had it
  at any moment, and changes nothing.

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
    And leader3 has recorded a visit made at 09:40, sent from a phone that had no signal: "上门看望，老人行动不便"
    And leader3 has referred the need to 利群医院, noting "请医生上门"
    And an hour has passed
    And leader3 has changed the urgency to critical, because "老人再次摔倒"

  Scenario: The auditor reads every event of the case, oldest first, with who and both times
    When the auditor reads the need's history
    Then the history reads, oldest first:
      | version | event          | actor   | occurred at      | recorded at      |
      | 1       | NeedLogged     | leader3 | 2026-11-30 09:00 | 2026-11-30 09:00 |
      | 2       | VisitRecorded  | leader3 | 2026-11-30 09:40 | 2026-11-30 10:00 |
      | 3       | Referred       | leader3 | 2026-11-30 10:00 | 2026-11-30 10:00 |
      | 4       | UrgencyChanged | leader3 | 2026-11-30 11:00 | 2026-11-30 11:00 |

  Scenario: The auditor reads the case as it was after its first event
    When the auditor reads the need as it was at version 1
    Then the need reads:
      | version   | 1    |
      | status    | open |
      | urgency   | high |
      | visits    | 0    |
      | referrals | 0    |
    And the need is now critical, at version 4

  Scenario Outline: The auditor reads the case as the service had recorded it at a moment
    When the auditor reads the need as of <moment>, Shanghai time
    Then the need reads:
      | version   | <version>   |
      | status    | <status>    |
      | urgency   | <urgency>   |
      | visits    | <visits>    |
      | referrals | <referrals> |

    Examples:
      | moment           | version | status      | urgency  | visits | referrals | which is                                          |
      | 2026-11-30 09:30 | 1       | open        | high     | 0      | 0         | before the visit                                  |
      | 2026-11-30 09:50 | 1       | open        | high     | 0      | 0         | after the visit, before the phone sent it         |
      | 2026-11-30 10:30 | 3       | in_progress | high     | 1      | 1         | after the visit and the referral, before the fall |
      | 2026-11-30 11:30 | 4       | in_progress | critical | 1      | 1         | after the urgency changed                         |

  Scenario: An auditor may not add a note, and the case stays as it was
    When the auditor adds a note: "审计抽查，一切正常"
    Then it is refused with 403 Forbidden
    And the need is still in progress, at version 4
    And the need has no notes

  Scenario: The moments inside the history are written as the contract writes times
    When the auditor reads the need's history
    Then the referral's event says 利群医院 must answer by 2026-11-30 12:00, Shanghai time
