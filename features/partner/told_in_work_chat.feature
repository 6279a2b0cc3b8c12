Feature: A partner is told of its referrals in its work chat
  A partner with no webhook server of its own is told in the WeCom or DingTalk group its staff
  already read. Every notice comes from the outbox that follows the log, as webhooks do: under a
  fixed id, each attempt recorded before it is made, retried on the schedule kept in the store,
  never sent twice once it is recorded as delivered, and the case says so when the last attempt
  fails. A group reads the message, so it says only what happened, the block and the category,
  and links to the page where the reader signs in. A robot takes 20 messages a minute; the rest
  wait in the store, none is dropped.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
    And 利群医院 has no webhook, only its WeCom group's robot

  Scenario: A referral arrives in the partner's WeCom group once, within one dispatch
    Given leader3 has logged a critical emergency need at 15号楼, for 王秀英, who consents to share it
    And leader3 has referred the need to 利群医院
    When the notices due are dispatched
    Then the WeCom group has been told 1 time
    And the message names block B3 and 救急, links to the referral's page and names nobody
    When 1 hour passes and the notices due are dispatched again
    Then the WeCom group has been told 1 time

  Scenario: A robot that answers with an errcode is tried again when the store says
    Given the robot will refuse the next message with errcode 45009
    And leader3 has logged a critical emergency need at 15号楼
    And leader3 has referred the need to 利群医院
    When the notices due are dispatched
    Then the WeCom group has been told 0 times
    When 30 seconds pass and the notices due are dispatched again
    Then the WeCom group has been told 1 time

  Scenario: No more than 20 messages a minute go to one robot, and none is dropped
    Given leader3 has referred 25 needs to 利群医院
    When the notices due are dispatched
    Then the WeCom group has been told 20 times
    When 30 seconds pass and the notices due are dispatched again
    Then the WeCom group has been told 20 times
    When 31 seconds pass and the notices due are dispatched again
    Then the WeCom group has been told 25 times
