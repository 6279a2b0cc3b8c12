Feature: Signing in safely
  A block leader signs in on a phone, or a program signs in to the API for them. Guessing a
  password is slowed down however the username is written; a session ends for good when its
  person signs out, and nothing of the session from before signing in works after it; and an
  account may not be given a password everyone tries first.

  Background:
    Given these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |

  Scenario: Spaces around the username buy no more guesses
    When someone sends 6 wrong passwords for "leader5" to the API
    Then the last of them is refused with 429
    When someone sends the right password for "  leader5" to the API
    Then it is refused with 429
    When someone sends the right password for "leader5   " to the API
    Then it is refused with 429

  Scenario: A session cookie copied before signing out opens nothing afterwards
    Given leader3 has signed in on the pages
    And someone has copied the phone's session cookie
    When leader3 signs out
    Then the copied cookie does not open "/needs": it leads to the sign-in page

  Scenario: A form token from before signing in is refused after it
    Given someone has opened the sign-in page on a phone and kept its form token
    When leader3 signs in on that phone
    Then a form sent with the kept token is refused with 400

  Scenario: The secretary may not give an account a common password
    Given the secretary has signed in on the pages
    When the secretary sets leader3's password to "iloveyou"
    Then the page refuses it, saying "这个密码太常见，很容易被猜到，请换一个。"
    When the secretary sets leader3's password to "leader3!"
    Then the page refuses it, saying "密码不能是用户名或社区名称，或只在它们前后加几个字符。"
