"""Planning the demo's needs: when, where, for whom, what is written and which story."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kernel.clock import SHANGHAI
from kernel.community import Community
from web.demo.data import (
    CATEGORY_COUNTS,
    NEEDS_PER_WEEK,
    ONLY_WHEN_CALLED_FOR,
    PARTNERS,
    PREFERRED_PARTNERS,
    RANDOM_SEED,
    RECENT,
    SHARED_HOUSEHOLDS,
    STORY_DECKS,
    STORY_OVERRIDES,
    URGENCIES,
    URGENCY_WEIGHTS,
)
from web.demo.texts import DESCRIPTIONS, GIVEN_NAMES, PHONE_PREFIXES, SURNAMES


@dataclass
class NeedPlan:
    """One demo need: who, where, what, when it was logged and which story it lives."""

    number: int
    logged_at: datetime
    category: str
    block: str
    building: int
    unit: str
    room: str
    resident_name: str
    gender: str
    phone: str
    urgency: str
    consent: bool
    story: str = "referred"
    description: str = ""
    same_household_as: int | None = None
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    @property
    def leader(self) -> str:
        return f"leader{self.block.removeprefix('B')}"

    @property
    def urgent(self) -> bool:
        return self.category == "emergency"


def plan_needs(
    community: Community, rng: random.Random, start: datetime, now: datetime
) -> list[NeedPlan]:
    """About sixty needs, oldest first, across every block and category of the menu."""
    total = sum(NEEDS_PER_WEEK)
    categories = [code for code, n in CATEGORY_COUNTS.items() for _ in range(n)]
    blocks = [community.blocks[i % len(community.blocks)].code for i in range(total)]
    rng.shuffle(categories)
    rng.shuffle(blocks)
    raw = [
        start + timedelta(weeks=week, seconds=rng.uniform(0, 7 * 86400))
        for week, count in enumerate(NEEDS_PER_WEEK)
        for _ in range(count)
    ]
    raw[-RECENT:] = [now - timedelta(hours=rng.uniform(2, 48)) for _ in range(RECENT)]
    plans: list[NeedPlan] = []
    taken: set[tuple[str, int, str, str]] = set()
    unused = {code: rng.sample(texts, len(texts)) for code, texts in DESCRIPTIONS.items()}
    for moment, category, block in zip(raw, categories, blocks, strict=True):
        logged_at = _logging_moment(rng, moment, category == "emergency", start, now)
        building, unit, room = _address(rng, community, block, taken)
        gender = rng.choice("fm")
        plans.append(
            NeedPlan(
                number=0,
                logged_at=logged_at,
                category=category,
                block=block,
                building=building,
                unit=unit,
                room=room,
                resident_name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES[gender]),
                gender=gender,
                phone=_phone(rng),
                consent=rng.random() < 0.85,
                description=_template(unused[category], block),
                urgency=rng.choices(URGENCIES, URGENCY_WEIGHTS[category == "emergency"])[0],
            )
        )
    plans.sort(key=lambda p: p.logged_at)
    for number, plan in enumerate(plans):
        plan.number = number
        # Each story draws from its own generator, so one story's turns do not reshuffle the rest.
        plan.rng = random.Random(f"{RANDOM_SEED}:{number}")
    _share_households(rng, plans)
    _deal_stories(rng, plans)
    for plan in plans:
        plan.description = _written_for(plan)
    return plans


def _logging_moment(
    rng: random.Random, moment: datetime, urgent: bool, start: datetime, now: datetime
) -> datetime:
    """The moment, moved into the day if it falls at night; never before `start` nor in the
    last hour before `now`. Draws the same numbers whatever the hour, so that one need's
    time of day does not change the next need's draws."""
    first, last = (6, 23) if urgent else (8, 20)
    hour, minute, hours_ago = rng.randint(first, last - 1), rng.randint(0, 59), rng.uniform(1, 4)
    local = moment.astimezone(SHANGHAI)
    if not first <= local.hour < last:
        local = local.replace(hour=hour, minute=minute)
    logged = local.astimezone(UTC)
    if logged < start + timedelta(hours=1):
        logged += timedelta(days=1)
    if logged > now - timedelta(hours=1):
        logged = now - timedelta(hours=hours_ago)
    return logged


def _address(
    rng: random.Random, community: Community, block: str, taken: set[tuple[str, int, str, str]]
) -> tuple[int, str, str]:
    while True:
        building = rng.choice(sorted(community.block(block).buildings))
        unit, room = str(rng.randint(1, 3)), f"{rng.randint(1, 6)}0{rng.randint(1, 4)}"
        if (block, building, unit, room) not in taken:
            taken.add((block, building, unit, room))
            return building, unit, room


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(PHONE_PREFIXES)} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"


def _share_households(rng: random.Random, plans: list[NeedPlan]) -> None:
    """A few households come back with a second need; it joins the first one's household."""
    paired: set[int] = set()
    for later in rng.sample(plans[len(plans) // 2 :], len(plans) // 2):
        if len(paired) >= 2 * SHARED_HOUSEHOLDS:
            return
        earlier = [
            p for p in plans[: later.number] if p.block == later.block and p.number not in paired
        ]
        if later.number in paired or not earlier:
            continue
        first = rng.choice(earlier)
        later.same_household_as = first.number
        later.building, later.unit, later.room = first.building, first.unit, first.room
        later.resident_name, later.gender, later.phone = (
            first.resident_name,
            first.gender,
            first.phone,
        )
        paired.update((first.number, later.number))


def _deal_stories(rng: random.Random, plans: list[NeedPlan]) -> None:
    newest_first = plans[::-1]
    position = 0
    for size, deck in STORY_DECKS:
        stories = [story for story, n in deck.items() for _ in range(n)]
        rng.shuffle(stories)
        for plan, story in zip(newest_first[position : position + size], stories, strict=True):
            plan.story = STORY_OVERRIDES.get((plan.category, story), story)
        position += size


def _template(texts: list[str], block: str) -> str:
    """A description for a need in the block: one that calls for a partner only some blocks
    have goes to a block it covers, the others where they fall."""
    covering = [t for t in texts if any(block in blocks for blocks in _narrow_cover(t))]
    choice = (
        covering[0]
        if covering
        else next((t for t in reversed(texts) if not _narrow_cover(t)), texts[-1])
    )
    texts.remove(choice)
    return choice


def _narrow_cover(text: str) -> list[tuple[str, ...]]:
    """The blocks of each partner that takes only the needs calling for it, as this one does."""
    return [
        p.blocks
        for p in PARTNERS
        if p.name in ONLY_WHEN_CALLED_FOR
        and any(word in text for word, name in PREFERRED_PARTNERS.items() if name == p.name)
    ]


def _written_for(plan: NeedPlan) -> str:
    """The plan's description template, naming the resident as a block leader would."""
    surname, female = plan.resident_name[0], plan.gender == "f"
    return plan.description.format(
        elder=surname + ("阿姨" if female else "老伯"),
        adult=surname + ("女士" if female else "先生"),
    )
