Feature: The referral clock
  A referral is closed-loop: the partner has the category's answer time (two hours for an
  emergency) to accept or decline. The service keeps that clock. Within a minute of the deadline
  an unanswered referral expires and the case is offered, without anyone lifting a finger, to the
  next best partner the matching policy offers. When no partner is left, the case is escalated:
  it goes onto the secretary's board and onto the block leader's reminders.

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

  Scenario: An emergency referral nobody answers in two hours expires and goes to the next partner
    Given wangli has referred the need to 利群医院
    And the next best partners for the need are: 物业公司, 长征派出所
    When the referral clock ticks at 11:01
    Then the referral to 利群医院 is expired
    And the referral to 物业公司 is sent
    And 物业公司 must answer by 13:01, two hours after the clock referred the need
    And the need's history ends with the expiry and the new referral, both by the clock
    And the clock reports 1 case re-offered

  Scenario: Before its deadline a referral is left alone
    Given wangli has referred the need to 利群医院
    When the referral clock ticks at 10:59
    Then the referral to 利群医院 is still sent
    And the need has 1 referral
    And the clock reports nothing done

  Scenario: A referral the partner answered in time does not expire
    Given wangli has referred the need to 利群医院
    And 利群医院 has accepted the referral
    When the referral clock ticks at 11:01
    Then the referral to 利群医院 is still accepted
    And the need has 1 referral

  Scenario: The clock ticking twice moves the case on once
    Given wangli has referred the need to 利群医院
    When the referral clock ticks at 11:01
    And the referral clock ticks again at 11:01
    Then the need has 2 referrals
    And the clock reports nothing done

  Scenario: With no partner left the case is escalated onto the secretary's board
    Given wangli has referred the need to 利群医院
    When the referral clock ticks at 11:01
    And the referral clock ticks at 13:02
    And the referral clock ticks at 15:03
    Then the need's referrals are: 利群医院 expired, 物业公司 expired, 长征派出所 expired
    And the clock reports 1 case escalated
    And the need is escalated, because "长征派出所 did not answer in time and no other partner may take the case"
    And the need is on the secretary's board
    And wangli is reminded that the need was escalated

  Scenario: Referring the escalated case again takes it off the board
    Given wangli has referred the need to 利群医院
    And the referral clock has run through every partner by 15:03
    And chenhong has registered the partner 区府办, serving emergency in all blocks
    When wangli refers the need to 区府办
    Then the referral to 区府办 is sent
    And the need is not escalated
    And the secretary's board is empty
