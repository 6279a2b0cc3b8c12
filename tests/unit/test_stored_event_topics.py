"""Every event is stored under its topic (`module:qualname`); a stored history loads only while
each of those topics still names its class. A class that moves keeps its stored topics resolving
by an alias (`eventsourcing.utils.register_topic`), and new events carry its new topic."""

from __future__ import annotations

import inspect

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic, resolve_topic

from accounts.domain import User
from duties.domain import Household
from duties.record import Record
from duties.volunteers import VolunteerGroup
from needs.domain import Need
from partners.domain import Partner
from projects.domain import Project
from projects.template import ProjectTemplate

# The topics that existing databases hold, listed as they stood before needs/domain.py was split.
STORED_TOPICS = {
    Need: {
        "Assigned": "needs.domain:Need.Assigned",
        "ConsentGiven": "needs.domain:Need.ConsentGiven",
        "ConsentWithdrawn": "needs.domain:Need.ConsentWithdrawn",
        "Created": "needs.domain:Need.Created",
        "DuplicateNoted": "needs.domain:Need.DuplicateNoted",
        "Escalated": "needs.domain:Need.Escalated",
        "Event": "needs.domain:Need.Event",
        "FollowedUp": "needs.domain:Need.FollowedUp",
        "NeedLogged": "needs.domain:Need.NeedLogged",
        "NoteAdded": "needs.domain:Need.NoteAdded",
        "PersonalDataErased": "needs.domain:Need.PersonalDataErased",
        "ReferralAccepted": "needs.domain:Need.ReferralAccepted",
        "ReferralCompleted": "needs.domain:Need.ReferralCompleted",
        "ReferralDeclined": "needs.domain:Need.ReferralDeclined",
        "ReferralDeliveryFailed": "needs.domain:Need.ReferralDeliveryFailed",
        "ReferralEvent": "needs.domain:Need.ReferralEvent",
        "ReferralExpired": "needs.domain:Need.ReferralExpired",
        "ReferralWithdrawn": "needs.domain:Need.ReferralWithdrawn",
        "Referred": "needs.domain:Need.Referred",
        "Reopened": "needs.domain:Need.Reopened",
        "Resolved": "needs.domain:Need.Resolved",
        "UrgencyChanged": "needs.domain:Need.UrgencyChanged",
        "VolunteerAssigned": "needs.domain:Need.VolunteerAssigned",
        "VisitRecorded": "needs.domain:Need.VisitRecorded",
    },
    Household: {
        "Created": "duties.domain:Household.Created",
        "DetailsNoted": "duties.domain:Household.DetailsNoted",
        "DutyDischarged": "duties.domain:Household.DutyDischarged",
        "DutyVolunteerAssigned": "duties.domain:Household.DutyVolunteerAssigned",
        "DutyFellDue": "duties.domain:Household.DutyFellDue",
        "Event": "duties.domain:Household.Event",
        "GroupJoined": "duties.domain:Household.GroupJoined",
        "GroupLeft": "duties.domain:Household.GroupLeft",
        "HouseholdRegistered": "duties.domain:Household.HouseholdRegistered",
        "LifeEventRecorded": "duties.domain:Household.LifeEventRecorded",
        "PastContactRecorded": "duties.domain:Household.PastContactRecorded",
        "PersonalDataErased": "duties.domain:Household.PersonalDataErased",
    },
    Record: {
        "Created": "duties.record:Record.Created",
        "Event": "duties.record:Record.Event",
        "PersonalDataErased": "duties.record:Record.PersonalDataErased",
        "RecordMade": "duties.record:Record.RecordMade",
        "RecordTurnedIntoNeed": "duties.record:Record.RecordTurnedIntoNeed",
    },
    VolunteerGroup: {
        "AccountLinked": "duties.volunteers:VolunteerGroup.AccountLinked",
        "Created": "duties.volunteers:VolunteerGroup.Created",
        "Event": "duties.volunteers:VolunteerGroup.Event",
        "GroupFormed": "duties.volunteers:VolunteerGroup.GroupFormed",
        "MemberAdded": "duties.volunteers:VolunteerGroup.MemberAdded",
    },
}
STORED_TOPICS[User] = {
    name: f"web.accounts.domain:User.{name}"
    for name in (
        "Created",
        "Disabled",
        "Enabled",
        "Event",
        "PasswordChanged",
        "Registered",
        "RoleChanged",
    )
}
STORED_TOPICS[Partner] = {
    name: f"partners.domain:Partner.{name}"
    for name in (
        "CapacityChanged",
        "ContactChanged",
        "Created",
        "DetailsChanged",
        "Event",
        "PauseEnded",
        "Paused",
        "Reactivated",
        "Registered",
        "ServicesChanged",
        "Suspended",
        "WebhookSet",
        "WeekCapacitySet",
    )
}
# Listed as they stood before projects/domain.py was split (its events now in projects.events).
STORED_TOPICS[Project] = {
    name: f"projects.domain:Project.{name}"
    for name in (
        "ConsentRecorded",
        "ConsentWithdrawn",
        "Created",
        "Event",
        "HouseholdAdded",
        "LedgerEntered",
        "MeetingHeld",
        "MemberAppointed",
        "MemberStoodDown",
        "PhaseReached",
        "PhaseReturned",
        "RotaSet",
        "RoundOpened",
        "ShareRuleSet",
        "StampObtained",
        "Started",
        "StepBlocked",
        "StepCompleted",
        "StepStarted",
    )
}
STORED_TOPICS[ProjectTemplate] = {
    name: f"projects.template:ProjectTemplate.{name}" for name in ("Created", "Event", "Revised")
}
# Where a class moved, the module its new events are stored under.
MOVED = {"web.accounts.domain": "accounts.domain"}
STORED_AGGREGATE_TOPICS = {
    Need: "needs.domain:Need",
    Household: "duties.domain:Household",
    Record: "duties.record:Record",
    VolunteerGroup: "duties.volunteers:VolunteerGroup",
    User: "web.accounts.domain:User",
    Partner: "partners.domain:Partner",
    Project: "projects.domain:Project",
    ProjectTemplate: "projects.template:ProjectTemplate",
}


def current(topic: str) -> str:
    """The topic a class stored under `topic` carries today."""
    module, _, name = topic.partition(":")
    return f"{MOVED.get(module, module)}:{name}"


def event_classes(aggregate: type[Aggregate]) -> dict[str, type]:
    return {
        name: value
        for name, value in vars(aggregate).items()
        if inspect.isclass(value) and issubclass(value, Aggregate.Event)
    }


@pytest.mark.parametrize("aggregate", list(STORED_TOPICS), ids=lambda a: a.__name__)
def test_every_event_class_keeps_the_topic_its_stored_events_carry(aggregate):
    events = event_classes(aggregate)
    stored = STORED_TOPICS[aggregate]
    assert {name: get_topic(cls) for name, cls in events.items()} == {
        name: current(topic) for name, topic in stored.items()
    }


@pytest.mark.parametrize("aggregate", list(STORED_TOPICS), ids=lambda a: a.__name__)
def test_every_stored_topic_still_resolves_to_its_event_class(aggregate):
    events = event_classes(aggregate)
    for name, topic in STORED_TOPICS[aggregate].items():
        assert resolve_topic(topic) is events[name]


@pytest.mark.parametrize("aggregate", list(STORED_AGGREGATE_TOPICS), ids=lambda a: a.__name__)
def test_each_aggregate_keeps_the_topic_its_snapshots_carry(aggregate):
    assert get_topic(aggregate) == current(STORED_AGGREGATE_TOPICS[aggregate])
    assert resolve_topic(STORED_AGGREGATE_TOPICS[aggregate]) is aggregate
