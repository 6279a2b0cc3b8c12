Feature: Volunteer groups, one per block (志愿者组团)
  Beside the seven block leaders, seven volunteer groups serve the residents group by group. The
  block leader keeps their block's group: its name, its leader, and its volunteers with phone,
  skills and availability. The volunteers' names and phones are theirs: the committee sees them,
  partners never do, and every read of them is noted.

  Background:
    Given it is 09:00 on Monday 2026-11-30 in Shanghai
    And these people have accounts:
      | username  | role         | blocks | works for |
      | leader3   | block_leader | B3     |           |
      | leader5   | block_leader | B5     |           |
      | secretary | secretary    |        |           |

  Scenario: A block leader forms the group and adds a volunteer
    When leader3 forms the volunteer group "三块邻里守望组团" of block B3, led by "陈桂英"
    And leader3 adds the volunteer "褚家明", phone "138 0000 1111", who can "陪同就医"
    Then the secretary finds the group of block B3 with the volunteer "褚家明"

  Scenario: Another block's leader neither forms nor finds the group
    Given leader3 has formed the volunteer group "三块邻里守望组团" of block B3, led by "陈桂英"
    When leader5 reads the group
    Then it is refused with 404 Not Found
    When leader5 forms the volunteer group "三块" of block B3, led by "王"
    Then it is refused with 403 Forbidden

  Scenario: A volunteer of the block's group is asked to help with a need; the leader still owns it
    Given leader3 has formed the volunteer group "三块邻里守望组团" of block B3, led by "陈桂英"
    And leader3 has added the volunteer "褚家明" to the group
    And leader3 has logged a high emergency need at 15号楼, unit 2, room 502
    When leader3 asks the volunteer "褚家明" to help with the need
    Then the need names the volunteer "褚家明" of the group, and leader3 still answers for it
