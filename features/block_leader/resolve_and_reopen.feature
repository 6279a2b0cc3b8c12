Feature: Resolve and reopen a need
  A need is closed only when no partner still holds it: a referral that is sent or accepted must
  first be completed by the partner (or taken back). A closed need that comes back is reopened,
  saying why, and is on the block's list again.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And the secretary chenhong has registered these co-building partners:
      | partner  | kind     | serves                            | blocks | clerk    |
      | 利群医院 | hospital | emergency, hardship, worry_relief | all    | liqun.li |
    And wangli is the block leader of B3
    And a critical emergency need logged by wangli in block B3, building 15号楼

  Scenario Outline: A need cannot be resolved while a partner holds its referral
    Given wangli has referred the need to 利群医院
    And 利群医院 <answer> the referral
    When wangli resolves the need as helped
    Then it is refused: a partner still holds a referral
    And the refusal says "利群医院 (<status>)"
    And the need is still in progress, at version <version>

    Examples:
      | answer               | status   | version |
      | has not yet answered | sent     | 2       |
      | has accepted         | accepted | 3       |

  Scenario: Once the partner reports that it helped, the need is resolved
    Given wangli has referred the need to 利群医院
    And 利群医院 has accepted the referral
    And an hour has passed
    When the clerk of 利群医院 reports the outcome helped
    And wangli resolves the need as helped
    Then the referral to 利群医院 is completed, with the outcome helped
    And the need is resolved, at version 5
    And block B3 has no open needs

  Scenario: A resolved need is reopened, saying why
    Given wangli has resolved the need as helped
    When wangli reopens the need because "老人再次摔倒，家属要求继续跟进"
    Then the need is open, at version 3
    And the need's history ends with the reopening by wangli, because "老人再次摔倒，家属要求继续跟进"
    And the need is among block B3's open needs

  Scenario: A need is not reopened without a reason
    Given wangli has resolved the need as helped
    When wangli reopens the need because ""
    Then it is refused: a reason is required
    And the refusal says "reason may not be empty"
    And the need is still resolved, at version 2

  Scenario: A need that is open cannot be reopened
    When wangli reopens the need because "家属说情况有变"
    Then it is refused: the need is not resolved
    And the refusal says "only a resolved need can be reopened; this one is open"
    And the need is still open, at version 1
