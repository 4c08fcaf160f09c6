"""The community feedback loop: the forum, staff triage, themes and “you said, we did”."""

from .forum import (
    CLOSED_STATUSES,
    FEEDBACK_KINDS,
    Attachment,
    Board,
    FeedbackStatus,
    ForumTag,
    Sentiment,
    Thread,
    ThreadKind,
    ThreadRead,
)
from .improvements import Improvement, ImprovementCredit, ImprovementLink
from .themes import ClusterRun, RunStatus, Theme
from .triage import Area, SavedReply, Team, TriageAction, TriageEvent, TriageNote

__all__ = [
    "CLOSED_STATUSES",
    "FEEDBACK_KINDS",
    "Area",
    "Attachment",
    "Board",
    "ClusterRun",
    "FeedbackStatus",
    "ForumTag",
    "Improvement",
    "ImprovementCredit",
    "ImprovementLink",
    "RunStatus",
    "SavedReply",
    "Sentiment",
    "Team",
    "Theme",
    "Thread",
    "ThreadKind",
    "ThreadRead",
    "TriageAction",
    "TriageEvent",
    "TriageNote",
]
