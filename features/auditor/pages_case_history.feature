Feature: On the phone: the auditor reads a case's history
  An auditor checks how a case was handled: every event, who did it, when it happened and when
  the service recorded it, what it changed — and the case as it stood at any event.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: Every event with who, when and what changed, and the case as it stood
    Given leader3 has logged a 救急 need for 18号楼 1单元 601室 with the resident's consent, for 孙奶奶, and referred it to 利群医院 with the note "请上门看看"
    And the clerk hospital has accepted the referral
    And auditor has signed in on a phone in Chinese
    When the auditor opens the case's history
    Then the history lists 3 events: "登记", "转介给 利群医院", "利群医院 已接单"
    And each event names who did it, when it happened and when it was recorded
    And the last event shows the referral's status changing from "sent" to "accepted"
    When the auditor asks for the case as it stood after event 2
    Then the case then shows the referral to 利群医院 as "等待答复"
