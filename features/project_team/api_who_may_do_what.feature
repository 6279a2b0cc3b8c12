Feature: Who may do what on a resident-led project, through the API
  A resident on a project's team may hold an account (a project team member). On the projects
  they serve on they record the consents they collected, the meetings and the stamps, and — as
  its treasurer only — its ledger; anything else is refused, and another project does not exist
  for them. The property company's staff read the projects of the blocks it serves, without the
  residents' names and rooms; the auditor reads every project, with its history.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And building 15 in block B3 has started a lift retrofit with 4 households, one a floor
    And the household on floor 4 is its treasurer, signing in as treasurer15
    And the household on floor 2 is its field officer, signing in as officer15

  Scenario: A field officer records a consent they collected, a meeting and a stamp
    When officer15 records that the household on floor 1 says yes
    And officer15 records a residents meeting held on 2026-11-28
    And officer15 records a stamp for step housing-01
    Then the project counts 1 yes, 1 meeting and 1 stamp, each recorded by officer15

  Scenario: Only the treasurer records the ledger
    When officer15 records a payment of 150000 fen from the household on floor 3
    Then it is refused with 403 Forbidden, saying "treasurer"
    When treasurer15 records a payment of 150000 fen from the household on floor 3
    Then the project's ledger shows 150000 fen paid

  Scenario: A team member runs nothing, and another project does not exist for them
    When treasurer15 moves the project to applying
    Then it is refused with 403 Forbidden
    When treasurer15 reads building 16's project in the same block
    Then it is refused with 404 Not Found

  Scenario: The property company reads without names; the auditor reads the history
    When property reads the project
    Then it shows 4 households, with no names or rooms
    When property reads the project's history
    Then it is refused with 403 Forbidden
    When auditor reads the project's history
    Then it begins with the project started by leader3
