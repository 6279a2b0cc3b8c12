Feature: A command sent against a stale version is refused
  Two people may have the same case open on their phones. Every command carries the version its
  sender saw; if someone changed the case meanwhile, the command is refused as stale and changes
  nothing, so nobody overwrites a change they never saw. A referral has its own version: only its
  own steps count, so a note on the case does not make a partner's answer stale.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And the secretary chenhong has registered these co-building partners:
      | partner  | kind     | serves                            | blocks | clerk    |
      | 利群医院 | hospital | emergency, hardship, worry_relief | all    | liqun.li |
    And wangli is the block leader of B3
    And zhaomin is the block leader of B3
    And a high hardship need logged by wangli in block B3, building 15号楼

  Scenario: Of two leaders changing the urgency from the same version, the second is refused
    Given zhaomin has recorded a visit: "上门看望，老人行动不便"
    And wangli and zhaomin have both loaded the need at version 2
    When wangli changes the urgency to critical, sending the version they loaded
    Then the need is at version 3, with urgency critical
    When zhaomin changes the urgency to low, sending the version they loaded
    Then it is refused: it was sent against a stale version
    And the refusal says "at version 3, not 2"
    And the need is at version 3, with urgency critical
    And the need's history shows one urgency change: to critical, by wangli

  Scenario: A partner's answer sent against a stale referral version is refused
    Given wangli has referred the need to 利群医院
    And the clerk of 利群医院 has loaded the referral at version 1
    And wangli has withdrawn the referral, saying "家属已自行送医"
    When the clerk of 利群医院 accepts the referral, sending the version they loaded
    Then it is refused: it was sent against a stale version
    And the refusal says "at version 2, not 1"
    And the referral to 利群医院 is still withdrawn, at version 2

  Scenario: A note on the case does not make a partner's answer stale
    Given wangli has referred the need to 利群医院
    And the clerk of 利群医院 has loaded the referral at version 1
    And zhaomin has added a note: "已联系老人的女儿"
    When the clerk of 利群医院 accepts the referral, sending the version they loaded
    Then the referral to 利群医院 is accepted, at version 2
    And the need is in progress, at version 4
