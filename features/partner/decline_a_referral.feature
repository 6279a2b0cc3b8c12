Feature: Decline a referral
  The clerk of a co-building partner turns down a referral the partner cannot take, giving one of
  the reason codes (no_capacity, out_of_scope, not_eligible, other). The partner then drops out of
  this need's matches, so the block leader is offered the next best partner at once.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And the secretary chenhong has registered these co-building partners:
      | partner    | kind     | serves                            | blocks | clerk       |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | liqun.li    |
      | 物业公司   | property | emergency, hardship               | all    | wuye.sun    |
      | 长征派出所 | police   | emergency, mediation              | all    | police.zhou |
    And wangli is the block leader of B3
    And a critical emergency need logged by wangli in block B3, building 15号楼

  Scenario: The partner declines for lack of capacity
    Given wangli has referred the need to 利群医院
    When the clerk of 利群医院 declines the referral because of no_capacity
    Then the referral to 利群医院 is declined, for the reason no_capacity
    And the need's history records the decline by liqun.li, for the reason no_capacity

  Scenario: A partner that declined is no longer offered, and the next best comes first
    Given the partners offered for the need are, best first: 利群医院, 物业公司, 长征派出所
    And wangli has referred the need to 利群医院
    When the clerk of 利群医院 declines the referral because of no_capacity
    Then the partners offered for the need are, best first: 物业公司, 长征派出所

  Scenario: The partner that declined cannot be sent the need again
    Given wangli has referred the need to 利群医院
    And 利群医院 has declined the referral because of no_capacity
    When wangli refers the need to 利群医院
    Then it is refused: the partner declined this need
    And the refusal says "利群医院 already declined"
    And the need still has just one referral: to 利群医院, declined

  Scenario Outline: A decline without one of the reason codes is refused, and the referral stays sent
    Given wangli has referred the need to 利群医院
    When the clerk of 利群医院 declines the referral, giving the reason "<reason>"
    Then it is refused: <refusal>
    And the refusal says "<message>"
    And the referral to 利群医院 is still sent, at version 1

    Examples:
      | reason   | refusal                           | message                  |
      |          | a decline needs a reason          | a decline needs a reason |
      | too_busy | the reason is not one of the codes | 'too_busy' is not one of |
