Feature: On the phone: a project's team records consents at the door, meetings, stamps and money
  Building 22's residents run their lift retrofit as building 7's did. Their treasurer holds an
  account of the service (a project team member): at each door she records the household's answer
  — in a stairwell with no signal too; the phone keeps it and sends it once the signal returns,
  exactly once — and, as the treasurer, the payments, typed in yuan and kept to the fen. The
  block's leader records the meetings and the stamps, and the template's flow chart shows each
  step as done, in progress, blocked or not started.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: A consent recorded at the door with no signal arrives once, with its time
    Given treasurer22 has signed in on a phone in Chinese
    And treasurer22 has opened building 22's "上门征询意见" page once with a signal
    When the phone loses its signal
    And treasurer22 records that the household 1单元201 on floor 2 "同意", signed on paper
    Then the door page shows the answer waiting on the phone
    When treasurer22 closes the page, the signal returns and treasurer22 opens the app again
    Then the app says "已发送 1 条等待中的住户意见。"
    Then building 22 has treasurer22's answer for 1单元201 exactly once, given when it was captured

  Scenario: The treasurer records a payment in yuan; the ledger keeps it to the fen
    Given treasurer22 has signed in on a phone in Chinese
    When treasurer22 records on building 22's page a "缴款" of "1,250.50" yuan from 1单元301
    Then the project page says "已记录款项。"
    And building 22's ledger shows 125050 fen more paid

  Scenario: The block's leader records a meeting and a stamp; the flow chart shows the step begun
    Given leader4 has signed in on a phone in Chinese
    When leader4 records on building 22's page a "居民会议" held on 2026-11-20
    Then the project page says "已记录会议。"
    When leader4 records on building 22's page a stamp for step housing-01 with reference "沪房22-1"
    Then the project page says "已记录盖章。"
    And the flow chart on building 22's page draws step housing-01 as in progress
