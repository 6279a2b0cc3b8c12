Feature: On the phone: a partner's clerk answers referrals from the inbox
  The clerk of a co-building partner sees the referrals sent to their organisation. They see the
  resident's name, phone, room and story only while the resident consents; otherwise only the
  category, the urgency, the block and building, and the note the block leader wrote for them.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: Without the resident's consent the clerk sees no personal details
    Given leader3 has logged a 救急 need for 16号楼 1单元 301室 without the resident's consent, for 赵大爷, and referred it to 利群医院 with the note "请派医生上门"
    When the clerk hospital signs in on another phone and opens the referral from the inbox
    Then the clerk does not see 赵大爷, the room or what happened
    And the clerk sees the note "请派医生上门"

  Scenario: The clerk declines, giving a reason
    Given leader3 has logged a 救急 need for 17号楼 2单元 201室 with the resident's consent, for 钱阿姨, and referred it to 利群医院 with the note "请尽快联系"
    When the clerk hospital signs in on another phone and opens the referral from the inbox
    And the clerk declines because of "暂无能力承接"
    Then the clerk's page shows the referral as "已拒绝"
