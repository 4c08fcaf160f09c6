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
from .reviews import ReviewPeriod
from .supports import MilestoneEvent, Support, WouldBuy

__all__ = [
    "DEFAULT_LADDER",
    "Challenge",
    "ChallengeField",
    "ChallengeInvite",
    "ChallengeTerms",
    "Criterion",
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
    "ReviewPeriod",
    "Support",
    "Tag",
    "Visibility",
    "WouldBuy",
]
