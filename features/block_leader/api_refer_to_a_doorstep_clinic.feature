Feature: Refer a need straight to a partner's doorstep clinic
  Partners bring offerings (资源清单): 利群医院 holds a doorstep clinic (家门口的医疗服务) on the
  second Tuesday of each month in 怒江苑's activity room. A block leader browses the resource
  list by category, sees what is on a given day, and refers a need straight to an offering. The
  referral goes to the offering's partner and names the offering and its next session, so the
  partner's clerk sees which.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |
    And these co-building partners are in the directory:
      | partner  | kind     | serves                            | blocks | clerk    |
      | 利群医院 | hospital | emergency, hardship, worry_relief | all    | hospital |
    And the clerk of 利群医院 has listed "家门口的医疗服务" for hardship, monthly on the 2nd Tuesday at "怒江苑居委会活动室"

  Scenario: The clinic is on the resource list on its day, and not on others
    When leader3 looks for hardship offerings on 2026-12-08
    Then the offerings listed are: 家门口的医疗服务
    When leader3 looks for hardship offerings on 2026-12-01
    Then no offering is listed

  Scenario: A leader refers a need to the clinic and the hospital's clerk sees which
    Given leader3 has logged a normal hardship need at 15号楼
    When leader3 refers the need to "家门口的医疗服务", noting "老人血压偏高，请医生看看"
    Then the referral to 利群医院 is sent, at version 1
    And the clerk of 利群医院 reads the referral's note as "【家门口的医疗服务】2026-12-08 怒江苑居委会活动室" then "老人血压偏高，请医生看看"

  Scenario: Another block's leader cannot refer a need that is not theirs
    Given leader3 has logged a normal hardship need at 15号楼
    When leader5 refers the need to "家门口的医疗服务", noting ""
    Then it is refused with 404 Not Found
    And the need has no referrals
