Feature: Five must-visits (五必访)
  A cadre visits every household that moves in, has someone in hospital, holds a wedding or a
  funeral, suffers a disaster or a theft, or takes in a new tenant. Recording the life event makes
  the visit fall due: within two days for a hospitalisation or a disaster, within a week for the
  others. A visit not made in time is overdue on the block leader's "today"; recording the visit
  discharges the duty.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And a household at building 15号楼, unit 2, room 502 in block B3

  Scenario: A hospitalisation makes a visit due within two days
    When wangli records that someone in the household is hospitalised
    Then a visit to the household is due by 09:00 on 2026-12-02
    And wangli has nothing overdue today

  Scenario: A move-in gives the cadre a week
    When wangli records that the household moved_in
    Then a visit to the household is due by 09:00 on 2026-12-07

  Scenario: A visit missed becomes overdue
    Given wangli has recorded that someone in the household is hospitalised
    When 2 days and 1 hour pass
    Then wangli's today shows the visit for hospitalised as overdue

  Scenario: Visiting discharges the duty
    Given wangli has recorded that someone in the household is hospitalised
    When wangli discharges the duty with the notes "已探望，情况稳定"
    Then the duty is discharged by wangli
    And wangli's today is empty
