Feature: Keep a partner's entry current
  The committee's partners change: a hospital renames its department, the police take on
  mediation in a block, a partner's phone moves. The secretary (书记) edits the entry — name,
  kind, partnership mode (联建, 共建, 帮建), what it serves and where, its capacity and contact —
  and every change is kept in the partner's history with who made it and why. Matching follows
  each change at once.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
      | 长征派出所 | police   | emergency, mediation              | all    | police   |

  Scenario: The secretary gives a partner its partnership mode and the history says who and why
    When the secretary changes 利群医院's details to mode 共建, saying "签订共建协议"
    Then the partner reads:
      | name    | 利群医院 |
      | mode    | 共建     |
      | version | 2        |
    And 利群医院's history ends with DetailsChanged by secretary, saying "签订共建协议"

  Scenario: Matching follows a change of what a partner serves at once
    Given leader3 has logged a high emergency need at 15号楼
    When the secretary changes what 长征派出所 serves to mediation in all blocks, saying "急救由120负责"
    Then the partner reads:
      | serves | mediation |
      | blocks | *         |
    When leader3 looks at the matches for the need
    Then the partners offered are, best first: 利群医院, 物业公司

  Scenario: A change sent against an old version changes nothing
    When the secretary changes 利群医院's capacity to 20 a week, against version 5
    Then it is refused with 412 Precondition Failed
    And 利群医院's history ends with Registered by setup, saying ""

  Scenario: A code the community does not have is refused, naming the field
    When the secretary changes what 长征派出所 serves to gardening in all blocks, saying "试试"
    Then it is refused with 422 Unprocessable Entity, naming categories
