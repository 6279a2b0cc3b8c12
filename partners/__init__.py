"""The partner directory (联建单位) and the policy that ranks partners for a need."""

from partners.application import Partners
from partners.directory import PartnerRecord
from partners.domain import Partner, PartnerKind
from partners.exceptions import (
    InvalidPartnerError,
    PartnerNotFoundError,
    PartnersError,
    PartnerStateError,
    VersionConflictError,
)
from partners.matching import Match, NeedFacts, PartnerStats, Reason, rank_partners

__all__ = [
    "InvalidPartnerError",
    "Match",
    "NeedFacts",
    "Partner",
    "PartnerKind",
    "PartnerNotFoundError",
    "PartnerRecord",
    "PartnerStateError",
    "PartnerStats",
    "Partners",
    "PartnersError",
    "Reason",
    "VersionConflictError",
    "rank_partners",
]
