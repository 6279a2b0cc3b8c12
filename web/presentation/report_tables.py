"""The monthly report as tables: a title, headers and rows of plain values, in Chinese or
English. The page, the CSV, the workbook and the PDF all lay out these same tables, so they show
the same figures. The words are kept here, in both languages, since a file is written in the
language asked for, not the request's."""

from __future__ import annotations

from typing import Any

from kernel.community import Community
from needs.period import DECLINE_REASONS, OUTCOMES, REFERRAL_OUTCOMES, VERDICTS

Words = dict[str, tuple[str, str]]
WORDS: Words = {
    "needs": ("需求（按块、类别）", "Needs by block and category"),
    "partners": ("联建单位", "Partners"),
    "duties": ("三五：必访必问", "Three fives: visits and asks"),
    "records": ("三五：必记", "Three fives: records"),
    "follow_ups": ("回访", "Follow-up visits"),
    "followed_up": ("已回访", "Followed up"),
    "satisfied": ("满意", "Satisfied"),
    "partly": ("基本满意", "Partly satisfied"),
    "not_satisfied": ("不满意", "Not satisfied"),
    "followed_up_share": ("回访率", "Share followed up"),
    "helped_share": ("确认帮到比例", "Share confirmed helped"),
    "projects": ("居民自治项目", "Resident-led projects"),
    "block": ("块", "Block"),
    "category": ("类别", "Category"),
    "logged": ("登记", "Logged"),
    "resolved": ("解决", "Resolved"),
    "open_at_end": ("期末未结", "Open at end"),
    "overdue_at_end": ("首次联系逾期", "Overdue for first contact"),
    "median_hours_to_first_contact": ("首次联系中位时长（小时）", "Median hours to first contact"),
    "median_hours_to_resolution": ("解决中位时长（小时）", "Median hours to resolution"),
    "escalations": ("上报", "Escalations"),
    "partner": ("单位", "Partner"),
    "referrals": ("转介", "Referrals"),
    "accepted": ("接受", "Accepted"),
    "expired": ("过期", "Expired"),
    "withdrawn": ("撤回", "Withdrawn"),
    "median_hours_to_answer": ("答复中位时长（小时）", "Median hours to answer"),
    "kind": ("类型", "Kind"),
    "due": ("到期", "Due"),
    "on_time": ("按时完成", "Done on time"),
    "late": ("逾期完成", "Done late"),
    "overdue": ("逾期未办", "Overdue"),
    "n": ("条数", "Records"),
    "building": ("楼号", "Building"),
    "phase": ("阶段", "Phase"),
    "steps_done": ("已完成步骤", "Steps done"),
    "steps_total": ("步骤总数", "Steps"),
    "stamps": ("已盖图章", "Stamps"),
    "stamps_needed": ("所需图章", "Stamps needed"),
    "meetings": ("会议", "Meetings"),
    "total": ("合计", "Total"),
    "title": ("急难愁盼菜单月报", "Monthly report of the menu of urgent needs"),
    "period": ("统计期间", "Period"),
    "generated": ("生成时间", "Generated"),
    "chart_needs": ("各块登记与解决", "Logged and resolved by block"),
    "chart_follow_ups": ("各块回访情况", "Follow-up visits by block"),
    "chart_duties": ("各块三五到期完成情况", "Duties by block: on time, late, overdue"),
    # codes
    "helped": ("已帮到", "Helped"),
    "partly_helped": ("部分帮到", "Partly helped"),
    "not_helped": ("未帮到", "Not helped"),
    "no_longer_needed": ("不再需要", "No longer needed"),
    "unreachable": ("联系不上", "Unreachable"),
    "no_capacity": ("拒绝：无能力", "Declined: no capacity"),
    "out_of_scope": ("拒绝：不属范围", "Declined: out of scope"),
    "not_eligible": ("拒绝：不符合条件", "Declined: not eligible"),
    "other": ("拒绝：其他", "Declined: other"),
    "visit": ("必访", "Visit"),
    "ask": ("必问", "Ask"),
    "concern": ("思想动态", "Concerns and moods"),
    "family_in_difficulty": ("困难家庭", "Families in difficulty"),
    "special_population": ("特殊人群", "Special populations"),
    "good_deed": ("好人好事", "Good deeds"),
    "suggestion": ("居民建议", "Suggestions"),
    "consenting": ("征询意见", "Consenting"),
    "applying": ("报批", "Applying"),
    "approved": ("已批准", "Approved"),
    "building_phase": ("施工", "Building"),
    "in_operation": ("运行", "In operation"),
    "closed": ("结束", "Closed"),
}
INTEGER = "0"
DECIMAL = "0.0"
PERCENT = "0.0%"


def word(key: str, lang: str) -> str:
    """A word of the report in the language (zh by default), the key itself if unknown."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang.startswith("en") else pair[0]


def _phase(code: str, lang: str) -> str:
    return word("building_phase" if code == "building" else code, lang)


def tables(report: dict[str, Any], community: Community, lang: str) -> list[dict[str, Any]]:
    """The report's six tables: [{name, title, headers, formats, rows}], totals last."""

    def w(key: str) -> str:
        return word(key, lang)

    block_names = {b.code: b.name for b in community.blocks}
    categories = {c.code: c for c in community.categories}

    def category(code: str) -> str:
        found = categories.get(code)
        if found is None:
            return code
        return found.name_en if lang.startswith("en") else found.name_zh

    need_keys = ("logged", "resolved")
    tail = (
        "open_at_end",
        "overdue_at_end",
        "median_hours_to_first_contact",
        "median_hours_to_resolution",
        "escalations",
    )
    needs_rows = [
        [
            block_names.get(r["block"], r["block"]),
            category(r["category"]),
            *(r[k] for k in need_keys),
            *(r["outcomes"].get(o, 0) for o in OUTCOMES),
            *(r[k] for k in tail),
        ]
        for r in report["needs"]
    ]
    t = report["needs_totals"]
    needs_rows.append(
        [
            w("total"),
            "",
            *(t[k] for k in need_keys),
            *(t["outcomes"].get(o, 0) for o in OUTCOMES),
            t["open_at_end"],
            t["overdue_at_end"],
            None,
            None,
            t["escalations"],
        ]
    )
    partner_rows = [
        [
            p["name"],
            p["referrals"],
            p["accepted"],
            *(p["declined"].get(r, 0) for r in DECLINE_REASONS),
            p["expired"],
            p["withdrawn"],
            p["median_hours_to_answer"],
            *(p["outcomes"].get(o, 0) for o in REFERRAL_OUTCOMES),
        ]
        for p in report["partners"]
    ]
    follow_up_rows = [
        _follow_up_row(block_names.get(r["block"], r["block"]), r) for r in report["follow_ups"]
    ]
    follow_up_rows.append(_follow_up_row(w("total"), report["follow_ups_totals"]))
    duty_rows = [
        [block_names.get(r["block"], r["block"]), w(r["kind"])]
        + [r[k] for k in ("due", "on_time", "late", "overdue")]
        for r in report["duties"]
    ]
    d = report["duties_totals"]
    duty_rows.append([w("total"), "", d["due"], d["on_time"], d["late"], d["overdue"]])
    record_rows = [
        [block_names.get(r["block"], r["block"]), w(r["kind"]), r["n"]] for r in report["records"]
    ]
    record_rows.append([w("total"), "", sum(r["n"] for r in report["records"])])
    project_rows = [
        [block_names.get(p["block"], p["block"]), p["building"], _phase(p["phase"], lang)]
        + [p[k] for k in ("steps_done", "steps_total", "stamps", "stamps_needed", "meetings")]
        for p in report["projects"]
    ]
    needs_headers = ["block", "category", *need_keys, *OUTCOMES, *tail]
    partner_headers = ["partner", "referrals", "accepted", *DECLINE_REASONS, "expired"]
    partner_headers += ["withdrawn", "median_hours_to_answer", *REFERRAL_OUTCOMES]
    follow_up_headers = ["block", "resolved", "followed_up", *VERDICTS]
    follow_up_headers += ["followed_up_share", "helped_share"]
    duty_headers = ["block", "kind", "due", "on_time", "late", "overdue"]
    project_headers = ["block", "building", "phase", "steps_done", "steps_total", "stamps"]
    project_headers += ["stamps_needed", "meetings"]
    return [
        _table("needs", needs_headers, needs_rows, 2, lang),
        _table("partners", partner_headers, partner_rows, 1, lang),
        _table("duties", duty_headers, duty_rows, 2, lang),
        _table("records", ["block", "kind", "n"], record_rows, 2, lang),
        _table("follow_ups", follow_up_headers, follow_up_rows, 1, lang),
        _table("projects", project_headers, project_rows, 3, lang),
    ]


def _follow_up_row(name: str, row: dict[str, Any]) -> list[Any]:
    return [
        name,
        row["resolved"],
        row["followed_up"],
        *(row["verdicts"][v] for v in VERDICTS),
        row["followed_up_share"],
        row["helped_share"],
    ]


def _number_format(key: str) -> str:
    if key.endswith("_share"):
        return PERCENT
    return DECIMAL if key.startswith("median") else INTEGER


def _table(
    name: str, headers: list[str], rows: list[list[Any]], text_columns: int, lang: str
) -> dict[str, Any]:
    formats = [None if i < text_columns else _number_format(k) for i, k in enumerate(headers)]
    return {
        "name": name,
        "title": word(name, lang),
        "headers": [word(h, lang) for h in headers],
        "keys": headers,
        "formats": formats,
        "rows": rows,
    }
