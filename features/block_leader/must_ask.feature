Feature: Five must-asks (五必问)
  Cadres keep in regular touch with the elderly living alone, the unemployed, the seriously ill,
  united-front contacts and special-care recipients. Each group has its cadence: the elderly living
  alone and the seriously ill every week, the others every month. An ask falls due on its day (the
  clock runs every hour), is overdue once that day is over, and a recorded contact discharges it;
  the next one falls due a cadence after the contact.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And a household at building 15号楼, unit 2, room 502 in block B3

  Scenario: An elderly person living alone falls due every week
    Given 张阿姨 of the household belongs to elderly_alone from 2026-11-30
    When the duties clock runs at 00:30 on 2026-12-07
    Then wangli's today shows the ask after 张阿姨 for elderly_alone, due today
    When wangli discharges the duty with the notes "电话问候，一切安好"
    And the duties clock runs at 00:30 on 2026-12-14
    Then wangli's today shows the ask after 张阿姨 for elderly_alone, due today

  Scenario: An ask missed is overdue the next day, and no second one piles up
    Given 张阿姨 of the household belongs to elderly_alone from 2026-11-30
    When the duties clock runs at 00:30 on 2026-12-07
    And the duties clock runs at 00:30 on 2026-12-08
    Then wangli's today shows the ask after 张阿姨 for elderly_alone as overdue
    And the clock made 1 ask fall due in all

  Scenario: The unemployed are asked after once a month
    Given 刘伯 of the household belongs to unemployed from 2026-11-30
    When the duties clock runs at 00:30 on 2026-12-07
    Then wangli's today is empty
    When the duties clock runs at 00:30 on 2026-12-30
    Then wangli's today shows the ask after 刘伯 for unemployed, due today
