"""Writes for contests: contests and rounds, designers and jurors, entries and revisions, votes, scores,
the shortlist and the winners.

Invariants guarded here:
- only staff create and change contests, rounds, designers, jurors, criteria, the shortlist and winners;
- rounds of a contest never overlap and follow each other in order; a contest opens only with a round;
- entries are submitted and revised only while a round is open and the contest is open, by an accepted
  designer (or any member when submission is open); a revision belongs to its round (one per round, the
  history is kept) and only the entry's designer writes it; with shortlisting only shortlisted entries go
  on to later rounds; files are checked by content (community's attachment checks) and capped in number
  and size;
- votes are taken only in the round open now: in a one-vote contest one vote per member per round (a
  partial unique constraint), in a budget contest the member's points in the round never exceed the
  budget (nor the per-entry cap); a designer never votes for their own entry. Every vote change first
  takes the lock of the member's ballot row for that round, then moves the counters with F() in the same
  transaction, so the counters always equal the sum of the vote rows;
- jurors score each criterion 1 to 10, once per entry (updated in place) until the contest closes;
- a refused call writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.brand.models import Product
from cocreate.community.services.forum import CleanFile, clean_attachments
from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, NotAllowed, NotFound, validation_error_to_domain
from cocreate.core.images import clean_image
from cocreate.discussions.services import discussion_create
from cocreate.journeys import services as journey_services
from cocreate.journeys.models import ContributionKind, ContributionSource, ParticipationPoint, PointStatus

from . import events, selectors
from .models import (
    Ballot,
    Contest,
    ContestDesigner,
    ContestJuror,
    ContestStatus,
    Criterion,
    DesignerStatus,
    Entry,
    EntryFile,
    EntryRevision,
    EntryRound,
    Round,
    Score,
    Visibility,
    Vote,
    VotingMode,
)
from .policies import can_see_entry, check_can_manage_contests, check_can_score, check_can_submit

MAX_TITLE = 160
MAX_TEXT = 10_000
MAX_BRIEF = 20_000
MAX_ROUNDS = 8
MAX_CRITERIA = 10
MAX_EMAILS = 200
MAX_BUDGET = 1000


# --- Helpers ----------------------------------------------------------------------------------------------
def _text(value: Any, *, field: str, limit: int, required: bool = False, what: str = "") -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(message=_("Give %(what)s.") % {"what": what or field}, field=field)
    if len(text) > limit:
        raise DomainError(message=_("At most %(n)s characters.") % {"n": limit}, field=field)
    return text


def _int(value: Any, *, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(message=_("Enter a whole number."), field=field) from None
    if not low <= number <= high:
        raise DomainError(
            message=_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return number


def _authed(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        raise NotAllowed(_("Log in first."))


# First path segments of the other contest pages (/contests/<segment>/): never a contest's address.
RESERVED_SLUGS = frozenset({"new", "files"})


def _unique_slug(title: str, exclude: int | None = None) -> str:
    contests = Contest.objects.all()
    return unique_slug(
        contests, title, fallback="contest", max_length=160, reserved=RESERVED_SLUGS, exclude_pk=exclude
    )


def _members_by_email(emails: Iterable[str]) -> list[Any]:
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    if not wanted:
        raise DomainError(message=_("Give at least one member's email address."), field="emails")
    if len(wanted) > MAX_EMAILS:
        raise DomainError(message=_("At most %(n)s addresses at a time.") % {"n": MAX_EMAILS}, field="emails")
    User = get_user_model()
    found: dict[str, Any] = {}
    for address in wanted:
        user = User.objects.with_email(address).filter(is_active=True).first()  # type: ignore[attr-defined]
        if user is not None:
            found[address] = user
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise DomainError(
            message=_("No member has the address %(e)s.") % {"e": ", ".join(unknown[:5])}, field="emails"
        )
    return list({u.pk: u for u in found.values()}.values())


def _attribution(contest: Contest, attribution: Any) -> Any:
    """Without a tracked link, a contribution still counts for the point the contest belongs to."""
    if attribution is not None:
        return attribution
    point = contest.point if contest.point_id is not None else None
    if point is not None and point.status == PointStatus.OPEN:
        return journey_services.Attribution(
            point=point, touchpoint=point.touchpoint, source=ContributionSource.SITE
        )
    return None


def contest_url(contest: Contest) -> str:
    try:
        return reverse("contests:contest-detail", args=[contest.slug])
    except NoReverseMatch:
        return "/"


# --- Contests ---------------------------------------------------------------------------------------------
_CONTEST_FIELDS = {
    "title",
    "brief",
    "prizes",
    "product",
    "point",
    "voting_mode",
    "vote_budget",
    "max_points_per_entry",
    "visibility",
    "open_submission",
    "shortlisting",
    "max_entries_per_designer",
}


def _clean_contest_fields(fields: Mapping[str, Any], contest: Contest | None) -> dict[str, Any]:
    unknown = set(fields) - _CONTEST_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    out: dict[str, Any] = {}
    if "title" in fields or contest is None:
        title = _text(fields.get("title"), field="title", limit=MAX_TITLE, required=True, what=_("a title"))
        if len(title) < 3:
            raise DomainError(message=_("Give a title of at least 3 characters."), field="title")
        out["title"] = title
    if "brief" in fields:
        out["brief"] = _text(fields["brief"], field="brief", limit=MAX_BRIEF)
    if "prizes" in fields:
        out["prizes"] = _text(fields["prizes"], field="prizes", limit=5_000)
    if "product" in fields:
        product = fields["product"]
        if product is not None and not isinstance(product, Product):
            raise DomainError(message=_("No such product."), field="product")
        out["product"] = product
    if "point" in fields:
        point = fields["point"]
        if point is not None and not isinstance(point, ParticipationPoint):
            raise DomainError(message=_("No such participation point."), field="point")
        out["point"] = point
    if "voting_mode" in fields:
        if fields["voting_mode"] not in VotingMode.values:
            raise DomainError(message=_("Choose one vote or a points budget."), field="voting_mode")
        out["voting_mode"] = fields["voting_mode"]
    if "vote_budget" in fields:
        out["vote_budget"] = _int(fields["vote_budget"], field="vote_budget", low=1, high=MAX_BUDGET)
    if "max_points_per_entry" in fields:
        cap = fields["max_points_per_entry"]
        out["max_points_per_entry"] = (
            None if cap in (None, "", 0) else _int(cap, field="max_points_per_entry", low=1, high=MAX_BUDGET)
        )
    if "visibility" in fields:
        if fields["visibility"] not in Visibility.values:
            raise DomainError(message=_("Choose sealed or open entries."), field="visibility")
        out["visibility"] = fields["visibility"]
    for flag in ("open_submission", "shortlisting"):
        if flag in fields:
            out[flag] = bool(fields[flag])
    if "max_entries_per_designer" in fields:
        out["max_entries_per_designer"] = _int(
            fields["max_entries_per_designer"], field="max_entries_per_designer", low=1, high=20
        )
    return out


def _cover(upload: Any) -> Any:
    try:
        return clean_image(upload, max_side=1600, name_prefix="contest")
    except ValidationError as exc:
        raise validation_error_to_domain(exc, default_field="cover") from None


@transaction.atomic
def contest_create(*, actor: Any, cover: Any = None, **fields: Any) -> Contest:
    check_can_manage_contests(actor)
    data = _clean_contest_fields(fields, None)
    contest = Contest(created_by=actor, slug=_unique_slug(data["title"]), **data)
    if cover is not None:
        clean = _cover(cover)
        contest.cover.save(clean.name or "contest.png", clean, save=False)
    contest.save()
    return contest


@transaction.atomic
def contest_update(*, actor: Any, contest: Contest, cover: Any = None, **fields: Any) -> Contest:
    check_can_manage_contests(actor)
    data = _clean_contest_fields(fields, contest)
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if (
        "voting_mode" in data
        and data["voting_mode"] != locked.voting_mode
        and Vote.objects.filter(round__contest=locked).exists()
    ):
        raise Conflict(
            _("Fans have voted already: the voting mode can no longer change."), field="voting_mode"
        )
    for name, value in data.items():
        setattr(locked, name, value)
    if cover is not None:
        clean = _cover(cover)
        locked.cover.save(clean.name or "contest.png", clean, save=False)
    locked.save()
    return locked


@transaction.atomic
def contest_set_status(*, actor: Any, contest: Contest, status: str) -> Contest:
    check_can_manage_contests(actor)
    if status not in ContestStatus.values:
        raise DomainError(message=_("Unknown status."), field="status")
    if status != ContestStatus.DRAFT and not Round.objects.filter(contest=contest).exists():
        raise DomainError(message=_("Add a round first: a contest runs in dated rounds."), field="status")
    Contest.objects.filter(pk=contest.pk).update(status=status, updated_at=timezone.now())
    contest.status = status
    return contest


# --- Rounds -----------------------------------------------------------------------------------------------
def _check_dates(opens_at: Any, closes_at: Any) -> tuple[datetime, datetime]:
    if not isinstance(opens_at, datetime):
        raise DomainError(message=_("Give the date and time the round opens."), field="opens_at")
    if not isinstance(closes_at, datetime):
        raise DomainError(message=_("Give the date and time the round closes."), field="closes_at")
    if timezone.is_naive(opens_at):
        opens_at = timezone.make_aware(opens_at)
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at <= opens_at:
        raise DomainError(message=_("A round closes after it opens."), field="closes_at")
    return opens_at, closes_at


def _check_sequence(contest: Contest, rounds: list[Round]) -> None:
    rounds.sort(key=lambda r: r.opens_at)
    for before, after in pairwise(rounds):
        if after.opens_at < before.closes_at:
            raise DomainError(
                message=_("Rounds follow each other: “%(a)s” overlaps “%(b)s”.")
                % {"a": after.name, "b": before.name},
                field="opens_at",
            )


@transaction.atomic
def round_add(
    *, actor: Any, contest: Contest, name: str, opens_at: Any, closes_at: Any, description: str = ""
) -> Round:
    check_can_manage_contests(actor)
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    clean_name = _text(name, field="name", limit=80, required=True, what=_("a name"))
    opens, closes = _check_dates(opens_at, closes_at)
    existing = list(Round.objects.filter(contest=contest))
    if len(existing) >= MAX_ROUNDS:
        raise DomainError(message=_("A contest has at most %(n)s rounds.") % {"n": MAX_ROUNDS}, field="name")
    rnd = Round(
        contest=contest,
        name=clean_name,
        description=_text(description, field="description", limit=2_000),
        opens_at=opens,
        closes_at=closes,
    )
    _check_sequence(contest, [*existing, rnd])
    ordered = sorted([*existing, rnd], key=lambda r: r.opens_at)
    # Positions follow the dates; shift the existing ones out of the way of the unique constraint first.
    Round.objects.filter(contest=contest).update(position=F("position") + 100)
    for index, item in enumerate(ordered, start=1):
        item.position = index
        if item.pk:
            Round.objects.filter(pk=item.pk).update(position=index)
    rnd.save()
    return rnd


@transaction.atomic
def round_update(
    *, actor: Any, rnd: Round, name: str, opens_at: Any, closes_at: Any, description: str = ""
) -> Round:
    check_can_manage_contests(actor)
    clean_name = _text(name, field="name", limit=80, required=True, what=_("a name"))
    opens, closes = _check_dates(opens_at, closes_at)
    others = list(Round.objects.filter(contest_id=rnd.contest_id).exclude(pk=rnd.pk))
    # Checked on a copy, so a refused change leaves the caller's instance as it was.
    candidate = Round(pk=rnd.pk, contest_id=rnd.contest_id, position=rnd.position, name=clean_name)
    candidate.opens_at, candidate.closes_at = opens, closes
    ordered = [*others, candidate]
    _check_sequence(rnd.contest, ordered)
    if [r.pk for r in sorted(ordered, key=lambda r: r.opens_at)] != [
        r.pk for r in sorted(ordered, key=lambda r: r.position)
    ]:
        raise DomainError(message=_("Rounds keep their order; change the dates within it."), field="opens_at")
    text = _text(description, field="description", limit=2_000)
    rnd.name, rnd.opens_at, rnd.closes_at, rnd.description = clean_name, opens, closes, text
    rnd.save()
    return rnd


# --- Designers and jurors ---------------------------------------------------------------------------------
@transaction.atomic
def designers_invite(*, actor: Any, contest: Contest, emails: Iterable[str]) -> int:
    """Invite members to design for the contest; returns how many were newly invited. Members invited
    before keep their answer."""
    check_can_manage_contests(actor)
    if contest.status == ContestStatus.CLOSED:
        raise Conflict(_("This contest is closed."))
    users = _members_by_email(emails)
    already = set(
        ContestDesigner.objects.filter(contest=contest, user__in=users).values_list("user_id", flat=True)
    )
    new = [u for u in users if u.pk not in already]
    ContestDesigner.objects.bulk_create(
        [ContestDesigner(contest=contest, user=u, invited_by=actor) for u in new], ignore_conflicts=True
    )
    contest_id, ids = contest.pk, [u.pk for u in new]
    if ids:
        transaction.on_commit(
            lambda: events.designers_invited.send(sender=Contest, contest_id=contest_id, user_ids=ids)
        )
    return len(new)


@transaction.atomic
def designer_answer(*, actor: Any, contest: Contest, accept: bool) -> ContestDesigner:
    _authed(actor)
    row = ContestDesigner.objects.select_for_update().filter(contest=contest, user=actor).first()
    if row is None:
        raise NotFound(_("You have no invitation to this contest."))
    if contest.status == ContestStatus.CLOSED:
        raise Conflict(_("This contest is closed."))
    row.status = DesignerStatus.ACCEPTED if accept else DesignerStatus.DECLINED
    row.answered_at = timezone.now()
    row.save(update_fields=["status", "answered_at"])
    return row


@transaction.atomic
def jurors_appoint(*, actor: Any, contest: Contest, emails: Iterable[str]) -> int:
    check_can_manage_contests(actor)
    users = _members_by_email(emails)
    already = set(
        ContestJuror.objects.filter(contest=contest, user__in=users).values_list("user_id", flat=True)
    )
    new = [u for u in users if u.pk not in already]
    ContestJuror.objects.bulk_create(
        [ContestJuror(contest=contest, user=u, appointed_by=actor) for u in new], ignore_conflicts=True
    )
    contest_id, ids = contest.pk, [u.pk for u in new]
    if ids:
        transaction.on_commit(
            lambda: events.jurors_appointed.send(sender=Contest, contest_id=contest_id, user_ids=ids)
        )
    return len(new)


@transaction.atomic
def juror_remove(*, actor: Any, contest: Contest, user_id: int) -> None:
    check_can_manage_contests(actor)
    if not ContestJuror.objects.filter(contest=contest, user_id=user_id).delete()[0]:
        raise NotFound(_("No such juror."), field="user")
    Score.objects.filter(entry__contest=contest, juror_id=user_id).delete()


@transaction.atomic
def criteria_set(*, actor: Any, contest: Contest, criteria: Sequence[Mapping[str, Any]]) -> list[Criterion]:
    """Replace the jury's criteria. A criterion kept by name keeps its scores; one left out loses them."""
    check_can_manage_contests(actor)
    if contest.status == ContestStatus.CLOSED:
        raise Conflict(_("This contest is closed."), field="criteria")
    if not criteria:
        raise DomainError(message=_("Give at least one criterion."), field="criteria")
    if len(criteria) > MAX_CRITERIA:
        raise DomainError(message=_("At most %(n)s criteria.") % {"n": MAX_CRITERIA}, field="criteria")
    cleaned: list[tuple[str, int]] = []
    for i, item in enumerate(criteria):
        name = _text(item.get("name"), field=f"criteria.{i}.name", limit=80, required=True, what=_("a name"))
        weight = _int(item.get("weight", 1), field=f"criteria.{i}.weight", low=1, high=100)
        if name.lower() in {n.lower() for n, _w in cleaned}:
            raise DomainError(message=_("Each criterion once."), field=f"criteria.{i}.name")
        cleaned.append((name, weight))
    existing = {c.name.lower(): c for c in Criterion.objects.filter(contest=contest)}
    keep = {n.lower() for n, _w in cleaned}
    Criterion.objects.filter(pk__in=[c.pk for k, c in existing.items() if k not in keep]).delete()
    result = []
    for position, (name, weight) in enumerate(cleaned, start=1):
        row = existing.get(name.lower())
        if row is None:
            row = Criterion.objects.create(contest=contest, name=name, weight=weight, position=position)
        else:
            row.name, row.weight, row.position = name, weight, position
            row.save(update_fields=["name", "weight", "position"])
        result.append(row)
    return result


# --- Entries and revisions --------------------------------------------------------------------------------
def _files(uploads: Sequence[Any] | None) -> list[CleanFile]:
    try:
        return clean_attachments(uploads)
    except DomainError as exc:
        raise DomainError(message=exc.message, field="files") from None


def _store_files(revision: EntryRevision, files: list[CleanFile]) -> None:
    for position, item in enumerate(files):
        row = EntryFile(
            revision=revision,
            name=item.name,
            content_type=item.content_type,
            size=item.content.size,
            is_image=item.is_image,
            position=position,
        )
        row.file.save(item.content.name or "entry-file", item.content, save=False)
        row.save()


def _open_round(contest: Contest, *, field: str | None = None) -> Round:
    if contest.status != ContestStatus.OPEN:
        raise Conflict(_("This contest is not taking entries now."), field=field)
    rnd = selectors.current_round(contest)
    if rnd is None:
        raise Conflict(_("No round is open now; entries and revisions wait for the next round."), field=field)
    return rnd


def entry_submit(
    *,
    actor: Any,
    contest: Contest,
    title: str,
    description: str = "",
    uploads: Sequence[Any] | None = None,
    attribution: Any = None,
) -> Entry:
    check_can_submit(actor, contest)
    rnd = _open_round(contest)
    first = selectors.rounds(contest)[0]
    if contest.shortlisting and rnd.pk != first.pk:
        raise Conflict(_("New entries are taken in the first round only."))
    clean_title = _text(title, field="title", limit=MAX_TITLE, required=True, what=_("a title"))
    text = _text(description, field="description", limit=MAX_TEXT)
    files = _files(uploads)
    with transaction.atomic():
        # The UPDATE locks the contest row so two submissions at once cannot both pass the per-designer cap.
        Contest.objects.filter(pk=contest.pk).update(updated_at=timezone.now())
        if Entry.objects.filter(contest=contest, designer=actor).count() >= contest.max_entries_per_designer:
            raise Conflict(
                _("You have submitted the most entries this contest takes (%(n)s).")
                % {"n": contest.max_entries_per_designer},
                field="title",
            )
        entry = Entry.objects.create(
            contest=contest,
            designer=actor,
            first_round=rnd,
            title=clean_title,
            description=text,
            discussion=discussion_create(),
        )
        revision = EntryRevision.objects.create(
            entry=entry, round=rnd, number=1, title=clean_title, description=text
        )
        _store_files(revision, files)
        EntryRound.objects.create(entry=entry, round=rnd)
        journey_services.contribution_record(
            attribution=_attribution(contest, attribution),
            kind=ContributionKind.ENTRY,
            user=actor,
            target=("contests.entry", entry.pk),
            title=f"{contest.title} · {clean_title}",
            body=text[:2000],
        )
        contest_id, entry_id, designer_id = contest.pk, entry.pk, actor.pk
        transaction.on_commit(
            lambda: events.entry_submitted.send(
                sender=Contest, contest_id=contest_id, entry_id=entry_id, designer_id=designer_id
            )
        )
    return entry


def entry_revise(
    *,
    actor: Any,
    entry: Entry,
    title: str | None = None,
    description: str | None = None,
    note: str = "",
    uploads: Sequence[Any] | None = None,
) -> EntryRevision:
    """Write the entry's revision for the round open now: the first change in a round starts a new
    revision (the earlier ones stay as history, with their files); later changes in the same round update
    it. Files given replace the revision's files; none given keeps them."""
    _authed(actor)
    if entry.designer_id != actor.pk:
        raise NotAllowed(_("Only the entry's designer can revise it."))
    contest = entry.contest
    rnd = _open_round(contest)
    if not selectors.entry_in_round(entry, rnd):
        raise Conflict(_("Only shortlisted entries go on to “%(r)s”.") % {"r": rnd.name})
    clean_title = (
        entry.title
        if title is None
        else _text(title, field="title", limit=MAX_TITLE, required=True, what=_("a title"))
    )
    text = (
        entry.description if description is None else _text(description, field="description", limit=MAX_TEXT)
    )
    clean_note = _text(note, field="note", limit=500)
    files = _files(uploads) if uploads else []
    with transaction.atomic():
        # The UPDATE takes the entry's row lock first, which orders two revisions sent at once.
        Entry.objects.filter(pk=entry.pk).update(
            title=clean_title, description=text, updated_at=timezone.now()
        )
        revision = EntryRevision.objects.filter(entry=entry, round=rnd).first()
        if revision is None:
            previous = EntryRevision.objects.filter(entry=entry).order_by("-number").first()
            number = (EntryRevision.objects.filter(entry=entry).aggregate(n=Max("number"))["n"] or 0) + 1
            revision = EntryRevision.objects.create(
                entry=entry, round=rnd, number=number, title=clean_title, description=text, note=clean_note
            )
            if not files and previous is not None:
                # The files carry over (the same stored files; earlier revisions keep theirs).
                EntryFile.objects.bulk_create(
                    [
                        EntryFile(
                            revision=revision,
                            file=f.file.name,
                            name=f.name,
                            content_type=f.content_type,
                            size=f.size,
                            is_image=f.is_image,
                            position=f.position,
                        )
                        for f in previous.files.all()
                    ]
                )
        else:
            revision.title, revision.description, revision.note = clean_title, text, clean_note
            revision.save(update_fields=["title", "description", "note", "updated_at"])
        if files:
            revision.files.all().delete()
            _store_files(revision, files)
        EntryRound.objects.get_or_create(entry=entry, round=rnd)
    entry.title, entry.description = clean_title, text
    return revision


# --- Votes ------------------------------------------------------------------------------------------------
def _voting_round(entry: Entry, round_id: Any = None) -> Round:
    contest = entry.contest
    if round_id is not None:
        asked = selectors.round_get(contest=contest, round_id=round_id)
        if asked is None:
            raise NotFound(_("No such round in this contest."), field="round")
        if asked.has_closed():
            raise Conflict(
                _("Voting in “%(r)s” closed on %(d)s; votes there can no longer change.")
                % {"r": asked.name, "d": timezone.localtime(asked.closes_at).strftime("%d %b %Y %H:%M")},
                field="round",
            )
    rnd = selectors.voting_round(contest)
    if rnd is None or (round_id is not None and rnd.pk != int(round_id)):
        raise Conflict(_("Voting is closed: no round is open for votes now."), field="round")
    return rnd


def _lock_ballot(rnd: Round, actor: Any) -> Ballot:
    """Take the member's ballot row for the round: the lock every vote change of theirs queues on. The
    no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite before anything is read."""
    ballot, _created = Ballot.objects.get_or_create(round=rnd, voter=actor)
    Ballot.objects.filter(pk=ballot.pk).update(spent=F("spent"))
    return Ballot.objects.get(pk=ballot.pk)


def _move_counters(rnd: Round, deltas: Mapping[int, int]) -> None:
    """Move the entries' counters by `deltas` ({entry id: points}). The rows are locked in one global
    order (all per-round rows, then all entry rows, each by id), so two members moving their votes
    between the same entries in opposite directions queue instead of deadlocking."""
    moves = sorted((entry_id, delta) for entry_id, delta in deltas.items() if delta)
    for entry_id, _delta in moves:
        EntryRound.objects.get_or_create(entry_id=entry_id, round=rnd)
    for entry_id, delta in moves:
        EntryRound.objects.filter(entry_id=entry_id, round=rnd).update(votes=F("votes") + delta)
    for entry_id, delta in moves:
        Entry.objects.filter(pk=entry_id).update(votes=F("votes") + delta)


def vote_cast(
    *, actor: Any, entry: Entry, points: Any = None, round_id: Any = None, attribution: Any = None
) -> Vote:
    """Vote for an entry in the round open now. One-vote contests: a vote for another entry moves the
    member's vote here. Budget contests: `points` sets this entry's points (the total stays within the
    budget)."""
    _authed(actor)
    contest = entry.contest
    if not can_see_entry(actor, entry):
        # A sealed entry is not there for this member yet: no vote on what one cannot see.
        raise NotFound(_("No such entry."), field="entry")
    rnd = _voting_round(entry, round_id)
    if entry.designer_id == actor.pk:
        raise NotAllowed(_("You cannot vote for your own entry."), field="entry")
    if not selectors.entry_in_round(entry, rnd):
        raise Conflict(_("This entry is not in “%(r)s”.") % {"r": rnd.name}, field="entry")
    single = contest.voting_mode == VotingMode.ONE_VOTE
    if single:
        wanted = 1
    else:
        cap = min(contest.vote_budget, contest.max_points_per_entry or contest.vote_budget)
        wanted = _int(1 if points is None else points, field="points", low=1, high=cap)
    with transaction.atomic():
        ballot = _lock_ballot(rnd, actor)
        mine = {v.entry_id: v for v in Vote.objects.filter(round=rnd, voter=actor)}
        existing = mine.get(entry.pk)
        if single:
            if existing is not None:
                return existing
            deltas = {entry.pk: 1}
            for other in mine.values():
                other.delete()
                deltas[other.entry_id] = -other.points
            delta = 1
        else:
            delta = wanted - (existing.points if existing else 0)
            deltas = {entry.pk: delta}
            if ballot.spent + delta > contest.vote_budget:
                left = contest.vote_budget - ballot.spent + (existing.points if existing else 0)
                raise DomainError(
                    message=_("You have %(n)s points to give in this round.") % {"n": max(left, 0)},
                    field="points",
                    status=409,
                )
        if existing is None:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(
                        round=rnd, entry=entry, voter=actor, points=wanted, single=single
                    )
            except IntegrityError:
                raise Conflict(_("Your vote changed at the same time; try again."), field="entry") from None
            journey_services.contribution_record(
                attribution=_attribution(contest, attribution),
                kind=ContributionKind.VOTE,
                user=actor,
                target=("contests.vote", vote.pk),
                title=f"{contest.title} · {entry.title}",
            )
        else:
            vote = existing
            vote.points = wanted
            vote.save(update_fields=["points", "updated_at"])
        spent = wanted if single else ballot.spent + delta
        Ballot.objects.filter(pk=ballot.pk).update(spent=spent)
        _move_counters(rnd, deltas)
    return vote


def vote_withdraw(*, actor: Any, entry: Entry, round_id: Any = None) -> None:
    _authed(actor)
    rnd = _voting_round(entry, round_id)
    with transaction.atomic():
        _lock_ballot(rnd, actor)
        vote = Vote.objects.filter(round=rnd, voter=actor, entry=entry).first()
        if vote is None:
            raise NotFound(_("You have no vote on this entry in this round."), field="entry")
        vote.delete()
        Ballot.objects.filter(round=rnd, voter=actor).update(spent=F("spent") - vote.points)
        _move_counters(rnd, {entry.pk: -vote.points})


# --- Jury -------------------------------------------------------------------------------------------------
@transaction.atomic
def scores_set(*, actor: Any, entry: Entry, scores: Mapping[Any, Any]) -> list[Score]:
    """A juror's scores for an entry, criterion by criterion (1 to 10); scoring again updates them."""
    contest = entry.contest
    check_can_score(actor, contest)
    if contest.status not in (ContestStatus.OPEN, ContestStatus.JUDGING):
        raise Conflict(_("Judging has closed; scores can no longer change."), field="scores")
    if entry.designer_id == actor.pk:
        raise NotAllowed(_("Jurors do not score their own entries."), field="entry")
    by_id = {c.pk: c for c in selectors.criteria(contest)}
    if not by_id:
        raise DomainError(message=_("This contest has no criteria yet."), field="scores")
    if not scores:
        raise DomainError(message=_("Score at least one criterion."), field="scores")
    cleaned: list[tuple[Criterion, int]] = []
    for key, value in scores.items():
        try:
            criterion = by_id.get(int(key))
        except (TypeError, ValueError):
            criterion = None
        if criterion is None:
            raise NotFound(_("No such criterion in this contest."), field=f"scores.{key}")
        cleaned.append((criterion, _int(value, field=f"scores.{key}", low=1, high=10)))
    result = []
    for criterion, value in cleaned:
        row, _created = Score.objects.update_or_create(
            entry=entry, juror=actor, criterion=criterion, defaults={"score": value}
        )
        result.append(row)
    return result


# --- Shortlist and winners --------------------------------------------------------------------------------
@transaction.atomic
def entry_shortlist(*, actor: Any, entry: Entry, shortlisted: bool) -> Entry:
    check_can_manage_contests(actor)
    if entry.contest.status == ContestStatus.DRAFT:
        raise Conflict(_("The contest has not opened yet."), field="shortlisted")
    Entry.objects.filter(pk=entry.pk).update(shortlisted=bool(shortlisted))
    entry.shortlisted = bool(shortlisted)
    return entry


@transaction.atomic
def winners_set(*, actor: Any, contest: Contest, places: Mapping[int, Entry | None]) -> list[Entry]:
    """Name the winners: place 1 (required), and optionally 2 and 3. Replaces earlier winners."""
    check_can_manage_contests(actor)
    if contest.status not in (ContestStatus.JUDGING, ContestStatus.CLOSED):
        raise Conflict(_("Winners are named once the contest is in judging."), field="winners")
    chosen = {int(p): e for p, e in places.items() if e is not None}
    if set(chosen) - {1, 2, 3}:
        raise DomainError(message=_("Places are 1, 2 and 3."), field="winners")
    if 1 not in chosen:
        raise DomainError(message=_("Choose the winner."), field="place_1")
    seen: set[int] = set()
    for place, entry in chosen.items():
        if entry.contest_id != contest.pk:
            raise NotFound(_("No such entry in this contest."), field=f"place_{place}")
        if entry.pk in seen:
            raise DomainError(message=_("An entry takes one place."), field=f"place_{place}")
        seen.add(entry.pk)
    Entry.objects.filter(contest=contest, place__isnull=False).update(place=None)
    for place, entry in sorted(chosen.items()):
        Entry.objects.filter(pk=entry.pk).update(place=place)
        entry.place = place
    contest_id, named = contest.pk, {p: e.pk for p, e in chosen.items()}
    transaction.on_commit(
        lambda: events.winners_named.send(sender=Contest, contest_id=contest_id, places=named)
    )
    return [chosen[p] for p in sorted(chosen)]
