"""Reactions to the community's events (connected in `NotificationsConfig.ready`): an author follows their
own thread at once; status changes on feedback, accepted answers and "you said, we did" credits are told by
tasks. Each notification's key names its event, so a task that runs twice tells no one twice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cocreate.community import events
from cocreate.core.text import plain_text

from . import selectors, services
from .models import Verb


def _thread(thread_id: int) -> Any:
    from cocreate.community.models import Thread

    return Thread.objects.select_related("board", "author").filter(pk=thread_id).first()


def _thread_url(thread: Any) -> str:
    from cocreate.community.owners import thread_url

    return thread_url(thread)


def improvement_url(improvement: Any) -> str:
    try:
        return reverse("community:improvement-detail", args=[improvement.pk])
    except NoReverseMatch:
        return "/"


def _status_label(status: str) -> str:
    from cocreate.community.models import FeedbackStatus

    return str(FeedbackStatus(status).label) if status in FeedbackStatus.values else status


def _status_event(thread_id: int, new: str) -> tuple[int, int | None]:
    """The triage event recording this change (its id names the notification) and who made it."""
    from cocreate.community.models import TriageAction, TriageEvent

    row = (
        TriageEvent.objects.filter(thread_id=thread_id, action=TriageAction.STATUS, new_value=new)
        .order_by("-id")
        .values_list("pk", "actor_id")
        .first()
    )
    return (row[0], row[1]) if row else (0, None)


def _released_in(improvement: Any) -> str:
    product = improvement.product.name if improvement.product else ""
    if product and improvement.version:
        return _("In %(product)s, version %(version)s.") % {
            "product": product,
            "version": improvement.version,
        }
    if improvement.version:
        return _("In version %(version)s.") % {"version": improvement.version}
    return _("In %(product)s.") % {"product": product} if product else ""


# --- Receivers ----------------------------------------------------------------------------------------
@receiver(events.thread_posted, dispatch_uid="notifications-thread-posted")
def _thread_posted(sender: Any, thread: Any, **kwargs: Any) -> None:
    # The author hears about replies and status changes on their own post.
    services.follow_many(user_ids=[thread.author_id], target_type="thread", target_id=thread.pk)


@receiver(events.feedback_status_changed, dispatch_uid="notifications-feedback-status")
def _feedback_status(sender: Any, thread: Any, old: str, new: str, message: str = "", **kwargs: Any) -> None:
    event_id, actor_id = _status_event(thread.pk, str(new))
    # Two changes to the same status are two events; the same change sent twice is one.
    marker = event_id or int(timezone.now().timestamp())
    key = f"feedback:{thread.pk}:{new}:{marker}"
    notify_feedback_status.enqueue(thread.pk, str(new), message or "", key, actor_id, str(old))


@receiver(events.answer_accepted, dispatch_uid="notifications-answer-accepted")
def _answer_accepted(sender: Any, thread: Any, comment: Any, **kwargs: Any) -> None:
    notify_answer_accepted.enqueue(thread.pk, comment.pk)


@receiver(events.improvement_published, dispatch_uid="notifications-improvement-published")
def _improvement_published(sender: Any, improvement: Any, **kwargs: Any) -> None:
    # Sent on publication and again when a later link credits new members: the task tells whoever is not
    # told yet.
    notify_improvement_credits.enqueue(improvement.pk)


# --- Tasks --------------------------------------------------------------------------------------------
@task()
def notify_feedback_status(
    thread_id: int, new: str, message: str, key: str, actor_id: int | None = None, previous: str = ""
) -> int:
    """The post's author and followers hear the new public status, with the staff message."""
    thread = _thread(thread_id)
    if thread is None or thread.deleted_at is not None:
        return 0
    if thread.hidden_at is not None:
        # A hidden post is visible to its author only.
        audience = {thread.author_id}
    else:
        audience = {thread.author_id, *selectors.follower_ids("thread", thread.pk)}
    audience.discard(actor_id)  # type: ignore[arg-type]
    if previous == new:
        # The same status again with a message: a public update from the team.
        title = _("Update on “%(t)s” (%(s)s)") % {"t": thread.title, "s": _status_label(new)}
    else:
        title = _("“%(t)s” is now %(s)s") % {"t": thread.title, "s": _status_label(new)}
    return services.notify(
        user_ids=audience,
        verb=Verb.FEEDBACK,
        key=key,
        title=title,
        body=plain_text(message, 1000),
        url=_thread_url(thread),
    )


@task()
def notify_answer_accepted(thread_id: int, comment_id: int) -> int:
    from cocreate.discussions.models import Comment

    thread = _thread(thread_id)
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if thread is None or comment is None or comment.is_removed or thread.is_removed:
        return 0
    # Accepting one's own answer is no news to oneself.
    if comment.author_id == thread.author_id:
        return 0
    return services.notify(
        user_ids=[comment.author_id],
        verb=Verb.ANSWER,
        key=f"answer:{thread.pk}:{comment.pk}",
        title=_("Your answer to “%(t)s” was accepted") % {"t": thread.title},
        body=plain_text(comment.body, 400),
        url=f"{_thread_url(thread)}#comment-{comment.pk}",
    )


@task()
def notify_improvement_credits(improvement_id: int) -> int:
    """Tell each credited member of a published improvement, once: "Your suggestion of 3 March led to
    this: …", dated by their earliest linked contribution. Credits already told are skipped."""
    from cocreate.community.models import Improvement, ImprovementCredit
    from cocreate.community.selectors.improvements import credit_line, source_kinds

    improvement = Improvement.objects.select_related("product").filter(pk=improvement_id).first()
    if improvement is None or improvement.published_at is None:
        return 0
    credits = list(
        ImprovementCredit.objects.filter(improvement=improvement, notified_at__isnull=True).order_by("id")
    )
    if not credits:
        return 0
    active = set(
        get_user_model()
        .objects.filter(pk__in=[c.user_id for c in credits], is_active=True)
        .values_list("pk", flat=True)
    )
    kinds = source_kinds(credits)
    url = improvement_url(improvement)
    body = "\n".join(p for p in (_released_in(improvement), plain_text(improvement.body, 400)) if p)
    told = 0
    for credit in credits:
        if credit.user_id not in active:
            continue
        told += services.notify(
            user_ids=[credit.user_id],
            verb=Verb.IMPROVEMENT,
            key=f"improvement:{improvement.pk}",
            title=_("%(line)s: %(t)s") % {"line": credit_line(credit, kinds), "t": improvement.title},
            body=body,
            url=url,
        )
    ImprovementCredit.objects.filter(pk__in=[c.pk for c in credits], notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return told
