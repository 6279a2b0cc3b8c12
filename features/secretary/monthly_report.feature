Feature: The monthly report for the sub-district office
  At the start of each month the secretary hands the sub-district office the menu's report:
  per block and category what was logged, resolved and is still open, the three fives' duties,
  and nothing that names a resident. Its totals are the board's and the compliance page's.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And a household at building 15号楼, unit 2, room 502 in block B3

  Scenario: A need logged and resolved in the month, and a visit missed
    Given a high emergency need logged by wangli in block B3, building 15号楼
    And wangli has recorded that someone in the household is hospitalised
    When wangli resolves the need as helped
    And 2 days and 1 hour pass
    And the secretary asks for the report from 2026-11-01 to 2026-12-02
    Then the report shows for B3 emergency: 1 logged, 1 resolved as helped, 0 open at the end
    And the report shows 1 visit due in B3 and 1 overdue
    And the report's totals are the board's and the compliance page's
    And the report names no resident

  Scenario: A need still open at the end of the month, overdue for first contact
    Given a normal hardship need logged by wangli in block B3, building 15号楼
    When 2 days and 1 hour pass
    And the secretary asks for the report from 2026-11-01 to 2026-12-02
    Then the report shows for B3 hardship: 1 logged, 0 resolved as helped, 1 open at the end
    And the report shows 1 need in B3 overdue for first contact
    And the report's totals are the board's and the compliance page's

  Scenario: A block leader's report holds their own blocks only
    Given a normal hardship need logged by wangli in block B3, building 15号楼
    When wangli asks for the report from 2026-11-01 to 2026-11-30
    Then the report covers block B3 only

  Scenario: The needs resolved in the month and their follow-up visits
    Given a high emergency need logged by wangli in block B3, building 15号楼
    When wangli resolves the need as helped
    And 7 days and 1 hour pass
    And wangli follows the need up: the resident is satisfied
    And the secretary asks for the report from 2026-11-01 to 2026-12-07
    Then the report shows for B3 1 need resolved, 1 followed up, 1 satisfied
    And the report's follow-ups are the follow-up board's
