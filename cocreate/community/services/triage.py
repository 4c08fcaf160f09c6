"""Writes for the staff triage of feedback.

Invariants guarded here:
- every triage action is permission-checked (staff only; teams and areas: administrators) and leaves a
  `TriageEvent` (append-only); internal notes are never part of anything public;
- `first_response_at` is set once, by the first public answer from staff (a reply, or moving a post on
  from "new"); `resolved_at` is set when the status becomes done or won't do and cleared if it is reopened;
- a post is assigned only to an active staff member, and a team's members are staff;
- a status change is public: `feedback_status_changed` is sent after commit with the staff message;
- a bulk action applies the same rules to every post in one transaction: all of them change or none;
- a saved reply's use count changes by UPDATE … F().
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_admin, is_staff
from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, NotAllowed, NotFound
from cocreate.intelligence.sentiment import sentiment as automatic_sentiment
from cocreate.journeys.models import Stage

from .. import events
from ..models import (
    CLOSED_STATUSES,
    Area,
    FeedbackStatus,
    SavedReply,
    Sentiment,
    Team,
    Thread,
    TriageAction,
    TriageEvent,
    TriageNote,
)
from ..policies import check_can_manage_teams, check_can_triage


class _Unchanged:
    """The default of a label or assignment argument that leaves the field as it is (None clears it)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()

MAX_MESSAGE = 5000
MAX_NOTE = 5000
MAX_BULK = 500
BULK_ACTIONS = ("status", "assign", "team", "area", "stage")
_VALUE_LENGTH = 120


def staff_replied(*, comment: Any) -> bool:
    """A reply on a thread: when staff wrote it, it is the thread's first response (once). True if so."""
    if not is_staff(comment.author):
        return False
    thread = Thread.objects.filter(discussion_id=comment.discussion_id).first()
    if thread is None:
        return False
    with transaction.atomic():
        TriageEvent.objects.create(
            thread=thread, actor=comment.author, action=TriageAction.REPLY, new_value=str(comment.pk)
        )
        return bool(
            Thread.objects.filter(pk=thread.pk, first_response_at__isnull=True).update(
                first_response_at=comment.created_at
            )
        )


# --- Helpers ------------------------------------------------------------------------------------------
def _clean_text(text: str | None, *, field: str, limit: int, required: bool, empty_message: str = "") -> str:
    value = (text or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(message=empty_message or _("Write something first."), field=field)
    if len(value) > limit:
        raise DomainError(
            message=_("This text has at most %(n)s characters.") % {"n": f"{limit:,}"}, field=field
        )
    return value


def _locked(thread: Thread) -> Thread:
    """The thread's row, locked for the rest of the transaction so two staff actions queue."""
    found = Thread.objects.select_for_update().filter(pk=thread.pk, deleted_at__isnull=True).first()
    if found is None:
        raise NotFound(_("This post no longer exists."), field="thread")
    return found


def _name(value: Any) -> str:
    if value is None:
        return ""
    text = getattr(value, "public_name", None) or getattr(value, "name", None) or str(value)
    return str(text)[:_VALUE_LENGTH]


def _event(thread: Thread, actor: Any, action: str, old: Any, new: Any, message: str = "") -> None:
    TriageEvent.objects.create(
        thread=thread, actor=actor, action=action, old_value=_name(old), new_value=_name(new), message=message
    )


def _sync(target: Thread, source: Thread, fields: Iterable[str]) -> None:
    """Give the caller's object the values just saved, so it shows what the database now holds."""
    for name in fields:
        setattr(target, name, getattr(source, name))


def _check_assignee(assignee: Any) -> None:
    if assignee is not None and not (is_staff(assignee) and getattr(assignee, "is_active", False)):
        raise DomainError(
            message=_("Feedback can only be assigned to an active staff member."), field="assignee"
        )


# --- Status -------------------------------------------------------------------------------------------
def _apply_status(*, actor: Any, row: Thread, status: str, message: str, now: Any) -> list[str]:
    """Move a locked row to `status`; returns the fields saved. The caller holds the transaction."""
    old = row.status
    row.status = status
    row.status_changed_at = now
    row.in_triage = True
    fields = ["status", "status_changed_at", "in_triage"]
    if old == FeedbackStatus.NEW and status != FeedbackStatus.NEW and row.first_response_at is None:
        # Moving a post on from "new" is a public answer: the author sees the team looked at it.
        row.first_response_at = now
        fields.append("first_response_at")
    if status in CLOSED_STATUSES:
        if old not in CLOSED_STATUSES or row.resolved_at is None:
            row.resolved_at = now
            fields.append("resolved_at")
    elif row.resolved_at is not None:
        row.resolved_at = None
        fields.append("resolved_at")
    row.save(update_fields=fields)
    TriageEvent.objects.create(
        thread=row, actor=actor, action=TriageAction.STATUS, old_value=old, new_value=status, message=message
    )
    sent = (row, old, status, message)
    transaction.on_commit(
        lambda: events.feedback_status_changed.send(
            sender=Thread, thread=sent[0], old=sent[1], new=sent[2], message=sent[3]
        )
    )
    return fields


def _clean_status(status: str) -> str:
    if status not in FeedbackStatus.values:
        raise DomainError(message=_("Choose a status from the list."), field="status")
    return status


def feedback_set_status(*, actor: Any, thread: Thread, status: str, message: str = "") -> Thread:
    """Set the public status of a post, with an optional public message (markdown). Setting the status it
    already has is refused unless a message comes with it (a public update on the same status)."""
    check_can_triage(actor)
    status = _clean_status(status)
    text = _clean_text(message, field="message", limit=MAX_MESSAGE, required=False)
    now = timezone.now()
    with transaction.atomic():
        row = _locked(thread)
        if row.status == status and not text:
            raise Conflict(
                _("The post already has this status; add a message to post an update."), field="status"
            )
        fields = _apply_status(actor=actor, row=row, status=status, message=text, now=now)
    _sync(thread, row, fields)
    return row


# --- Assignment and labels ----------------------------------------------------------------------------
def feedback_assign(
    *, actor: Any, thread: Thread, assignee: Any = UNCHANGED, team: Any = UNCHANGED
) -> Thread:
    """Assign a post to a staff member and/or a team; None clears, an argument left out stays as it is."""
    check_can_triage(actor)
    if assignee is not UNCHANGED:
        _check_assignee(assignee)
    if team is not UNCHANGED and team is not None and not isinstance(team, Team):
        raise DomainError(message=_("Choose a team from the list."), field="team")
    with transaction.atomic():
        row = _locked(thread)
        fields: list[str] = []
        if assignee is not UNCHANGED and row.assignee_id != getattr(assignee, "pk", None):
            _event(row, actor, TriageAction.ASSIGN, row.assignee, assignee)
            row.assignee = assignee
            fields.append("assignee")
        if team is not UNCHANGED and row.team_id != getattr(team, "pk", None):
            _event(row, actor, TriageAction.TEAM, row.team, team)
            row.team = team
            fields.append("team")
        if fields:
            row.in_triage = True
            row.save(update_fields=[*fields, "in_triage"])
    _sync(thread, row, ["assignee", "team", "in_triage"])
    return row


def feedback_label(
    *, actor: Any, thread: Thread, area: Any = UNCHANGED, stage: Any = UNCHANGED, sentiment: Any = UNCHANGED
) -> Thread:
    """Label a post with a product area, a journey stage and a sentiment (staff's sentiment wins over the
    automatic one from then on; "" hands it back to the automatic analysis, which answers at once)."""
    check_can_triage(actor)
    if area is not UNCHANGED and area is not None and not isinstance(area, Area):
        raise DomainError(message=_("Choose a product area from the list."), field="area")
    if stage is not UNCHANGED and stage is not None and not isinstance(stage, Stage):
        raise DomainError(message=_("Choose a journey stage from the list."), field="stage")
    if sentiment is not UNCHANGED:
        sentiment = sentiment or ""
        if sentiment and sentiment not in Sentiment.values:
            raise DomainError(message=_("Choose positive, neutral or negative."), field="sentiment")
    with transaction.atomic():
        row = _locked(thread)
        fields: list[str] = []
        if area is not UNCHANGED and row.area_id != getattr(area, "pk", None):
            _event(row, actor, TriageAction.AREA, row.area, area)
            row.area = area
            fields.append("area")
        if stage is not UNCHANGED and row.stage_id != getattr(stage, "pk", None):
            _event(row, actor, TriageAction.STAGE, row.stage, stage)
            row.stage = stage
            fields.append("stage")
        if (
            sentiment is not UNCHANGED
            and (row.sentiment_by_staff or sentiment)
            and (sentiment != row.sentiment or not row.sentiment_by_staff)
        ):
            if sentiment:
                label, score, by_staff = sentiment, None, True
            else:
                # Handed back to the automatic analysis: it answers at once, as it does for a new post.
                label, score = automatic_sentiment(f"{row.title}\n{row.body}")
                by_staff = False
            TriageEvent.objects.create(
                thread=row,
                actor=actor,
                action=TriageAction.SENTIMENT,
                old_value=row.sentiment,
                new_value=label,
            )
            row.sentiment, row.sentiment_score, row.sentiment_by_staff = label, score, by_staff
            fields += ["sentiment", "sentiment_by_staff", "sentiment_score"]
        if fields:
            row.save(update_fields=fields)
    _sync(thread, row, ["area", "stage", "sentiment", "sentiment_by_staff", "sentiment_score"])
    return row


# --- Notes --------------------------------------------------------------------------------------------
def note_add(*, actor: Any, thread: Thread, body: str) -> TriageNote:
    """An internal note: staff see it in the triage panel; it never appears on the public post."""
    check_can_triage(actor)
    text = _clean_text(
        body, field="body", limit=MAX_NOTE, required=True, empty_message=_("Write the note first.")
    )
    if not Thread.objects.filter(pk=thread.pk, deleted_at__isnull=True).exists():
        raise NotFound(_("This post no longer exists."), field="thread")
    return TriageNote.objects.create(thread=thread, author=actor, body=text)


# --- Saved replies ------------------------------------------------------------------------------------
def _check_can_edit_saved_reply(actor: Any, saved_reply: SavedReply) -> None:
    check_can_triage(actor)
    if saved_reply.created_by_id != actor.pk and not is_admin(actor):
        raise NotAllowed(_("Only the person who wrote a saved reply or an administrator can change it."))


def _clean_saved_reply(title: str, body: str, team: Any) -> tuple[str, str]:
    title_text = " ".join((title or "").replace("\x00", "").split())
    if not title_text:
        raise DomainError(message=_("Give the saved reply a title."), field="title")
    if len(title_text) > 120:
        raise DomainError(message=_("A title has at most 120 characters."), field="title")
    text = _clean_text(
        body, field="body", limit=5000, required=True, empty_message=_("Write the reply first.")
    )
    if team is not None and not isinstance(team, Team):
        raise DomainError(message=_("Choose a team from the list."), field="team")
    return title_text, text


def saved_reply_create(*, actor: Any, title: str, body: str, team: Team | None = None) -> SavedReply:
    check_can_triage(actor)
    title_text, text = _clean_saved_reply(title, body, team)
    return SavedReply.objects.create(title=title_text, body=text, team=team, created_by=actor)


def saved_reply_update(
    *, actor: Any, saved_reply: SavedReply, title: str, body: str, team: Team | None = None
) -> SavedReply:
    _check_can_edit_saved_reply(actor, saved_reply)
    title_text, text = _clean_saved_reply(title, body, team)
    SavedReply.objects.filter(pk=saved_reply.pk).update(title=title_text, body=text, team=team)
    saved_reply.title, saved_reply.body, saved_reply.team = title_text, text, team
    return saved_reply


def saved_reply_delete(*, actor: Any, saved_reply: SavedReply) -> None:
    _check_can_edit_saved_reply(actor, saved_reply)
    SavedReply.objects.filter(pk=saved_reply.pk).delete()


def saved_reply_use(*, actor: Any, thread: Thread, saved_reply: SavedReply, body: str | None = None) -> Any:
    """Post a saved reply publicly on the thread (optionally adapted: `body`) and count the use. The reply
    goes through the forum like any other, so a locked thread refuses it and it is a first response."""
    from . import forum

    check_can_triage(actor)
    text = saved_reply.body if body is None or not body.strip() else body
    with transaction.atomic():
        comment = forum.reply_post(actor=actor, thread=thread, body=text)
        SavedReply.objects.filter(pk=saved_reply.pk).update(use_count=F("use_count") + 1)
    return comment


# --- Bulk ---------------------------------------------------------------------------------------------
def _resolve_bulk_value(action: str, value: Any) -> Any:
    """One value for every post: the status name, or the object (None clears) an id names."""
    if action == "status":
        return _clean_status(str(value or ""))
    if value in (None, ""):
        return None
    models: dict[str, Any] = {"assign": get_user_model(), "team": Team, "area": Area, "stage": Stage}
    model = models[action]
    if isinstance(value, model):
        found = value
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = 0
        found = model.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise NotFound(_("Choose a value from the list."), field="value")
    if action == "assign":
        _check_assignee(found)
    return found


def bulk_apply(*, actor: Any, thread_ids: Iterable[Any], action: str, value: Any) -> int:
    """Apply one action to many posts in one transaction; returns how many posts changed (a post that
    already had the value is left as it is)."""
    check_can_triage(actor)
    if action not in BULK_ACTIONS:
        raise DomainError(message=_("Choose an action from the list."), field="action")
    try:
        ids = sorted({int(pk) for pk in thread_ids})
    except (TypeError, ValueError):
        raise DomainError(message=_("Choose posts from the list."), field="thread_ids") from None
    ids = [pk for pk in ids if 0 < pk < 2**63]
    if not ids:
        raise DomainError(message=_("Tick at least one post."), field="thread_ids")
    if len(ids) > MAX_BULK:
        raise DomainError(message=_("At most %(n)s posts at a time.") % {"n": MAX_BULK}, field="thread_ids")
    target = _resolve_bulk_value(action, value)
    field = {"status": "status", "assign": "assignee", "team": "team", "area": "area", "stage": "stage"}[
        action
    ]
    event_action = {
        "assign": TriageAction.ASSIGN,
        "team": TriageAction.TEAM,
        "area": TriageAction.AREA,
        "stage": TriageAction.STAGE,
    }
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        rows = list(
            Thread.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, deleted_at__isnull=True)
            .select_related("assignee", "team", "area", "stage")
            .order_by("pk")
        )
        for row in rows:
            if action == "status":
                if row.status == target:
                    continue
                _apply_status(actor=actor, row=row, status=target, message="", now=now)
            else:
                if getattr(row, f"{field}_id") == getattr(target, "pk", None):
                    continue
                _event(row, actor, event_action[action], getattr(row, field), target)
                setattr(row, field, target)
                row.in_triage = True
                row.save(update_fields=[field, "in_triage"])
            changed += 1
    return changed


# --- Teams and areas (administrators) -----------------------------------------------------------------
def _clean_name(name: str, field: str = "name") -> str:
    text = " ".join((name or "").replace("\x00", "").split())
    if not text:
        raise DomainError(message=_("Give it a name."), field=field)
    if len(text) > 80:
        raise DomainError(message=_("A name has at most 80 characters."), field=field)
    if not slugify(text):
        raise DomainError(message=_("Use at least one letter or digit in the name."), field=field)
    return text


def _clean_members(members: Iterable[Any]) -> list[Any]:
    chosen = list(members)
    for person in chosen:
        if not is_staff(person):
            raise DomainError(
                message=_("%(name)s is not staff; only staff can be in a triage team.")
                % {"name": getattr(person, "public_name", person)},
                field="members",
            )
    return chosen


def _unique_slug(model: Any, name: str, exclude_pk: int | None = None) -> str:
    fallback = model.__name__.lower()
    return unique_slug(model.objects.all(), name, fallback=fallback, max_length=80, exclude_pk=exclude_pk)


def _name_taken(model: Any, name: str, exclude_pk: int | None = None) -> bool:
    return model.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists()


def team_create(*, actor: Any, name: str, members: Iterable[Any] = ()) -> Team:
    check_can_manage_teams(actor)
    text = _clean_name(name)
    chosen = _clean_members(members)
    if _name_taken(Team, text):
        raise Conflict(_("There is already a team with this name."), field="name")
    try:
        with transaction.atomic():
            team = Team.objects.create(name=text, slug=_unique_slug(Team, text))
            team.members.set(chosen)
    except IntegrityError:
        raise Conflict(_("There is already a team with this name."), field="name") from None
    return team


def team_update(
    *, actor: Any, team: Team, name: str | None = None, members: Iterable[Any] | None = None
) -> Team:
    check_can_manage_teams(actor)
    text = _clean_name(name) if name is not None else team.name
    chosen = _clean_members(members) if members is not None else None
    if _name_taken(Team, text, exclude_pk=team.pk):
        raise Conflict(_("There is already a team with this name."), field="name")
    with transaction.atomic():
        if text != team.name:
            team.name = text
            team.slug = _unique_slug(Team, text, exclude_pk=team.pk)
            team.save(update_fields=["name", "slug"])
        if chosen is not None:
            team.members.set(chosen)
    return team


def team_delete(*, actor: Any, team: Team) -> None:
    """Its posts keep their status and assignee and go back to "no team"."""
    check_can_manage_teams(actor)
    Team.objects.filter(pk=team.pk).delete()


def area_create(*, actor: Any, name: str) -> Area:
    check_can_manage_teams(actor)
    text = _clean_name(name)
    if _name_taken(Area, text):
        raise Conflict(_("There is already a product area with this name."), field="name")
    try:
        with transaction.atomic():
            return Area.objects.create(name=text, slug=_unique_slug(Area, text))
    except IntegrityError:
        raise Conflict(_("There is already a product area with this name."), field="name") from None


def area_delete(*, actor: Any, area: Area) -> None:
    """Posts labelled with it lose the label; nothing else changes."""
    check_can_manage_teams(actor)
    Area.objects.filter(pk=area.pk).delete()
