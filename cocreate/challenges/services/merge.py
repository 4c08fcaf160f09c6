"""Merging a duplicate idea into another (staff: moderators and administrators).

Invariants guarded here, all in one transaction:
- both ideas' rows are locked in id order (two merges of the same pair in opposite directions cannot
  deadlock), and the rules are checked again under the locks;
- the source's supports move to the target with `INSERT … SELECT … ON CONFLICT DO NOTHING`: a member who
  supported both counts once, and a support given to the target at the same instant is never doubled;
- both counters are then recounted from the rows (`UPDATE … SET support_count = (SELECT count(*) …)`): the
  one place a recount is right, since rows moved in bulk under both row locks;
- milestones the merge carries the target past are recorded once and announced once, after commit;
- the source's comments move to the target's discussion, and its followers follow the target too;
- the source records where it went (`merged_into`) and moves to `merged` through `idea_transition`, with
  the public message in its history;
- `ideas_merged` is sent after commit with the members whose support moved, so they can be told (and they
  may withdraw: theirs is an ordinary support on the target).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import DomainError
from cocreate.discussions.models import Discussion
from cocreate.journeys.models import Contribution

from .. import events
from ..models import Idea, IdeaStatus
from ..policies import check_can_moderate
from ..selectors.similar import FOLLOW_TYPE, comment_model, follow_model, merge_targets_status
from .ideas import idea_transition
from .supports import Reached, _climb, ladder_of

MOVE_SUPPORTS = (
    "INSERT INTO challenges_support (idea_id, user_id, created_at, would_buy, price_band, audience) "
    "SELECT %s, s.user_id, s.created_at, s.would_buy, s.price_band, s.audience "
    "FROM challenges_support s WHERE s.idea_id = %s AND s.user_id <> %s "
    "AND NOT EXISTS (SELECT 1 FROM challenges_support t WHERE t.idea_id = %s AND t.user_id = s.user_id) "
    "ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING user_id"
)
RECOUNT = (
    "UPDATE challenges_idea SET support_count = "
    "(SELECT count(*) FROM challenges_support s WHERE s.idea_id = challenges_idea.id) "
    "WHERE id IN (%s, %s) RETURNING id, support_count, milestone_index"
)


@dataclass
class MergeResult:
    source: Idea
    target: Idea
    moved_user_ids: list[int]
    duplicates: int
    comments: int
    followers: int | None
    milestones: list[Reached] = field(default_factory=list)


def merge_check(*, source: Idea, target: Idea) -> None:
    """Refuse a merge the rules do not allow (checked again under the row locks when merging)."""
    if source.pk == target.pk:
        raise DomainError(message=_("An idea cannot be merged into itself."), field="target")
    if source.status != IdeaStatus.PUBLISHED:
        raise DomainError(
            message=_("Only an idea gathering support can be merged into another."),
            field="target",
            status=409,
        )
    if target.status not in merge_targets_status():
        raise DomainError(
            message=_("“%(t)s” is %(s)s: ideas can only be merged into a live, public idea.")
            % {"t": target.title, "s": IdeaStatus(target.status).label.lower()},
            field="target",
            status=409,
        )
    if source.challenge_id != target.challenge_id:
        raise DomainError(
            message=_("Only ideas of the same challenge can be merged."), field="target", status=409
        )


def _repoint_contributions(cursor: Any, source_id: int, target_id: int) -> None:
    """The journey map counted each support as a contribution: point those of the source's supports at
    the member's support on the target, so withdrawing it later is counted too."""
    table = Contribution._meta.db_table
    cursor.execute(
        f"UPDATE {table} SET target_id = ("  # noqa: S608 (table name from the model, values bound)
        "SELECT t.id FROM challenges_support t, challenges_support s "
        f"WHERE s.id = {table}.target_id AND t.user_id = s.user_id AND t.idea_id = %s) "
        "WHERE target_type = 'challenges.support' AND target_id IN "
        "(SELECT s.id FROM challenges_support s WHERE s.idea_id = %s AND EXISTS "
        "(SELECT 1 FROM challenges_support t WHERE t.idea_id = %s AND t.user_id = s.user_id))",
        [target_id, source_id, target_id],
    )


def _move_comments(source: Idea, target: Idea) -> int:
    model = comment_model()
    if model is None or source.discussion_id is None or target.discussion_id is None:
        return 0
    moved = int(
        model.objects.filter(discussion_id=source.discussion_id).update(discussion_id=target.discussion_id)
    )
    if moved:
        old = Discussion.objects.filter(pk=source.discussion_id).values("comment_count", "last_activity_at")
        row = old.first() or {"comment_count": 0, "last_activity_at": None}
        Discussion.objects.filter(pk=source.discussion_id).update(comment_count=0)
        updates: dict[str, Any] = {"comment_count": F("comment_count") + row["comment_count"]}
        if row["last_activity_at"] is not None:
            latest = row["last_activity_at"]
            updates["last_activity_at"] = Greatest(Coalesce(F("last_activity_at"), latest), latest)
        Discussion.objects.filter(pk=target.discussion_id).update(**updates)
    return moved


def _copy_followers(source: Idea, target: Idea) -> int | None:
    """Followers of the source follow the target too. They keep following the source: it changes no more,
    and they still hear that it was merged."""
    model = follow_model()
    if model is None:
        return None
    already = model.objects.filter(target_type=FOLLOW_TYPE, target_id=target.pk).values("user_id")
    user_ids = list(
        model.objects.filter(target_type=FOLLOW_TYPE, target_id=source.pk)
        .exclude(user_id__in=already)
        .values_list("user_id", flat=True)
    )
    model.objects.bulk_create(
        [model(user_id=uid, target_type=FOLLOW_TYPE, target_id=target.pk) for uid in user_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(user_ids)


def idea_merge(*, actor: Any, source: Idea, target: Idea, message: str) -> MergeResult:
    """Merge `source` into `target`: supports, comments and followers move; `source` becomes `merged`."""
    check_can_moderate(actor)
    message = (message or "").strip()
    if source.pk == target.pk:
        raise DomainError(message=_("An idea cannot be merged into itself."), field="target")
    if not message:
        raise DomainError(
            message=_("Tell the members why the ideas are merged (the message is public)."), field="message"
        )
    now = timezone.now()
    with transaction.atomic():
        locked = {
            idea.pk: idea
            for idea in Idea.objects.select_for_update()
            .select_related("challenge")
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise DomainError(message=_("One of the ideas no longer exists."), field="target", status=404)
        src, dst = locked[source.pk], locked[target.pk]
        merge_check(source=src, target=dst)
        self_supporter = -1 if dst.challenge.allow_self_support else dst.author_id
        with connection.cursor() as cursor:
            cursor.execute(MOVE_SUPPORTS, [dst.pk, src.pk, self_supporter, dst.pk])
            moved_user_ids = sorted(int(row[0]) for row in cursor.fetchall())
            cursor.execute(
                "SELECT count(*) FROM challenges_support s WHERE s.idea_id = %s AND EXISTS "
                "(SELECT 1 FROM challenges_support t WHERE t.idea_id = %s AND t.user_id = s.user_id)",
                [src.pk, dst.pk],
            )
            duplicates = int(cursor.fetchone()[0]) - len(moved_user_ids)
            _repoint_contributions(cursor, src.pk, dst.pk)
            cursor.execute("DELETE FROM challenges_support WHERE idea_id = %s", [src.pk])
            cursor.execute(RECOUNT, [src.pk, dst.pk])
            counts = {int(pk): (int(count), int(index)) for pk, count, index in cursor.fetchall()}
        count, milestone_index = counts[dst.pk]
        reached = _climb(dst.pk, count, milestone_index, ladder_of(dst), now)
        comments = _move_comments(src, dst)
        followers = _copy_followers(src, dst)
        Idea.objects.filter(pk=src.pk).update(merged_into=dst)
        idea_transition(actor=actor, idea=src, to_status=IdeaStatus.MERGED, message=message)
        src.refresh_from_db()
        dst.refresh_from_db()

        def send() -> None:
            events.ideas_merged.send(sender=Idea, source=src, target=dst, moved_user_ids=moved_user_ids)
            for rung in reached:
                events.milestone_reached.send(
                    sender=Idea,
                    idea=dst,
                    threshold=rung.threshold,
                    qualifies=rung.qualifies,
                    deadline=rung.deadline,
                )

        transaction.on_commit(send)
    for attr in ("status", "merged_into_id", "support_count", "updated_at"):
        setattr(source, attr, getattr(src, attr))
    for attr in ("support_count", "milestone_index", "deadline", "qualified_at", "updated_at"):
        setattr(target, attr, getattr(dst, attr))
    return MergeResult(
        source=src,
        target=dst,
        moved_user_ids=moved_user_ids,
        duplicates=duplicates,
        comments=comments,
        followers=followers,
        milestones=reached,
    )
