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

  Scenario: An event whose hash was blanked is caught, not taken for one from before the chain
    Given the case's urgency was raised to high in event 5
    And someone changed who raised it and to what in the database, and blanked its hash
    When the auditor verifies the log
    Then the log is broken at version 5 of the case because it was "altered: its hash is missing"

  Scenario: Every broken case and every finding is reported, then one line sums them up
    Given a second case, in block B5, logged by leader5
    And someone changed who wrote event 2 in the database
    And someone changed who logged the second case in the database
    And the case list says it has read 3 events more than the log holds
    When the auditor verifies the log
    Then the log is broken at version 2 of the case because it was "altered"
    And the second case is reported broken at version 1
    And the read model "read_models" is reported "ahead of the log"
    And the verification fails, its last line summing up "BROKEN: 3 findings (2 of 2 cases, 0 in the seals, 1 in the read models)"
