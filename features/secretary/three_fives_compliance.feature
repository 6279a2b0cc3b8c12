Feature: The three fives' compliance board
  The secretary sees, for each block over the last four weeks, how many visits and asks fell
  due, how many were done on time, how many late, and how many are overdue now.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And a household at building 15号楼, unit 2, room 502 in block B3

  Scenario: A visit done on time, one done late and one missed
    Given wangli has recorded that someone in the household is hospitalised
    And wangli has visited within 1 day
    And wangli has recorded that someone in the household is hospitalised
    And wangli has visited within 3 days
    And wangli has recorded that someone in the household is hospitalised
    When 2 days and 1 hour pass
    Then the compliance board shows for B3: 3 due, 1 on time, 1 late, 1 overdue
    And the compliance board shows nothing for B5
