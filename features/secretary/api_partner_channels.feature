Feature: Tell partners where they already are: group robots, SMS, email
  Many partners have no webhook server of their own, but their staff live in WeCom (企业微信) or
  DingTalk (钉钉) groups all day. The secretary gives a partner its channels — a WeCom group robot,
  a DingTalk custom robot (signed with its SEC… secret), an SMS gateway, email, or its webhook —
  and sends a test message to see that it arrives. A robot's address carries its access token,
  and a signing secret or a gateway's key is a secret: none is shown again once it is set. A
  robot that answers 200 with an errcode other than 0 has not taken the message.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | secretary | secretary    |        |           |
      | auditor   | auditor      |        |           |
    And these co-building partners are in the directory:
      | partner    | kind     | serves                            | blocks | clerk    |
      | 利群医院   | hospital | emergency, hardship, worry_relief | all    | hospital |
      | 长征派出所 | police   | emergency, mediation              | all    | police   |

  Scenario: A WeCom group robot is set and tested, and its address is never shown again
    Given the hospital's WeCom group has a robot
    When the secretary gives 利群医院 the robot as a wecom_robot channel
    Then 利群医院's channels list a wecom_robot on the robot's host
    And the robot's key is shown to none of the secretary, the auditor and the clerk hospital
    When the secretary sends a test message to the channel
    Then the robot has taken 1 message, in its vendor's format, linking to the service
    And the channel's last test reads delivered

  Scenario: A DingTalk robot's messages are signed with its secret
    Given the police station's DingTalk group has a robot
    When the secretary gives 长征派出所 the robot as a dingtalk_robot channel
    And the secretary sends a test message to the channel
    Then the robot has taken 1 message, in its vendor's format, linking to the service
    And the channel's last test reads delivered

  Scenario: A robot that answers with an errcode has not taken the message
    Given the hospital's WeCom group has a robot
    And the secretary has given 利群医院 the robot as a wecom_robot channel
    And the robot will refuse the next message with errcode 45009
    When the secretary sends a test message to the channel
    Then the test reads not delivered, saying "errcode 45009"
    When the secretary sends a test message to the channel
    Then the channel's last test reads delivered

  Scenario: An SMS gateway is sent the link where the template says, signed with its key
    Given the hospital's SMS gateway listens
    When the secretary gives 利群医院 the gateway as an sms channel, texting 139 1234 5678 "【怒江苑】新的转介，请登录查看：{link}"
    And the secretary sends a test message to the channel
    Then the gateway has taken 1 text for 13912345678: "【怒江苑】新的转介，请登录查看：https://needs.example/"

  Scenario: A removed channel is told nothing more
    Given the hospital's WeCom group has a robot
    And the secretary has given 利群医院 the robot as a wecom_robot channel
    When the secretary removes the channel
    Then 利群医院 has no channels
    When the secretary sends a test message to the channel
    Then it is refused with 404 Not Found
    And the robot has taken 0 messages

  Scenario Outline: Settings that cannot work are refused, naming the field
    When the secretary gives 利群医院 a channel set as <settings>
    Then it is refused with 422 Unprocessable Entity, naming the field <field>
    And 利群医院 has no channels

    Examples:
      | settings                                                                                                              | field    |
      | {"kind": "dingtalk_robot", "url": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "abc"}            | secret   |
      | {"kind": "sms", "url": "https://sms.example/send", "key": "0123456789abcdef", "sender_id": "NJ", "template": "请登录查看", "phone": "13912345678"} | template |
      | {"kind": "wecom_robot", "url": "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}                                | url      |
      | {"kind": "email", "address": "not an address"}                                                                        | address  |
