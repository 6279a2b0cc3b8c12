Feature: An auditor can tell a tampered record from an untouched one
  Every event of a case carries a hash chained to the one before it, and seals over the
  whole log remember each case's newest event, so an auditor replaying a case knows
  whether what they read is what happened.

  Background:
    Given a case in block B3 with a logged need, two notes and a visit
    And the log has been sealed

  Scenario: An untouched record verifies
    When the auditor verifies the log
    Then the log is intact with 1 case and 4 events

  Scenario: A changed event is named with its case and version
    Given someone changed who wrote event 2 in the database
    When the auditor verifies the log
    Then the log is broken at version 2 of the case because it was "altered"

  Scenario: A removed event is caught
    Given someone deleted event 3 from the database
    When the auditor verifies the log
    Then the log is broken at version 3 of the case because it was "missing or out of order"

  Scenario: A case whose newest event was cut off is caught by the seal
    Given someone deleted event 4 from the database
    When the auditor verifies the log
    Then the log is broken at version 4 of the case because it was "cut off"
