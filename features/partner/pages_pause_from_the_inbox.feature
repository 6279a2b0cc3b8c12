Feature: On the phone: a partner pauses new referrals from its inbox
  The owners' committee (业委会) holds its election and can take no new cases for a while. Its
  clerk pauses new referrals from the inbox on a phone, saying until when and why; the inbox then
  says so. When they are ready earlier, one tap takes referrals again.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: The owners' committee pauses new referrals, then takes them again
    When the clerk owners signs in on a phone and pauses new referrals from today until 2099-01-31, because "业委会换届选举"
    Then the clerk's page says "已暂停接收新转介"
    And the inbox says "暂停至 2099-01-31"
    When the clerk taps "现在恢复接收新转介"
    Then the clerk's page says "已恢复接收新转介"
    And the inbox says "本周还能接"
