"""The demo's resource list (资源清单): what the partners offer residents, on which days, where.
利群医院's doorstep clinic is on the second Tuesday of each month in 怒江苑's activity room."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel.community import Community
from web.bootstrap import Services

WEEKDAY = {"Mon": 1, "Tue": 2, "Wed": 3, "Thu": 4, "Fri": 5, "Sat": 6, "Sun": 7}
OFFERINGS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "利群医院",
        {
            "title": "家门口的医疗服务：上门义诊",
            "category": "hardship",
            "description": (
                "家庭医生和护士在小区坐诊：量血压、测血糖、配药咨询，行动不便的老人可预约上门。"
            ),
            "eligibility": "怒江苑居民，优先60岁以上老人和慢病患者",
            "where": "怒江苑居委会活动室",
            "how_to_book": "向块长报名，或直接到场；上门需提前一天预约",
            "schedule": {
                "kind": "monthly",
                "weekday": WEEKDAY["Tue"],
                "nth": 2,
                "opens_at": "09:00",
                "closes_at": "11:30",
            },
            "capacity": 40,
        },
    ),
    (
        "利群医院",
        {
            "title": "独居老人健康随访",
            "category": "worry_relief",
            "description": "家庭医生每周电话或上门随访独居老人，了解身体和情绪。",
            "eligibility": "独居的80岁以上老人",
            "where": "居民家中",
            "how_to_book": "由块长转介",
            "schedule": {
                "kind": "weekly",
                "weekday": WEEKDAY["Thu"],
                "opens_at": "14:00",
                "closes_at": "17:00",
            },
            "capacity": 8,
        },
    ),
    (
        "市劳动局职业培训中心",
        {
            "title": "免费职业技能培训报名点",
            "category": "poverty_relief",
            "description": "育婴员、养老护理员、电工等补贴培训，现场咨询报名。",
            "eligibility": "已办理失业登记的本市户籍居民",
            "where": "长征镇社区事务受理中心二楼",
            "how_to_book": "带身份证和失业登记证明到场",
            "schedule": {
                "kind": "weekly",
                "weekday": WEEKDAY["Wed"],
                "opens_at": "09:00",
                "closes_at": "16:00",
            },
            "capacity": 20,
        },
    ),
    (
        "长征派出所",
        {
            "title": "社区民警接待日",
            "category": "mediation",
            "description": "社区民警在居委会接待居民，调解邻里纠纷、办理户籍咨询。",
            "eligibility": "怒江苑居民",
            "where": "怒江苑居委会一楼接待室",
            "how_to_book": "直接到场",
            "schedule": {
                "kind": "monthly",
                "weekday": WEEKDAY["Fri"],
                "nth": -1,
                "opens_at": "14:00",
                "closes_at": "16:00",
            },
            "capacity": 15,
        },
    ),
    (
        "区府办",
        {
            "title": "困难家庭补助申请窗口",
            "category": "poverty_relief",
            "description": "低保、临时救助、助学补贴等申请材料的现场指导。",
            "eligibility": "本区户籍困难家庭",
            "where": "怒江苑居委会活动室",
            "how_to_book": "向块长预约时段",
            "schedule": {
                "kind": "monthly",
                "weekday": WEEKDAY["Mon"],
                "nth": 1,
                "opens_at": "09:00",
                "closes_at": "11:00",
            },
            "capacity": 10,
        },
    ),
)


# Contact cards: the front desk's numbers, and the named contacts who agreed to be published.
CARDS: dict[str, dict[str, Any]] = {
    "利群医院": {
        "phone": "021-5266 0120",
        "address": "上海市普陀区长征镇",
        "people": [
            {
                "name": "周医生",
                "role": "家庭医生团队负责人",
                "phone": "021-5266 0122",
                "published": True,
            }
        ],
    },
    "长征派出所": {"phone": "021-5266 0110", "people": []},
    "市劳动局职业培训中心": {"phone": "021-5266 3300", "email": "px@example.cn", "people": []},
}


def seed_offerings(services: Services, community: Community, echo: Callable[[str], None]) -> None:
    """List the demo offerings that are not on the resource list yet."""
    for name, card in CARDS.items():
        found = services.partners.find_by_name(community.id, name)
        if found is not None and not found.phone:
            services.partners.change_contact(
                found.partner_id, contact=found.contact, actor="secretary", **card
            )
    book = services.partners.offerings
    listed = {(r.partner_id, r.title) for r in book.list_offerings(community.id)}
    added = 0
    for partner_name, details in OFFERINGS:
        partner = services.partners.find_by_name(community.id, partner_name)
        if partner is None or (partner.partner_id, details["title"]) in listed:
            continue
        book.offer(community=community.id, partner_id=partner.partner_id, actor="secretary",
                   **details)  # fmt: skip
        added += 1
    echo(f"offerings: {added} listed, {len(OFFERINGS) - added} already there or without partner")
