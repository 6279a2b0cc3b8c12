Feature: Block leaders and the secretary are told in their own work chat
  The committee's people live in WeCom and DingTalk groups too. A block's group robots (its
  leader's group and its volunteers') are told when a need in the block is assigned, when a
  partner declines a referral and when a case is escalated; the secretary's are told of every
  escalation and get the day's digest each morning. A leader keeps their block's channels, the
  secretary every block's and their own. Each notice goes once, with the same guarantees as a
  partner's, and names no resident: a whole group reads it.

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

  Scenario: A need assigned to leader3 reaches leader3's DingTalk group, once
    Given leader3 has given block B3 their DingTalk group's robot
    And leader3 has logged a critical emergency need at 15号楼, for 王秀英, who consents to share it
    When the secretary assigns the need to leader3
    And the notices due are dispatched
    Then the DingTalk group has been told 1 time, signed with its secret
    And the message says "新的分派 Need assigned", names block B3 and 救急, links to the need's page and names nobody
    When 1 hour passes and the notices due are dispatched again
    Then the DingTalk group has been told 1 time, signed with its secret

  Scenario: The day's digest reaches the secretary's WeCom group
    Given the secretary has given their own channels the WeCom group's robot
    And leader3 has logged a critical emergency need at 15号楼
    And 3 hours have passed
    When the morning's digest is sent and the notices due are dispatched
    Then the WeCom group has been told 1 time
    And the message says "今日摘要", counts 1 need overdue for first contact and links to the board
    When the morning's digest is sent and the notices due are dispatched
    Then the WeCom group has been told 1 time

  Scenario: A leader keeps their own block's channels, not another's
    When leader5 gives block B3 a WeCom robot
    Then it is refused with 404 Not Found
    When leader3 gives block B3 an email channel
    Then it is refused with 422 Unprocessable Entity, naming the field kind
