"""Challenges, ideas, supports and milestones; reviews, decisions, agreements and royalties live in their
own modules of this package."""

from .challenges import (
    DEFAULT_LADDER,
    Challenge,
    ChallengeField,
    ChallengeInvite,
    ChallengeTerms,
    Criterion,
    FieldKind,
    Visibility,
)
from .ideas import (
    Idea,
    IdeaCoCreator,
    IdeaFieldAnswer,
    IdeaImage,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTermsAcceptance,
    Tag,
)
from .reviews import Decision, DecisionOutcome, Review, ReviewPeriod
from .royalties import (
    AgreementStatus,
    CreatorAgreement,
    RoyaltyEntry,
    RoyaltyKind,
    SalesImport,
    SalesLine,
)
from .supports import MilestoneEvent, Support, WouldBuy

__all__ = [
    "DEFAULT_LADDER",
    "AgreementStatus",
    "Challenge",
    "ChallengeField",
    "ChallengeInvite",
    "ChallengeTerms",
    "CreatorAgreement",
    "Criterion",
    "Decision",
    "DecisionOutcome",
    "FieldKind",
    "Idea",
    "IdeaCoCreator",
    "IdeaFieldAnswer",
    "IdeaImage",
    "IdeaRevision",
    "IdeaStatus",
    "IdeaStatusChange",
    "IdeaTermsAcceptance",
    "MilestoneEvent",
    "Review",
    "ReviewPeriod",
    "RoyaltyEntry",
    "RoyaltyKind",
    "SalesImport",
    "SalesLine",
    "Support",
    "Tag",
    "Visibility",
    "WouldBuy",
]
