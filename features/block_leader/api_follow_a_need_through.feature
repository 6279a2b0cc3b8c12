Feature: Follow a need through on the phone, from logging to resolution
  A block leader works a case from the phone: signs in, logs the need by the household's address
  as people say it ("15号楼"), sees it take its place on the block's list by urgency, looks at the
  partners the service suggests and why, refers the need to the best of them, visits the household
  and, once the partner reports back, closes the case. The need's history keeps every step and who
  took it.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username | role         | blocks | works for |
      | leader3  | block_leader | B3     |           |
      | leader5  | block_leader | B5     |           |
    And these co-building partners are in the directory:
      | partner    | kind       | serves                            | blocks         | clerk    |
      | 利群医院   | hospital   | emergency, hardship, worry_relief | all            | hospital |
      | 长征派出所 | police     | emergency, mediation              | all            | police   |
      | 物业公司   | property   | emergency, hardship               | all            | property |
      | 绿化市容   | government | hardship                          | B1, B2, B3, B4 | greening |

  Scenario: A need logged by its address heads the block's open needs when it is the most urgent
    Given these needs have been logged, an hour apart from 09:00:
      | logged by | block | building | category     | urgency  |
      | leader3   | B3    | 13       | hardship     | normal   |
      | leader3   | B3    | 14号     | mediation    | high     |
      | leader5   | B5    | 27号楼   | emergency    | critical |
      | leader3   | B3    | 16       | worry_relief | high     |
    When leader3 signs in on the phone
    Then leader3 is signed in as the block leader of B3
    When leader3 logs a need in block B3:
      | category    | emergency                |
      | urgency     | critical                 |
      | building    | 15号楼                   |
      | unit        | 2                        |
      | room        | 502                      |
      | resident    | 王秀英                   |
      | phone       | 139 1234 5678            |
      | description | 独居老人在家摔倒，起不来 |
      | consent     | yes                      |
    Then the need is on the menu, where the answer's Location says
    And the need reads:
      | status      | open                     |
      | version     | 1                        |
      | block       | B3                       |
      | building    | 15                       |
      | unit        | 2                        |
      | room        | 502                      |
      | resident    | 王秀英                   |
      | description | 独居老人在家摔倒，起不来 |
      | logged by   | leader3                  |
      | logged at   | 2026-11-30 13:00         |
    When leader3 lists the open needs of block B3
    Then the list holds 4 needs, most urgent first:
      | building | category     | urgency  | logged at        |
      | 15       | emergency    | critical | 2026-11-30 13:00 |
      | 14       | mediation    | high     | 2026-11-30 10:00 |
      | 16       | worry_relief | high     | 2026-11-30 12:00 |
      | 13       | hardship     | normal   | 2026-11-30 09:00 |

  Scenario: The partners are ranked for the need, each with its reasons, and the best is sent it
    Given on another need that leader3 logged this morning, these partners answered its referrals:
      | partner    | answer   | after  |
      | 利群医院   | accepted | 1 hour |
      | 长征派出所 | declined | 1 hour |
    And leader3 has logged a critical emergency need at 15号楼
    When leader3 looks at the matches for the need
    Then the partners offered are ranked, best first, each with its reasons:
      | partner    | among its reasons                         |
      | 利群医院   | accepted 1 of 1 past referral (100%)      |
      | 物业公司   | no history yet: no past referral answered |
      | 长征派出所 | accepted 0 of 1 past referral (0%)        |
    When leader3 refers the need to the best match, noting "老人独居，请尽快上门"
    Then the referral to 利群医院 is sent, at version 1
    And the referral reads:
      | note      | 老人独居，请尽快上门 |
      | sent at   | 2026-11-30 11:00     |
      | answer by | 2026-11-30 13:00     |
    And the need is in progress, at version 2

  Scenario: The case closes only after the partner reports back, and its history tells every step
    Given leader3 has signed in on the phone
    When leader3 logs a need in block B3:
      | category    | emergency                |
      | urgency     | critical                 |
      | building    | 15号楼                   |
      | unit        | 2                        |
      | room        | 502                      |
      | resident    | 王秀英                   |
      | description | 独居老人在家摔倒，起不来 |
      | consent     | yes                      |
    Then the need is on the menu, where the answer's Location says
    When leader3 refers the need to the best match, noting "老人独居，请尽快上门"
    Then the referral to 利群医院 is sent, at version 1
    Given 30 minutes have passed
    When leader3 records a visit: "上门看望，已联系老人的女儿"
    Then the need is in progress, at version 3, with the visit by leader3 at 2026-11-30 09:30
    Given the clerk of 利群医院 has accepted the referral
    When leader3 resolves the need as helped, summing up "医生已上门，老人情况稳定"
    Then it is refused with 409 Conflict, saying "利群医院 (accepted)"
    And the need is still in progress, at version 4
    Given an hour has passed
    And the clerk of 利群医院 has reported the outcome helped
    When leader3 resolves the need as helped, summing up "医生已上门，老人情况稳定"
    Then the need is resolved as helped, at version 6
    And block B3 has no open needs
    When leader3 reads the need's history
    Then the history reads, oldest first:
      | version | step              | by       | at               |
      | 1       | NeedLogged        | leader3  | 2026-11-30 09:00 |
      | 2       | Referred          | leader3  | 2026-11-30 09:00 |
      | 3       | VisitRecorded     | leader3  | 2026-11-30 09:30 |
      | 4       | ReferralAccepted  | hospital | 2026-11-30 09:30 |
      | 5       | ReferralCompleted | hospital | 2026-11-30 10:30 |
      | 6       | Resolved          | leader3  | 2026-11-30 10:30 |
