"""Background jobs: thin; they find who should hear about an event and call the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django_tasks import task

from cocreate.challenges.owners import idea_page_url
from cocreate.core.text import plain_text

from . import selectors, services, webhooks
from .models import Verb


def _idea(idea_id: int) -> Any:
    from cocreate.challenges.models import Idea

    return Idea.objects.select_related("challenge", "author").filter(pk=idea_id).first()


def idea_url(idea: Any) -> str:
    return idea_page_url(idea)


def creator_ids(idea: Any) -> set[int]:
    from cocreate.challenges.models import IdeaCoCreator

    return {idea.author_id, *IdeaCoCreator.objects.filter(idea=idea).values_list("user_id", flat=True)}


def _date(value: str | None) -> str:
    if not value:
        return ""
    return str(formats.date_format(datetime.fromisoformat(value), "j F Y"))


@task()
def notify_idea_published(idea_id: int) -> int:
    idea = _idea(idea_id)
    if idea is None:
        return 0
    deadline = idea.deadline.date().isoformat() if idea.deadline else None
    body = (
        _("Share it: it has until %(date)s to gather its first supports.") % {"date": _date(deadline)}
        if deadline
        else ""
    )
    return services.notify(
        user_ids=creator_ids(idea),
        verb=Verb.PUBLISHED,
        key=f"published:{idea.pk}",
        title=_("Your idea “%(t)s” is published") % {"t": idea.title},
        body=body,
        url=idea_url(idea),
    )


@task()
def notify_milestone(idea_id: int, threshold: int, qualifies: bool, deadline: str | None) -> int:
    idea = _idea(idea_id)
    if idea is None:
        return 0
    if qualifies:
        body = _("It qualifies for the next review.")
    elif deadline:
        body = _("New deadline: %(date)s.") % {"date": _date(deadline)}
    else:
        body = ""
    key = f"milestone:{idea.pk}:{threshold}"
    creators = creator_ids(idea)
    n = services.notify(
        user_ids=creators,
        verb=Verb.MILESTONE,
        key=key,
        title=_("Your idea reached %(n)s supports") % {"n": threshold},
        body=f"“{idea.title}”: {body}",
        url=idea_url(idea),
    )
    followers = set(selectors.follower_ids("idea", idea.pk)) - creators
    return n + services.notify(
        user_ids=followers,
        verb=Verb.MILESTONE,
        key=key,
        title=_("“%(t)s” reached %(n)s supports") % {"t": idea.title, "n": threshold},
        body=body,
        url=idea_url(idea),
    )


def _audience(idea: Any) -> set[int]:
    return creator_ids(idea) | set(selectors.follower_ids("idea", idea.pk))


@task()
def notify_status(idea_id: int, to_status: str, message: str, key: str) -> int:
    from cocreate.challenges.models import IdeaStatus

    idea = _idea(idea_id)
    if idea is None:
        return 0
    label = IdeaStatus(to_status).label if to_status in IdeaStatus.values else to_status
    return services.notify(
        user_ids=_audience(idea),
        verb=Verb.STATUS,
        key=key,
        title=_("“%(t)s”: %(s)s") % {"t": idea.title, "s": label},
        body=plain_text(message, 1000),
        url=idea_url(idea),
    )


@task()
def notify_decision(idea_id: int, outcome: str, rationale: str, key: str) -> int:
    from cocreate.challenges.models import IdeaStatus

    idea = _idea(idea_id)
    if idea is None:
        return 0
    label = IdeaStatus(outcome).label if outcome in IdeaStatus.values else outcome
    return services.notify(
        user_ids=_audience(idea),
        verb=Verb.DECISION,
        key=key,
        title=_("Decision on “%(t)s”: %(s)s") % {"t": idea.title, "s": label},
        body=plain_text(rationale, 1000),
        url=idea_url(idea),
    )


def _comment(comment_id: int) -> Any:
    from cocreate.discussions.models import Comment

    return Comment.objects.select_related("discussion", "author").filter(pk=comment_id).first()


@task()
def notify_comment(comment_id: int) -> int:
    """New comment: to the owner's followers, except its author and the members it mentions (they hear
    about it as a mention). A creator's update goes to the same people under its own heading."""
    from cocreate.discussions.models import Mention
    from cocreate.discussions.owners import owner_of

    comment = _comment(comment_id)
    if comment is None or comment.is_removed:
        return 0
    owner = owner_of(comment.discussion)
    if owner is None:
        return 0
    recipients = set(selectors.follower_ids(owner.kind, owner.pk)) | set(owner.creator_ids)
    recipients -= {comment.author_id}
    recipients -= set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    name = comment.author.public_name
    if comment.is_update:
        verb, key = Verb.UPDATE, f"update:{comment.pk}"
        title = _("Update from the creators of “%(t)s”") % {"t": owner.title}
    else:
        verb, key = Verb.COMMENT, f"comment:{comment.pk}"
        title = _("%(name)s commented on “%(t)s”") % {"name": name, "t": owner.title}
    return services.notify(
        user_ids=recipients,
        verb=verb,
        key=key,
        title=title,
        body=plain_text(comment.body, 400),
        url=f"{owner.url}#comment-{comment.pk}",
    )


@task()
def notify_mention(comment_id: int, user_id: int) -> int:
    from cocreate.discussions.owners import owner_of
    from cocreate.discussions.policies import can_view

    comment = _comment(comment_id)
    if comment is None or comment.is_removed:
        return 0
    owner = owner_of(comment.discussion)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    # A mention must not leak a discussion the member cannot see.
    if owner is None or user is None or not can_view(user, comment.discussion):
        return 0
    return services.notify(
        user_ids=[user_id],
        verb=Verb.MENTION,
        key=f"mention:{comment.pk}",
        title=_("%(name)s mentioned you on “%(t)s”") % {"name": comment.author.public_name, "t": owner.title},
        body=plain_text(comment.body, 400),
        url=f"{owner.url}#comment-{comment.pk}",
    )


@task()
def send_digests(frequency: str) -> int:
    return services.send_digests(frequency)


@task()
def send_daily_digests() -> int:
    return services.send_digests("daily")


@task()
def send_weekly_digests() -> int:
    return services.send_digests("weekly")


@task()
def queue_webhooks(event: str, key: str, payload: dict[str, Any]) -> int:
    ids = webhooks.queue(event=event, key=key, payload=payload)
    for delivery_id in ids:
        deliver_webhook.enqueue(delivery_id)
    return len(ids)


@task()
def deliver_webhook(delivery_id: int) -> str | None:
    return webhooks.deliver(delivery_id)


@task()
def deliver_due_webhooks() -> int:
    return webhooks.deliver_due()


@task()
def notify_ideas_merged(source_id: int, target_id: int, moved_user_ids: list[int]) -> int:
    """Tell every supporter whose support moved where it went, and that they may withdraw it there."""
    source, target = _idea(source_id), _idea(target_id)
    if source is None or target is None:
        return 0
    return services.notify(
        user_ids=set(moved_user_ids),
        verb=Verb.STATUS,
        key=f"merged:{source.pk}:{target.pk}",
        title=_("Your support moved to “%(t)s”") % {"t": target.title},
        body=_(
            "“%(s)s” was merged into “%(t)s”, so your support now counts there. If it is not the idea you "
            "wanted to support, you can withdraw it on its page."
        )
        % {"s": source.title, "t": target.title},
        url=idea_url(target),
    )
