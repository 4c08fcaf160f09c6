"""Writes for the conversation engine.

Invariants guarded here:
- every conversation belongs to exactly one owner (an idea, a thread…), which creates it with itself;
- replies go two levels deep: a reply to a second-level reply joins the same second level;
- `Discussion.comment_count` (visible comments) and `last_activity_at` change only by UPDATE with F() in the
  same transaction as the comment; the UPDATE is guarded by `locked = false`, so a discussion locked a
  moment ago takes no more comments; deleting or hiding counts once (conditional UPDATEs);
- every edit keeps the text as it was before (`CommentRevision`, append-only);
- one reaction of each kind per member per comment, one flag per member per comment: unique constraints;
- signals (`comment_posted`, `member_mentioned`) are sent after commit.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core import ratelimit
from cocreate.core.errors import DomainError, NotFound

from . import events
from .models import (
    MAX_DEPTH,
    REACTIONS,
    Comment,
    CommentRevision,
    Discussion,
    Flag,
    FlagReason,
    FlagResolution,
    Mention,
    Reaction,
)
from .policies import (
    check_can_comment,
    check_can_delete,
    check_can_edit,
    check_can_flag,
    check_can_moderate,
    check_can_moderate_discussion,
    check_can_react,
)

MAX_BODY = 10_000
MAX_MENTIONS = 20
# "@42" or "@member-42" name a member by id; "@Ada Lovelace" by display name (up to four words).
_ID_MENTION = re.compile(r"(?<![\w@])@(?:member-)?(\d{1,12})\b", re.IGNORECASE)
_NAME_MENTION = re.compile(r"(?<![\w@])@([^\s@\d][^\s@]*(?:[ \t]+[^\s@]+){0,3})")
_TRAILING = ".,;:!?)]}\"'"


def discussion_create() -> Discussion:
    """A new, empty conversation for an owner created in the same transaction."""
    return Discussion.objects.create()


def _clean_body(body: str) -> str:
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(message=_("Write something first."), field="body")
    if len(text) > MAX_BODY:
        raise DomainError(message=_("A comment has at most 10,000 characters."), field="body")
    return text


def mentioned_users(body: str, *, exclude_id: int | None = None) -> list[Any]:
    """The members a text mentions, resolved in at most two queries."""
    User = get_user_model()
    ids = {int(m) for m in _ID_MENTION.findall(body)}
    phrases: list[list[str]] = []
    for match in _NAME_MENTION.finditer(body):
        words = match.group(1).split()
        # Every prefix is a candidate ("@Ada Lovelace, great idea" → "ada", "ada lovelace", …).
        phrases.append([" ".join(words[:n]).rstrip(_TRAILING).lower() for n in range(1, len(words) + 1)])
    found: dict[int, Any] = {}
    if ids:
        for user in User.objects.filter(pk__in=list(ids)[:MAX_MENTIONS], is_active=True):
            found[user.pk] = user
    candidates = {c for p in phrases for c in p if c}
    if candidates:
        by_name: dict[str, Any] = {}
        rows = (
            User.objects.annotate(lname=Lower("display_name"))
            .filter(lname__in=list(candidates)[: MAX_MENTIONS * 4], is_active=True)
            .order_by("pk")
        )
        for user in rows:
            by_name.setdefault(user.lname, user)
        for phrase in phrases:
            # The longest name that matches wins ("@Ada Lovelace" over a member called "Ada").
            for candidate in reversed(phrase):
                if candidate in by_name:
                    user = by_name[candidate]
                    found[user.pk] = user
                    break
    found.pop(exclude_id, None)  # type: ignore[arg-type]
    return list(found.values())[:MAX_MENTIONS]


def _record_mentions(comment: Comment) -> list[Any]:
    """Store the comment's mentions; return the members mentioned for the first time in it."""
    users = mentioned_users(comment.body, exclude_id=comment.author_id)
    if not users:
        return []
    already = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    new = [u for u in users if u.pk not in already]
    Mention.objects.bulk_create([Mention(comment=comment, user=u) for u in new], ignore_conflicts=True)
    return new


def _announce(comment: Comment, mentioned: list[Any], *, posted: bool) -> None:
    def send() -> None:
        if posted:
            events.comment_posted.send(sender=Comment, comment=comment)
        for user in mentioned:
            events.member_mentioned.send(sender=Comment, comment=comment, user=user)

    transaction.on_commit(send)


def _rate_limit(actor: Any) -> None:
    limit = int(getattr(settings, "COCREATE_COMMENTS_PER_MINUTE", 6))
    if not ratelimit.hit("comment", str(actor.pk), limit=limit, window_seconds=60):
        raise DomainError(
            message=_("You are commenting very fast; wait a minute and try again."), field="body", status=429
        )


def comment_post(
    *,
    actor: Any,
    discussion: Discussion,
    body: str,
    parent: Comment | None = None,
    is_update: bool = False,
) -> Comment:
    """Post a comment, a reply (`parent`), or a creator's update (`is_update`, top level only)."""
    check_can_comment(actor, discussion, is_update=is_update)
    text = _clean_body(body)
    root_id: int | None = None
    depth = 0
    if parent is not None:
        if parent.discussion_id != discussion.pk:
            raise NotFound(_("No such comment in this discussion."), field="parent")
        if parent.is_removed:
            raise DomainError(message=_("This comment was removed; it takes no replies."), field="parent")
        if parent.depth >= MAX_DEPTH:
            # Deeper replies join the same second level, under the same first-level reply.
            parent = Comment.objects.get(pk=parent.parent_id or 0)
        depth = parent.depth + 1
        root_id = parent.pk if parent.depth == 0 else parent.root_id
        is_update = False
    _rate_limit(actor)
    now = timezone.now()
    with transaction.atomic():
        # The UPDATE comes first: it takes the discussion's row lock and refuses a locked discussion.
        updated = Discussion.objects.filter(pk=discussion.pk, locked=False).update(
            comment_count=F("comment_count") + 1, last_activity_at=now
        )
        if not updated:
            raise DomainError(message=_("This discussion is locked."), field="body", status=409)
        comment = Comment.objects.create(
            discussion=discussion,
            author=actor,
            parent=parent,
            root_id=root_id,
            depth=depth,
            body=text,
            is_update=is_update,
        )
        mentioned = _record_mentions(comment)
        _announce(comment, mentioned, posted=True)
    return comment


def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    check_can_edit(actor, comment)
    text = _clean_body(body)
    if text == comment.body:
        return comment
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.deleted_at is not None:
            raise DomainError(message=_("This comment was deleted."), status=409)
        CommentRevision.objects.create(comment=locked, editor=actor, body=locked.body)
        locked.body = text
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        mentioned = _record_mentions(locked)
        _announce(locked, mentioned, posted=False)
    comment.body, comment.edited_at = locked.body, locked.edited_at
    return comment


def _announce_removed(comment: Comment) -> None:
    transaction.on_commit(lambda: events.comment_removed.send(sender=Comment, comment=comment))


def _uncount(discussion_id: int) -> None:
    Discussion.objects.filter(pk=discussion_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )


def comment_delete(*, actor: Any, comment: Comment) -> Comment:
    """Delete a comment: the text is kept in the history; replies stay, under a "deleted" placeholder."""
    check_can_delete(actor, comment)
    now = timezone.now()
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(deleted_at=now)
        if changed:
            CommentRevision.objects.create(comment=comment, editor=actor, body=comment.body)
            if comment.hidden_at is None:
                _uncount(comment.discussion_id)
                _announce_removed(comment)
            comment.deleted_at = now
    return comment


def reaction_toggle(*, actor: Any, comment: Comment, emoji: str) -> bool:
    """Add the reaction, or take it back if it was there. True when the member now has it."""
    if emoji not in REACTIONS:
        raise DomainError(message=_("Choose one of the reactions offered."), field="emoji")
    check_can_react(actor, comment)
    with transaction.atomic():
        removed, _detail = Reaction.objects.filter(comment=comment, user=actor, emoji=emoji).delete()
        if removed:
            return False
        Reaction.objects.bulk_create(
            [Reaction(comment=comment, user=actor, emoji=emoji)], ignore_conflicts=True
        )
    return True


def flag_create(*, actor: Any, comment: Comment, reason: str, note: str = "") -> Flag:
    """Report a comment to the moderators. A second report by the same member changes nothing."""
    check_can_flag(actor, comment)
    if reason not in FlagReason.values:
        raise DomainError(message=_("Choose a reason."), field="reason")
    note = " ".join((note or "").replace("\x00", "").split())
    if len(note) > 500:
        raise DomainError(message=_("At most 500 characters."), field="note")
    if reason == FlagReason.OTHER and not note:
        raise DomainError(message=_("Tell the moderators what is wrong."), field="note")
    try:
        with transaction.atomic():
            return Flag.objects.create(comment=comment, reporter=actor, reason=reason, note=note)
    except IntegrityError:
        return Flag.objects.get(comment=comment, reporter=actor)


def flag_resolve(*, actor: Any, comment: Comment, action: str) -> int:
    """Hide the comment or dismiss its open flags; resolves every open flag on it. Returns how many."""
    check_can_moderate(actor)
    if action not in ("hide", "dismiss"):
        raise DomainError(message=_("Hide the comment or dismiss the flag."), field="action")
    now = timezone.now()
    with transaction.atomic():
        if action == "hide":
            hidden = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(hidden_at=now)
            if hidden and comment.deleted_at is None:
                _uncount(comment.discussion_id)
                _announce_removed(comment)
            comment.hidden_at = comment.hidden_at or now
        resolution = FlagResolution.HIDDEN if action == "hide" else FlagResolution.DISMISSED
        return Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor, resolution=resolution
        )


def discussion_lock(*, actor: Any, discussion: Discussion, locked: bool) -> Discussion:
    check_can_moderate_discussion(actor, discussion)
    Discussion.objects.filter(pk=discussion.pk).update(locked=locked)
    discussion.locked = locked
    return discussion
