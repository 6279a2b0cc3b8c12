Feature: An auditor can tell whether the read models follow the log
  The case lists, the partners' inboxes, the outbox of notices, the notices owed to the blocks and
  the secretary, and the three fives' boards are read models kept from the log; each remembers how far into the log it has read. Verifying
  the log checks each one against that place: it is not past the end of the log, and up to it
  no event was skipped.

  Background:
    Given a case in block B3 with a logged need, two notes and a visit
    And the log has been sealed

  Scenario: Read models in step with the log verify
    When the auditor verifies the log
    Then the log is intact with 1 case and 4 events
    And the summary says 4 read models are in step with the log

  Scenario: A read model ahead of the log is reported
    Given the case list says it has read 3 events more than the log holds
    When the auditor verifies the log
    Then the read model "read_models" is reported "ahead of the log"
    And the verification fails, its last line summing up "BROKEN: 1 finding (0 of 1 cases, 0 in the seals, 1 in the read models)"

  Scenario: A read model that skipped an event is reported with the case
    Given the case list skipped a note added to the case
    When the auditor verifies the log
    Then the read model "read_models" is reported "needs_view: 1 row behind the log at its position"
    And the verification fails, its last line summing up "BROKEN: 1 finding (0 of 1 cases, 0 in the seals, 1 in the read models)"
