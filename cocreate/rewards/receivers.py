"""Points for what members do elsewhere. The signals are sent after their transaction committed, so the
awards run here directly, each in its own small transaction: a lost award would be worse than a few
milliseconds on the request, and nothing here can fail for the member's input."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cocreate.challenges import events as challenge_events
from cocreate.community import events as community_events
from cocreate.workshops import events as workshop_events

from . import services
from .models import Action


@receiver(challenge_events.idea_published)
def on_idea_published(sender: Any, idea: Any, **kwargs: Any) -> None:
    if idea.author_id:
        services.award(user=idea.author, action=Action.IDEA_PUBLISHED, source=f"idea:{idea.pk}")


def _support_source(idea: Any, user: Any) -> str:
    return f"support:{idea.pk}:{user.pk}"


@receiver(challenge_events.idea_supported)
def on_idea_supported(sender: Any, idea: Any, user: Any, **kwargs: Any) -> None:
    services.award(user=user, action=Action.SUPPORT_GIVEN, source=_support_source(idea, user))


@receiver(challenge_events.support_withdrawn)
def on_support_withdrawn(sender: Any, idea: Any, user: Any, **kwargs: Any) -> None:
    services.reverse(action=Action.SUPPORT_GIVEN, source=_support_source(idea, user), user=user)


@receiver(challenge_events.idea_status_changed)
def on_idea_status_changed(sender: Any, idea: Any, to_status: str, **kwargs: Any) -> None:
    if to_status == "removed":
        services.reverse(action=Action.IDEA_PUBLISHED, source=f"idea:{idea.pk}", note="removed by moderation")
    elif to_status == "approved" and idea.author_id:
        services.award(user=idea.author, action=Action.IDEA_APPROVED, source=f"idea:{idea.pk}")


@receiver(community_events.answer_accepted)
def on_answer_accepted(sender: Any, thread: Any, comment: Any, **kwargs: Any) -> None:
    # Accepting one's own answer earns nothing: points reward helping someone else.
    author_id = getattr(comment, "author_id", None)
    if author_id and author_id != getattr(thread, "author_id", None):
        services.award(user=comment.author, action=Action.ANSWER_ACCEPTED, source=f"answer:{comment.pk}")


# Workshops send plain objects' primary keys through: only `.pk` is read here, so the points never depend
# on how a workshop or an attendance is modelled.
def _attendance_source(workshop: Any, user: Any) -> str:
    return f"workshop:{workshop.pk}:{user.pk}"


@receiver(workshop_events.attendance_recorded)
def on_attendance_recorded(sender: Any, workshop: Any, user: Any, **kwargs: Any) -> None:
    services.award(user=user, action=Action.WORKSHOP_ATTENDED, source=_attendance_source(workshop, user))


@receiver(workshop_events.attendance_withdrawn)
def on_attendance_withdrawn(sender: Any, workshop: Any, user: Any, **kwargs: Any) -> None:
    services.reverse(
        action=Action.WORKSHOP_ATTENDED,
        source=_attendance_source(workshop, user),
        user=user,
        note="attendance corrected",
    )


@receiver(workshop_events.survey_completed)
def on_survey_completed(sender: Any, workshop: Any, user: Any, **kwargs: Any) -> None:
    # One survey per member and workshop earns, whatever the response object is.
    services.award(user=user, action=Action.SURVEY_COMPLETED, source=f"survey:{workshop.pk}:{user.pk}")
