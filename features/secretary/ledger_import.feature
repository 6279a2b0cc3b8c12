Feature: Importing the committee's Excel ledgers
  The committee already keeps its households, watched residents and visits in Excel ledgers
  (台账). The secretary imports them instead of typing households in one by one: a dry run says
  what each row would do, a wrong row is named by row and column without stopping the others,
  and importing the same ledger again changes nothing.

  Background:
    Given the demo community 怒江苑 with blocks B1 to B7
    And it is 09:00 on Monday 2026-11-30 in Shanghai

  Scenario: The sample ledgers import, and import again changing nothing
    When the secretary imports the sample ledger of households
    And the secretary imports the sample ledger of members
    And the secretary imports the sample ledger of visits
    Then 6 households are registered
    And the household at 15号楼 2-502 is headed by 王秀英 with 1 person
    And 王秀英 of 15号楼 2-502 is watched as elderly_alone since 2023-05-01
    And the household at 15号楼 2-502 was visited by 王丽 on 2023-05-01 and 2023-06-03
    When the secretary imports the three sample ledgers again
    Then every row is unchanged and nothing new is recorded

  Scenario: A dry run says what each row would do and changes nothing
    When the secretary checks the sample ledger of households in a dry run
    Then rows 3 to 8 would each create a household
    And no household is registered

  Scenario: A wrong row is named and the good rows still import
    Given a ledger of households with these rows:
      | 楼号     | 单元 | 室  | 户主姓名 | 联系电话    | 人数 |
      | １５号楼 | 2    | 502 | 王秀英   | 13912345678 | 1    |
      | 99号楼   | 1    | 101 | 无名     |             | 1    |
      | 16       | 1    | 101 | 张三     | 13800001111 | 很多 |
    When the secretary imports it
    Then row 3 is refused in column 楼号: "building 99 is in no block of the community"
    And row 4 is refused in column 人数
    And 1 household is registered
    And the summary reads "households: 3 rows — 1 created, 0 added to households already there, 0 unchanged, 2 with errors"

  Scenario: All or nothing imports nothing when a row is wrong
    Given a ledger of households with these rows:
      | 楼号 | 单元 | 室  | 户主姓名 | 联系电话 | 人数 |
      | 15   | 2    | 502 | 王秀英   |          | 1    |
      | 99   | 1    | 101 | 无名     |          | 1    |
    When the secretary imports it all or nothing
    Then no household is registered

  Scenario: Dates typed as text or kept as Excel serial numbers
    Given a ledger of visits with these rows:
      | 楼号   | 单元 | 室  | 日期         | 走访人 | 情况     |
      | 15号楼 | 2    | 502 | 2023.5.1     | 王丽   | 第一次   |
      | 15号楼 | 2    | 502 | 2023年5月2日 | 王丽   | 第二次   |
      | 15号楼 | 2    | 502 | 45049        | 王丽   | 第三次   |
    When the secretary imports it
    Then the household at 15号楼 2-502 was visited by 王丽 on 2023-05-01, 2023-05-02 and 2023-05-03
