Feature: Refer a need to a co-building partner
  A block leader hands a need to a co-building partner (联建单位) that serves its category in the
  block. The referral is a closed loop: the partner has the category's answer time to accept or
  decline, and every step is kept on the referral itself. Only the secretary may send a need to a
  partner outside what it serves, and must say why.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And the secretary chenhong has registered these co-building partners:
      | partner    | kind     | serves                            | blocks | clerk       |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | liqun.li    |
      | 物业公司   | property | emergency, hardship               | all    | wuye.sun    |
      | 长征派出所 | police   | emergency, mediation              | all    | police.zhou |
    And wangli is the block leader of B3

  Scenario Outline: A referral is sent with the category's time to answer
    Given a <urgency> <category> need logged by wangli in block B3, building 15号楼
    And 30 minutes have passed
    When wangli refers the need to 利群医院
    Then the referral to 利群医院 is sent, at version 1
    And 利群医院 must answer by <deadline> Shanghai time, <answer time> after it was sent
    And the need is in progress, at version 2

    Examples:
      | category     | urgency  | answer time | deadline         |
      | emergency    | critical | 2 hours     | 2026-11-30 11:30 |
      | hardship     | normal   | 48 hours    | 2026-12-02 09:30 |
      | worry_relief | low      | 48 hours    | 2026-12-02 09:30 |

  Scenario: The partner accepts the referral
    Given a critical emergency need logged by wangli in block B3, building 15号楼
    And wangli has referred the need to 利群医院
    And 10 minutes have passed
    When the clerk of 利群医院 accepts the referral
    Then the referral to 利群医院 is accepted, at version 2
    And the need is in progress, at version 3

  Scenario: A suspended partner takes no new referrals
    Given chenhong has suspended 物业公司, saying "合同到期，正在续签"
    And a critical emergency need logged by wangli in block B3, building 15号楼
    When wangli refers the need to 物业公司
    Then it is refused: the partner is suspended
    And the refusal says "物业公司 is suspended"
    And the need has no referrals
    And the need is still open, at version 1

  Scenario: A block leader cannot refer to a partner that does not serve the category
    Given a high mediation need logged by wangli in block B3, building 15号楼
    When wangli refers the need to 利群医院
    Then it is refused: the partner does not serve the need
    And the refusal says "利群医院 does not serve mediation in block B3"
    And the need has no referrals
    And the need is still open, at version 1

  Scenario: The secretary may refer to a partner outside what it serves, saying why
    Given a high mediation need logged by wangli in block B3, building 15号楼
    When chenhong refers the need to 利群医院, overriding with the reason "纠纷因老人就医而起，需医院社工出面"
    Then the referral to 利群医院 is sent, at version 1
    And the referral records chenhong's override reason "纠纷因老人就医而起，需医院社工出面"
    And the need is in progress, at version 2

  Scenario Outline: Going outside a partner's services takes both the secretary and a reason
    Given a high mediation need logged by wangli in block B3, building 15号楼
    When <username> refers the need to 利群医院, overriding with the reason "<reason>"
    Then it is refused: <refusal>
    And the refusal says "<message>"
    And the need has no referrals
    And the need is still open, at version 1

    Examples:
      | who          | username | reason             | refusal                             | message                                      |
      | block leader | wangli   | 老人坚持要医院的人来 | the partner does not serve the need | 利群医院 does not serve mediation in block B3 |
      | secretary    | chenhong |                    | an override needs a reason          | referring anyway needs an override reason    |
