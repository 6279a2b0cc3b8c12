Feature: On the phone: Chinese by default, English one tap away
  The committee works in Chinese, so the pages open in Chinese. One tap on "English" shows the
  same page in English, and one tap on "中文" brings Chinese back; the choice stays on the phone,
  signed in or not.

  Background:
    Given the service runs with the demo community 怒江苑 and its partners

  Scenario: One tap each way, on the sign-in page and after signing in
    Given a phone that has never opened the service
    When it opens the service
    Then the page is in Chinese, with the heading "登录"
    When the person taps "English"
    Then the page is in English, with the heading "Sign in"
    When leader3 signs in on that phone
    Then the page is in English, with the heading "My block"
    When the person taps "中文"
    Then the page is in Chinese, with the heading "我的块"
