Feature: On the phone: log a need with no signal; it is sent once when the signal returns
  In a stairwell there is often no signal. "Log a need" still opens — the phone keeps the page —
  and a need logged there waits on the phone, shown as waiting, through a reload or the page being
  closed. When the app is open with a signal again the need is sent by itself, exactly once, with
  the time it was captured. If the session has ended meanwhile the phone keeps the need and asks
  the leader to sign in; nothing is lost.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: A need logged in a stairwell arrives once, with the time it was logged
    Given leader3 has signed in on a phone in Chinese
    And leader3 has opened "登记需求" once with a signal
    When the phone loses its signal
    And leader3 logs a 救急 need for 15号楼 2单元 501室 saying "楼道漏水，老人家里进水"
    Then the page shows it as waiting, saying "没有信号：已保存在这部手机上，有信号时发送。"
    When leader3 reloads the page with no signal
    Then "登记需求" opens from the phone with 1 need still waiting
    And the service has not received the need
    When leader3 closes the page, the signal returns and leader3 opens the app again
    Then the page says "已发送 1 条等待中的需求。"
    And the service has the need exactly once, logged at the moment it was captured

  Scenario: The session ended while the need waited: sign in again, and it is sent
    Given leader3 has signed in on a phone in Chinese
    And leader3 has opened "登记需求" once with a signal
    When the phone loses its signal
    And leader3 logs a 帮困 need for 15号楼 3单元 402室 saying "失业后交不起房租"
    And the signal returns after leader3's session has ended
    Then the page asks "登录后发送 1 条等待中的需求" and 1 need is still waiting
    And the service has not received the need
    When leader3 taps it and signs in again
    Then the page says "已发送 1 条等待中的需求。"
    And the service has the need exactly once, logged at the moment it was captured
