Feature: Resident-led projects — building 7's lift, and the template that spread it
  In 2015 building 7 of 怒江苑 added a lift at its residents' own cost: every household consented,
  a team of residents ran it, and approval steps over 房管, 规土, 建交 and 质监 were stamped one by
  one. The committee wrote the flow chart down; building 22 started from what building 7 really took.
  A project applies only once the community's consent threshold is met (100 % unless configured),
  goes back to consenting if a withdrawal drops it below before approval, and builds only once
  every approval step is complete. Its money is kept to the fen and always balances.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And building 7 in block B2 has started a lift retrofit from the committee's lift template
    And its 12 households live two to a floor on floors 1 to 6, those on floors 5 and 6 started it

  Scenario: Every household consents in the first round, and only then does the project apply
    When 11 households say yes
    Then the project may not apply: "below the threshold"
    When the last household, on floor 2, says yes
    Then the first round counts 12 yes of 12 households, and the threshold is met
    And the project applies

  Scenario: A withdrawal before approval sends the project back to consenting, recorded
    Given every household has said yes and the project has applied
    When the household in 1单元301 withdraws its consent
    Then the project is consenting again
    And its history records the withdrawal and the return to consenting

  Scenario: No building before every approval step is complete
    Given every household has said yes and the project has applied
    And the project is approved
    When the secretary moves the project on to building
    Then it is refused because "must be complete before building"
    When every step of 业主前期工作, 房管, 规土 and 建交 has its stamps and is complete
    Then the project may move on to building

  Scenario: The money is shared by floor and balances to the fen
    Given the project shares 600000 yuan by floor with weights 0, 2, 4, 6, 8 and 10
    When every household pays its share
    And the lift company is paid 500000 yuan on receipt FP-2015-118
    Then the ledger holds 600000 yuan paid, 500000 yuan spent and a balance of 100000 yuan
    And a household on floor 6 paid five times what a household on floor 2 paid

  Scenario: Building 22 starts from what building 7 really took
    Given building 7's project has run its whole course and is in operation
    When the secretary turns building 7's project into a template
    Then the lift template has a new version made from building 7, with the stamps each step took
    When building 22 in block B4 starts a project from that version
    Then building 22's checklist has building 7's steps and keeps that version
    And the lift template's first version is unchanged
