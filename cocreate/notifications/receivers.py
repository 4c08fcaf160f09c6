"""Reactions to other apps' events: follows are written at once (one idempotent INSERT); everything else
is a task, so a slow mail server or webhook never delays the request that caused the event."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cocreate.challenges import events as challenge_events
from cocreate.discussions import events as discussion_events

from . import services, tasks
from .models import WebhookEvent


def _idea_payload(idea: Any) -> dict[str, Any]:
    from .services import absolute

    return {
        "idea": {
            "id": idea.pk,
            "title": idea.title,
            "status": idea.status,
            "support_count": idea.support_count,
            "challenge_id": idea.challenge_id,
            "url": absolute(tasks.idea_url(idea)),
        }
    }


def _latest_change(idea: Any, to_status: str) -> int:
    from cocreate.challenges.models import IdeaStatusChange

    return (
        IdeaStatusChange.objects.filter(idea_id=idea.pk, to_status=to_status)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


@receiver(challenge_events.idea_published, dispatch_uid="notifications-idea-published")
def _published(sender: Any, idea: Any, **kwargs: Any) -> None:
    # The creators follow their own idea: they hear about its comments and milestones.
    services.follow_many(user_ids=tasks.creator_ids(idea), target_type="idea", target_id=idea.pk)
    tasks.notify_idea_published.enqueue(idea.pk)
    tasks.queue_webhooks.enqueue(WebhookEvent.IDEA_PUBLISHED.value, str(idea.pk), _idea_payload(idea))


@receiver(challenge_events.idea_supported, dispatch_uid="notifications-idea-supported")
def _supported(sender: Any, idea: Any, user: Any, **kwargs: Any) -> None:
    services.follow_many(user_ids=[user.pk], target_type="idea", target_id=idea.pk)


@receiver(challenge_events.milestone_reached, dispatch_uid="notifications-milestone")
def _milestone(
    sender: Any, idea: Any, threshold: int, qualifies: bool = False, deadline: Any = None, **kwargs: Any
) -> None:
    iso = deadline.isoformat() if deadline else None
    tasks.notify_milestone.enqueue(idea.pk, int(threshold), bool(qualifies), iso)
    payload = {
        **_idea_payload(idea),
        "threshold": int(threshold),
        "qualifies": bool(qualifies),
        "deadline": iso,
    }
    tasks.queue_webhooks.enqueue(WebhookEvent.MILESTONE_REACHED.value, f"{idea.pk}:{threshold}", payload)


@receiver(challenge_events.idea_status_changed, dispatch_uid="notifications-status")
def _status(
    sender: Any, idea: Any, from_status: str, to_status: str, message: str = "", **kwargs: Any
) -> None:
    from cocreate.challenges.models import IdeaStatus

    # Publication has its own notification; drafts and moderation steps are the creator's own doing.
    if to_status in (IdeaStatus.PUBLISHED, IdeaStatus.SUBMITTED, IdeaStatus.DRAFT, IdeaStatus.WITHDRAWN):
        return
    change = _latest_change(idea, to_status)
    # Shared with the decision receiver: a decision that also moves the status notifies once.
    key = f"lifecycle:{idea.pk}:{to_status}:{change}"
    tasks.notify_status.enqueue(idea.pk, str(to_status), message or "", key)


@receiver(challenge_events.decision_made, dispatch_uid="notifications-decision")
def _decision(sender: Any, idea: Any, outcome: Any, rationale: str = "", **kwargs: Any) -> None:
    outcome = str(getattr(outcome, "value", outcome))
    change = _latest_change(idea, outcome)
    key = f"lifecycle:{idea.pk}:{outcome}:{change}"
    tasks.notify_decision.enqueue(idea.pk, outcome, rationale or "", key)
    payload = {**_idea_payload(idea), "outcome": outcome, "rationale": rationale or ""}
    tasks.queue_webhooks.enqueue(WebhookEvent.DECISION_MADE.value, f"{idea.pk}:{outcome}:{change}", payload)


@receiver(discussion_events.comment_posted, dispatch_uid="notifications-comment")
def _comment(sender: Any, comment: Any, **kwargs: Any) -> None:
    tasks.notify_comment.enqueue(comment.pk)


@receiver(discussion_events.member_mentioned, dispatch_uid="notifications-mention")
def _mention(sender: Any, comment: Any, user: Any, **kwargs: Any) -> None:
    tasks.notify_mention.enqueue(comment.pk, user.pk)


@receiver(challenge_events.ideas_merged, dispatch_uid="notifications-ideas-merged")
def _merged(sender: Any, source: Any, target: Any, moved_user_ids: list[int], **kwargs: Any) -> None:
    # Moved supporters follow the idea their support now counts on, and are told (they may withdraw).
    services.follow_many(user_ids=moved_user_ids, target_type="idea", target_id=target.pk)
    tasks.notify_ideas_merged.enqueue(source.pk, target.pk, list(moved_user_ids))
