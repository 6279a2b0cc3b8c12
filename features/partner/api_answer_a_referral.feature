Feature: Answer a referral from the partner's inbox
  The clerk of a co-building partner (联建单位) works from the partner's inbox: accepts a referral
  and later reports how it ended, or declines it with a reason code. The clerk sees who the
  resident is and where they live only while the resident consents to share it; otherwise only
  the case: its category, urgency, block, building and the note the block leader wrote. Every
  answer moves the referral's own version on, and the ETag says which version the clerk holds.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username | role         | blocks | works for |
      | leader3  | block_leader | B3     |           |
      | hospital | partner      |        | 利群医院  |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
      | 长征派出所 | police   | emergency, mediation              | all    | police   |
      | 物业公司   | property | emergency, hardship               | all    | property |

  Scenario: The clerk sees the resident only while the resident consents
    Given leader3 has logged a critical emergency need at 15号楼, unit 2, room 502, for 王秀英, who consents to share it
    And leader3 has referred the need to 利群医院, noting "老人独居，请医生上门"
    When the clerk of 利群医院 opens the inbox
    Then the inbox holds 1 referral, and it reads:
      | status      | sent                   |
      | category    | emergency              |
      | urgency     | critical               |
      | block       | B3                     |
      | building    | 15                     |
      | note        | 老人独居，请医生上门   |
      | resident    | 王秀英                 |
      | phone       | 139 1234 5678          |
      | unit        | 2                      |
      | room        | 502                    |
      | description | 独居老人在家摔倒，起不来 |
    Given leader3 has recorded that the resident withdrew consent to share
    When the clerk of 利群医院 opens the inbox
    Then the inbox holds 1 referral, and it reads:
      | status   | sent                 |
      | category | emergency            |
      | urgency  | critical             |
      | block    | B3                   |
      | building | 15                   |
      | note     | 老人独居，请医生上门 |
    And it shows nothing of the resident: no name, phone, household or description
    When the clerk of 利群医院 opens the referral
    Then it shows nothing of the resident: no name, phone, household or description

  Scenario: An answer sent again shows the resident only while the resident still consents
    Given leader3 has logged a critical emergency need at 15号楼, unit 2, room 502, for 王秀英, who consents to share it
    And leader3 has referred the need to 利群医院, noting "老人独居，请医生上门"
    And the clerk of 利群医院 has accepted the referral with the Idempotency-Key "accept-1", seeing 王秀英
    And leader3 has recorded that the resident withdrew consent to share
    When the clerk of 利群医院 sends the acceptance again with the Idempotency-Key "accept-1"
    Then it is answered as a replay with 200 OK
    And the referral to 利群医院 is accepted, at version 2
    And it shows nothing of the resident: no name, phone, household or description

  Scenario: Without the resident's consent the clerk sees only the case
    Given leader3 has logged a critical emergency need at 15号楼, unit 2, room 502, for 王秀英, who does not consent to share it
    And leader3 has referred the need to 利群医院, noting "老人独居，请医生上门"
    When the clerk of 利群医院 opens the inbox
    Then the inbox holds 1 referral, and it reads:
      | status   | sent                 |
      | building | 15                   |
      | note     | 老人独居，请医生上门 |
    And it shows nothing of the resident: no name, phone, household or description

  Scenario: The clerk accepts the referral, then reports that the partner helped
    Given leader3 has logged a critical emergency need at 15号楼
    And leader3 has referred the need to 利群医院, noting "老人独居，请医生上门"
    And 10 minutes have passed
    When the clerk of 利群医院 opens the referral
    Then the referral to 利群医院 is sent, at version 1
    When the clerk of 利群医院 accepts the referral, sending the version they read, noting "医生十点上门"
    Then the referral to 利群医院 is accepted, at version 2
    And the referral reads:
      | answered at | 2026-11-30 09:10 |
    Given 2 hours have passed
    When the clerk of 利群医院 reports the outcome helped, noting "已上门诊治，老人情况稳定"
    Then the referral to 利群医院 is completed, at version 3
    And the referral reads:
      | outcome | helped |
    And leader3 sees the need's referral to 利群医院 completed, with the outcome helped

  Scenario: A partner that declines for lack of capacity drops out of the need's matches
    Given leader3 has logged a critical emergency need at 15号楼
    And the partners leader3 is offered for the need are, best first: 利群医院, 物业公司, 长征派出所
    And leader3 has referred the need to 利群医院, noting "老人独居，请医生上门"
    When the clerk of 利群医院 declines the referral because of no_capacity
    Then the referral to 利群医院 is declined, at version 2
    And the referral reads:
      | decline reason | no_capacity |
    When leader3 looks at the matches for the need
    Then the partners offered are, best first: 物业公司, 长征派出所
    When leader3 refers the need to 利群医院
    Then it is refused with 409 Conflict, saying "利群医院 already declined"
    And the need's referrals are:
      | partner  | status   |
      | 利群医院 | declined |
