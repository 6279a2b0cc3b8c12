Feature: On the phone: log a need in Chinese, refer it, and see the partner accept it
  A block leader stands in a stairwell with a phone. The pages are in Chinese unless asked
  otherwise. Logging a need takes four taps plus typing — the category, the urgency, the
  resident's consent and "登记" — and is done well within a minute. The case page then ranks the
  partners for the need with the reasons for their places; the leader refers it, and the partner's
  clerk, on a phone of their own, finds it in the inbox and accepts it.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: leader3 logs an emergency and 利群医院 accepts it
    Given the secretary has the board open and notes the open 救急 needs in B3
    And leader3 has signed in on a phone in Chinese
    When leader3 logs a 救急 need for 15号楼 2单元 502室, urgency 紧急, saying "独居老人摔倒，无法起身", with the resident's consent
    Then the case page says "需求已登记。"
    And logging the need took under a minute and no more than 4 taps besides typing
    And the timeline shows "登记" by leader3 at the time it happened in Shanghai
    When leader3 picks 利群医院 from the ranked partners, each shown with its reasons, and taps "转介"
    Then the case page shows the referral to 利群医院 as "等待答复"
    When the clerk hospital signs in on another phone and opens the referral from the inbox
    Then the clerk sees the resident's name and what happened
    When the clerk taps "接单"
    Then the clerk's page says "已接单，块长可以看到。"
    And on leader3's phone the case page shows the referral to 利群医院 as "已接单"
    And on the secretary's phone the board shows one more open 救急 need in B3
    And the auditor, on a phone of their own, sees "利群医院 已接单" by hospital in the case's history
