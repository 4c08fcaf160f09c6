"""The community's reactions to its own and the conversation engine's events (connected in `ready()`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cocreate.discussions import events as discussion_events

from . import events


@receiver(events.thread_posted, dispatch_uid="community-analyse-thread")
def _analyse(sender: Any, thread: Any, **kwargs: Any) -> None:
    # Sentiment and the nearest theme are found in the background so posting stays fast.
    from . import tasks

    tasks.analyse_thread.enqueue(thread.pk)


@receiver(discussion_events.comment_posted, dispatch_uid="community-staff-replied")
def _replied(sender: Any, comment: Any, **kwargs: Any) -> None:
    from .services import triage

    triage.staff_replied(comment=comment)


@receiver(discussion_events.comment_removed, dispatch_uid="community-reply-removed")
def _reply_removed(sender: Any, comment: Any, **kwargs: Any) -> None:
    from .services import forum

    forum.reply_removed(comment=comment)
