Feature: Keep the directory of co-building partners
  The secretary (书记) keeps the directory of co-building partners: registers them, with a webhook
  that their own systems are called on, suspends one that may take no new referrals for a while and
  lets it back. Only the secretary may send a need to a partner outside what it serves, and must
  say why.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
      | 长征派出所 | police   | emergency, mediation              | all    | police   |

  Scenario: A partner registered with a webhook is shown the webhook's secret once
    When the secretary registers this partner:
      | name            | 新曹杨集团                             |
      | kind            | enterprise                             |
      | serves          | poverty_relief, study_aid              |
      | blocks          | B5, B6, B7                             |
      | weekly capacity | 5                                      |
      | contact         | 021-6254 0000                          |
      | webhook         | https://xincaoyang.example/hooks/needs |
    Then 新曹杨集团 is in the directory, where the answer's Location says
    And the partner reads:
      | kind            | enterprise                             |
      | serves          | poverty_relief, study_aid              |
      | blocks          | B5, B6, B7                             |
      | weekly capacity | 5                                      |
      | active          | yes                                    |
      | webhook         | https://xincaoyang.example/hooks/needs |
    And the answer shows the webhook's signing secret
    When the secretary looks 新曹杨集团 up in the directory again
    Then the partner reads:
      | webhook | https://xincaoyang.example/hooks/needs |
    But the webhook's secret is not shown
    And the directory's list does not show it either

  Scenario: A suspended partner is refused new referrals until it is reactivated
    Given the secretary has registered 新曹杨集团, serving poverty_relief and study_aid in B5, B6, B7
    And leader5 has logged a normal poverty_relief need at 27号楼
    When the secretary suspends 新曹杨集团, saying "合同到期，正在续签"
    Then the partner reads:
      | active | no |
    When leader5 refers the need to 新曹杨集团
    Then it is refused with 409 Conflict, saying "新曹杨集团 is suspended"
    And the need has no referrals
    And the need is still open, at version 1
    When the secretary reactivates 新曹杨集团
    Then the partner reads:
      | active | yes |
    When leader5 refers the need to 新曹杨集团
    Then the referral to 新曹杨集团 is sent, at version 1
    And the need is in progress, at version 2

  Scenario: The secretary sends a need outside a partner's services, saying why
    Given leader3 has logged a high mediation need at 15号楼
    When leader3 refers the need to 利群医院
    Then it is refused with 409 Conflict, saying "利群医院 does not serve mediation in block B3"
    When the secretary refers the need to 利群医院
    Then it is refused with 409 Conflict, saying "referring anyway needs an override reason"
    And the need has no referrals
    When the secretary refers the need to 利群医院, overriding with the reason "纠纷因老人就医而起，需医院社工出面"
    Then the referral to 利群医院 is sent, at version 1
    And the need's history records the referral to 利群医院 by secretary, overriding with the reason "纠纷因老人就医而起，需医院社工出面"
