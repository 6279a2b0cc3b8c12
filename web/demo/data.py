"""The demo's numbers and partners: how many needs when, who takes what, which stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

WEEKS = 12
RANDOM_SEED = 2015  # the year building 7 fitted Shanghai's first resident-funded lift
NEEDS_PER_WEEK = (4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 7)  # oldest week first: recent weeks busier
CATEGORY_COUNTS = {
    "hardship": 14,
    "emergency": 9,
    "poverty_relief": 9,
    "study_aid": 8,
    "worry_relief": 10,
    "mediation": 10,
}
# A referral left waiting at the end keeps at least this long before its deadline.
MIN_TIME_LEFT = timedelta(hours=12)
SHARED_HOUSEHOLDS = 4
URGENCIES = ("low", "normal", "high", "critical")
URGENCY_WEIGHTS = {False: (10, 60, 25, 5), True: (0, 0, 1, 1)}  # by whether it is an emergency
RECENT = 3  # needs logged in the last two days
LEADER_PICKS = (6, 3, 1)  # how often a leader refers to the first, second and third match
LOCAL_PICK = 0.6  # how often a leader prefers a partner that works only in a few blocks


@dataclass(frozen=True)
class DemoPartner:
    """A partner of the demo, with the staff user who answers for it and how it answers."""

    name: str
    kind: str
    categories: tuple[str, ...]
    blocks: tuple[str, ...]
    weekly_capacity: int
    contact: str
    user: str
    answer_hours: tuple[float, float]
    urgent_minutes: tuple[float, float]
    decline_reason: str
    decline_note: str
    accept_note: str
    done_note: str


PARTNERS = (
    DemoPartner(
        name="利群医院",
        kind="hospital",
        categories=("emergency", "hardship", "worry_relief"),
        blocks=("*",),
        weekly_capacity=12,
        contact="家庭医生服务部 021-5266 0120（24小时）",
        user="hospital",
        answer_hours=(0.3, 1.5),
        urgent_minutes=(5, 40),
        decline_reason="no_capacity",
        decline_note="本周家庭医生上门排班已满，请转其他单位。",
        accept_note="已安排医护人员上门。",
        done_note="医护人员已上门服务，并纳入家庭医生随访。",
    ),
    DemoPartner(
        name="长征派出所",
        kind="police",
        categories=("emergency", "mediation"),
        blocks=("*",),
        weekly_capacity=15,
        contact="社区民警 110 / 021-5266 0110",
        user="police",
        answer_hours=(0.2, 1.0),
        urgent_minutes=(3, 25),
        decline_reason="out_of_scope",
        decline_note="属一般民事纠纷，建议先由居委会、业委会调解。",
        accept_note="已派社区民警前往。",
        done_note="民警已到场处置，情况已记录在案。",
    ),
    DemoPartner(
        name="市劳动局职业培训中心",
        kind="training",
        categories=("poverty_relief", "study_aid"),
        blocks=("*",),
        weekly_capacity=8,
        contact="长征镇培训点 021-5266 3300",
        user="training",
        answer_hours=(4.0, 20.0),
        urgent_minutes=(30, 90),
        decline_reason="not_eligible",
        decline_note="暂不符合补贴培训条件（需办理失业登记）。",
        accept_note="已登记，安排专人对接。",
        done_note="已落实培训名额和就业推荐。",
    ),
    DemoPartner(
        name="物业公司",
        kind="property",
        categories=("emergency", "hardship"),
        blocks=("*",),
        weekly_capacity=20,
        contact="怒江苑物业服务中心 021-5266 8899",
        user="property",
        answer_hours=(0.5, 6.0),
        urgent_minutes=(10, 80),
        decline_reason="out_of_scope",
        decline_note="属于住户自用部分，不在物业维修范围。",
        accept_note="物业已安排人员上门查看。",
        done_note="物业已上门处理完毕，住户签字确认。",
    ),
    DemoPartner(
        name="业委会",
        kind="owners_committee",
        categories=("mediation", "hardship"),
        blocks=("*",),
        weekly_capacity=6,
        contact="业委会办公室（周二、周四下午）",
        user="owners",
        answer_hours=(6.0, 30.0),
        urgent_minutes=(30, 90),
        decline_reason="out_of_scope",
        decline_note="涉及家庭内部事务，业委会不便介入。",
        accept_note="业委会将约相关住户面谈。",
        done_note="在业委会协调下已妥善处理。",
    ),
    DemoPartner(
        name="区府办",
        kind="government",
        categories=("poverty_relief", "study_aid", "hardship"),
        blocks=("*",),
        weekly_capacity=10,
        contact="普陀区政府办公室 民生窗口 021-5256 4588",
        user="district",
        answer_hours=(16.0, 44.0),
        urgent_minutes=(60, 110),
        decline_reason="not_eligible",
        decline_note="家庭收入超过救助标准，暂不符合申请条件。",
        accept_note="已受理，材料转相关科室审核。",
        done_note="申请已审批通过，按规定发放。",
    ),
    DemoPartner(
        name="绿化市容",
        kind="government",
        categories=("hardship",),
        blocks=("B1", "B2", "B3", "B4"),
        weekly_capacity=5,
        contact="区绿化市容局 养护班组 021-5250 1234",
        user="greening",
        answer_hours=(6.0, 30.0),
        urgent_minutes=(60, 110),
        decline_reason="no_capacity",
        decline_note="本周养护班组任务已满。",
        accept_note="已安排班组排期上门。",
        done_note="班组已上门处理完毕，现场已清理。",
    ),
    DemoPartner(
        name="新曹杨集团",
        kind="enterprise",
        categories=("poverty_relief", "study_aid"),
        blocks=("B5", "B6", "B7"),
        weekly_capacity=6,
        contact="集团工会帮扶办 021-6254 7788",
        user="enterprise",
        answer_hours=(3.0, 24.0),
        urgent_minutes=(30, 90),
        decline_reason="no_capacity",
        decline_note="本季度帮扶名额已满，下季度再申请。",
        accept_note="集团工会已受理，安排专人对接。",
        done_note="已发放帮扶金并结对志愿者。",
    ),
)

# Needs that call for one partner whatever the ranking says.
PREFERRED_PARTNERS = {
    "树": "绿化市容",
    "绿化带": "绿化市容",
    "旧物": "绿化市容",
    "培训": "市劳动局职业培训中心",
}
# Partners a leader sends only the needs that call for them: trees and rubbish, not gas stoves.
ONLY_WHEN_CALLED_FOR = frozenset({"绿化市容"})

# Stories dealt out to the needs, newest segment first; see Timeline for what each one does.
STORY_DECKS = (
    (1, {"logged": 1}),
    (2, {"awaiting": 2}),
    (1, {"logged": 1}),
    (4, {"logged": 1, "visited": 1, "awaiting": 1, "referred": 1}),
    (16, {"referred": 6, "declined": 3, "stalled": 3, "visited": 2, "noted": 1, "handled": 1}),
    (
        36,
        {
            "referred": 14,
            "declined": 7,
            "handled": 7,
            "withdrawn": 3,
            "reopened": 2,
            "stalled": 2,
            "visited": 1,
        },
    ),
)
# An emergency is never left waiting nor turned down; only the hospital eases worries,
# so a decline there would leave nobody to come next.
STORY_OVERRIDES = {
    ("emergency", "logged"): "referred",
    ("emergency", "noted"): "referred",
    ("emergency", "awaiting"): "referred",
    ("emergency", "visited"): "handled",
    ("emergency", "stalled"): "referred",
    ("emergency", "declined"): "referred",
    ("worry_relief", "declined"): "referred",
}

# How each demo partner builds with the committee (联建 joint, 共建 co-, 帮建 help-building).
PARTNER_MODES = {
    "利群医院": "共建",
    "长征派出所": "联建",
    "市劳动局职业培训中心": "帮建",
    "物业公司": "共建",
    "业委会": "共建",
    "区府办": "联建",
    "绿化市容": "联建",
    "新曹杨集团": "帮建",
}
