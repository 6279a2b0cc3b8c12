Feature: Send a command again from the phone
  On a bad signal the phone sends a command again with the same Idempotency-Key, not knowing
  whether the first try got through. The service never does the command twice — not even when it
  died after saving the command and before answering — and it answers a try it has seen as a
  replay: with the first answer's status, showing the record as a fresh read would show it now.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | secretary | secretary    |        |           |

  Scenario: A note sent again after the service died before answering is on the case once
    Given leader3 has logged a high hardship need at 15号楼
    When leader3 adds the note "已联系家属" with the Idempotency-Key "note-1", and the service dies right after saving it
    Then leader3 gets no answer
    Given 2 minutes have passed
    When leader3 adds the note "已联系家属" with the Idempotency-Key "note-1"
    Then it is answered as a replay with 200 OK
    And the need's notes are: 已联系家属

  Scenario: A need sent again after its household was erased reads erased, and its key stays taken
    Given leader3 has logged a need for 王秀英 with the Idempotency-Key "log-1"
    And the secretary has erased the need's household
    When leader3 logs the need for 王秀英 again with the Idempotency-Key "log-1"
    Then it is answered as a replay with 201 Created
    And the need reads:
      | resident    | [erased] |
      | phone       | [erased] |
      | description | [erased] |
    When leader3 logs the need for 李建国 with the Idempotency-Key "log-1"
    Then it is refused with 422 Unprocessable Entity, saying "already used with a different request"
