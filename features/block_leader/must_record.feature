Feature: Five must-records (五必记)
  Cadres record residents' concerns and moods, families in difficulty, special populations, good
  deeds and residents' suggestions, about a household or about the whole block. A concern or a
  suggestion about a household becomes a need on the menu in one action; the record names the
  need and the need names the record.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai
    And wangli is the block leader of B3
    And a household at building 15号楼, unit 2, room 502 in block B3

  Scenario: A suggestion becomes a need
    Given wangli has recorded a suggestion about the household: "楼道里加装扶手"
    When wangli turns the record into a hardship need of low urgency
    Then the household has an open hardship need in block B3 saying "楼道里加装扶手"
    And the record names the need and the need names the record

  Scenario: A good deed is kept on file, not turned into a need
    Given wangli has recorded a good_deed about the household: "帮邻居买菜"
    When wangli turns the record into a hardship need of low urgency
    Then it is refused because "a good_deed record does not become a need"
    And block B3 has no open needs
