"""Reads for contests: lists, the current round, entries as a given person may see them, rankings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cocreate.core.addresses import MAX_ID

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
    Round,
    Score,
    Vote,
)
from .policies import can_manage_contests, can_see_entry, can_view_contest, entries_public, sees_everything


def _valid_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


# --- Contests and rounds --------------------------------------------------------------------------------
def contest_list(*, actor: Any) -> QuerySet[Contest]:
    qs = Contest.objects.select_related("product").prefetch_related("rounds")
    if not can_manage_contests(actor):
        qs = qs.exclude(status=ContestStatus.DRAFT)
    return qs.order_by("-created_at", "-id")


def contest_get(*, actor: Any, slug: str | None = None, contest_id: Any = None) -> Contest | None:
    qs = Contest.objects.select_related("product", "point")
    if slug is not None:
        contest = qs.filter(slug=slug).first()
    else:
        pk = _valid_id(contest_id)
        contest = qs.filter(pk=pk).first() if pk else None
    if contest is None or not can_view_contest(actor, contest):
        return None
    return contest


def rounds(contest: Contest) -> list[Round]:
    cached = getattr(contest, "_rounds", None)
    if cached is None:
        # A list of contests prefetches their rounds; a single contest reads them once per request.
        prefetched = getattr(contest, "_prefetched_objects_cache", {}).get("rounds")
        source = list(prefetched) if prefetched is not None else Round.objects.filter(contest=contest)
        cached = sorted(source, key=lambda r: r.position)
        contest._rounds = cached  # type: ignore[attr-defined]
    return cached


def current_round(contest: Contest, *, now: Any = None) -> Round | None:
    """The round open now (rounds never overlap), or None between and outside rounds."""
    moment = now or timezone.now()
    for rnd in rounds(contest):
        if rnd.opens_at <= moment < rnd.closes_at:
            return rnd
    return None


def voting_round(contest: Contest, *, now: Any = None) -> Round | None:
    """Fans vote in the round open now, while the contest itself is open."""
    if contest.status != ContestStatus.OPEN:
        return None
    return current_round(contest, now=now)


def round_get(*, contest: Contest, round_id: Any) -> Round | None:
    pk = _valid_id(round_id)
    return next((r for r in rounds(contest) if r.pk == pk), None)


def entry_in_round(entry: Entry, rnd: Round) -> bool:
    """An entry takes part in the round it was submitted in and later rounds; with shortlisting, only a
    shortlisted entry carries on."""
    first = entry.first_round
    if rnd.contest_id != entry.contest_id or rnd.position < first.position:
        return False
    if rnd.pk == first.pk or not entry.contest.shortlisting:
        return True
    return entry.shortlisted


def designer_of(*, user: Any, contest: Contest) -> ContestDesigner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ContestDesigner.objects.filter(contest=contest, user=user).first()


def designers(contest: Contest) -> list[ContestDesigner]:
    return list(ContestDesigner.objects.filter(contest=contest).select_related("user").order_by("id"))


def jurors(contest: Contest) -> list[ContestJuror]:
    return list(ContestJuror.objects.filter(contest=contest).select_related("user").order_by("id"))


def criteria(contest: Contest) -> list[Criterion]:
    return list(Criterion.objects.filter(contest=contest).order_by("position", "id"))


def contests_judged_by(*, user: Any) -> QuerySet[Contest]:
    if not getattr(user, "is_authenticated", False):
        return Contest.objects.none()
    return Contest.objects.filter(jurors__user=user).exclude(status=ContestStatus.DRAFT)


def invitations_of(*, user: Any) -> QuerySet[ContestDesigner]:
    if not getattr(user, "is_authenticated", False):
        return ContestDesigner.objects.none()
    return (
        ContestDesigner.objects.filter(user=user, status=DesignerStatus.INVITED)
        .exclude(contest__status=ContestStatus.DRAFT)
        .select_related("contest")
    )


# --- Entries ----------------------------------------------------------------------------------------------
def _closed_revision(now: Any) -> Exists:
    return Exists(EntryRevision.objects.filter(entry=OuterRef("pk"), round__closes_at__lte=now))


def entry_list(*, actor: Any, contest: Contest, now: Any = None) -> QuerySet[Entry]:
    """The entries this person may see, with their designer and first round."""
    moment = now or timezone.now()
    qs = Entry.objects.filter(contest=contest).select_related("designer", "first_round", "contest")
    if not can_view_contest(actor, contest):
        return qs.none()
    if sees_everything(actor, contest) or entries_public(contest):
        return qs.order_by("id")
    visible = Q(_closed_revision(moment))
    if getattr(actor, "is_authenticated", False):
        visible |= Q(designer=actor)
    return qs.filter(visible).order_by("id")


def entry_get(*, actor: Any, entry_id: Any, contest: Contest | None = None) -> Entry | None:
    pk = _valid_id(entry_id)
    if pk is None:
        return None
    qs = Entry.objects.select_related("designer", "first_round", "contest", "contest__product")
    entry = qs.filter(pk=pk).first()
    if entry is None or (contest is not None and entry.contest_id != contest.pk):
        return None
    return entry if can_see_entry(actor, entry) else None


def entry_for_designer(*, actor: Any, entry_id: Any) -> Entry | None:
    """The actor's own entry (the revise page); anyone else's is not found."""
    pk = _valid_id(entry_id)
    if pk is None or not getattr(actor, "is_authenticated", False):
        return None
    return (
        Entry.objects.select_related("designer", "first_round", "contest")
        .filter(pk=pk, designer=actor)
        .first()
    )


def visible_revisions(*, actor: Any, entry: Entry, now: Any = None) -> list[EntryRevision]:
    """The revisions this person may see, oldest first, with their files. In a sealed contest others see
    an entry only as it stood when a round closed."""
    moment = now or timezone.now()
    qs = (
        EntryRevision.objects.filter(entry=entry)
        .select_related("round")
        .prefetch_related(Prefetch("files", queryset=EntryFile.objects.order_by("position", "id")))
        .order_by("number")
    )
    contest = entry.contest
    own = getattr(actor, "is_authenticated", False) and entry.designer_id == actor.pk
    if not (own or sees_everything(actor, contest) or entries_public(contest)):
        qs = qs.filter(round__closes_at__lte=moment)
    return list(qs)


@dataclass
class EntryCard:
    entry: Entry
    revision: EntryRevision | None
    image: EntryFile | None
    # What the viewer may read of the entry: the visible revision's title, not a newer sealed one.
    title: str = ""
    my_points: int = 0
    round_votes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def entry_cards(*, actor: Any, contest: Contest, entries: list[Entry], now: Any = None) -> list[EntryCard]:
    """For each entry the latest revision the viewer may see, its first image, and the viewer's points."""
    moment = now or timezone.now()
    ids = [e.pk for e in entries]
    revs = (
        EntryRevision.objects.filter(entry_id__in=ids).select_related("round").order_by("entry_id", "number")
    )
    public = sees_everything(actor, contest) or entries_public(contest)
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    latest: dict[int, EntryRevision] = {}
    owner = {e.pk: e.designer_id for e in entries}
    for rev in revs:
        if public or owner[rev.entry_id] == user_id or rev.round.closes_at <= moment:
            latest[rev.entry_id] = rev
    images: dict[int, EntryFile] = {}
    for f in EntryFile.objects.filter(
        revision_id__in=[r.pk for r in latest.values()], is_image=True
    ).order_by("position", "id"):
        images.setdefault(f.revision_id, f)
    mine: dict[int, int] = {}
    standing: dict[int, int] = {}
    rnd = voting_round(contest, now=moment)
    if rnd is not None:
        if user_id is not None:
            mine = dict(
                Vote.objects.filter(round=rnd, voter_id=user_id, entry_id__in=ids).values_list(
                    "entry_id", "points"
                )
            )
        from .models import EntryRound

        standing = dict(
            EntryRound.objects.filter(round=rnd, entry_id__in=ids).values_list("entry_id", "votes")
        )
    cards = []
    for e in entries:
        shown = latest.get(e.pk)
        cards.append(
            EntryCard(
                entry=e,
                revision=shown,
                image=images.get(shown.pk) if shown else None,
                title=shown.title if shown else e.title,
                my_points=mine.get(e.pk, 0),
                round_votes=standing.get(e.pk, 0),
            )
        )
    return cards


# --- Votes ------------------------------------------------------------------------------------------------
def ballot_spent(*, user: Any, rnd: Round | None) -> int:
    if rnd is None or not getattr(user, "is_authenticated", False):
        return 0
    return Ballot.objects.filter(round=rnd, voter=user).values_list("spent", flat=True).first() or 0


def my_vote(*, user: Any, entry: Entry, rnd: Round | None) -> Vote | None:
    if rnd is None or not getattr(user, "is_authenticated", False):
        return None
    return Vote.objects.filter(round=rnd, entry=entry, voter=user).first()


# --- Jury and results -------------------------------------------------------------------------------------
@dataclass
class JuryRow:
    entry: Entry
    score: float
    jurors: int
    by_criterion: dict[int, float]


def jury_ranking(contest: Contest) -> list[JuryRow]:
    """Each entry's weighted mean: the mean score of each criterion across jurors, weighted by the
    criterion's weight, over the criteria that were scored. Best first; unscored entries are left out."""
    weights = {c.pk: c.weight for c in criteria(contest)}
    means: dict[int, dict[int, float]] = defaultdict(dict)
    juror_sets: dict[int, set[int]] = defaultdict(set)
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for entry_id, criterion_id, juror_id, value in Score.objects.filter(entry__contest=contest).values_list(
        "entry_id", "criterion_id", "juror_id", "score"
    ):
        sums[(entry_id, criterion_id)].append(value)
        juror_sets[entry_id].add(juror_id)
    for (entry_id, criterion_id), values in sums.items():
        means[entry_id][criterion_id] = sum(values) / len(values)
    entries = {e.pk: e for e in Entry.objects.filter(pk__in=list(means)).select_related("designer")}
    rows = []
    for entry_id, per in means.items():
        total_weight = sum(weights.get(c, 0) for c in per)
        if not total_weight:
            continue
        score = sum(per[c] * weights.get(c, 0) for c in per) / total_weight
        rows.append(
            JuryRow(
                entry=entries[entry_id],
                score=round(score, 2),
                jurors=len(juror_sets[entry_id]),
                by_criterion=per,
            )
        )
    rows.sort(key=lambda r: (-r.score, r.entry.pk))
    return rows


def fan_ranking(contest: Contest) -> list[Entry]:
    return list(Entry.objects.filter(contest=contest).select_related("designer").order_by("-votes", "id"))


def fan_favourite(contest: Contest) -> Entry | None:
    return (
        Entry.objects.filter(contest=contest, votes__gt=0)
        .select_related("designer")
        .order_by("-votes", "id")
        .first()
    )


def winners(contest: Contest) -> list[Entry]:
    return list(
        Entry.objects.filter(contest=contest, place__isnull=False)
        .select_related("designer")
        .order_by("place")
    )


def shortlist(contest: Contest) -> list[Entry]:
    return list(
        Entry.objects.filter(contest=contest, shortlisted=True).select_related("designer").order_by("id")
    )


def juror_scores(*, juror: Any, contest: Contest) -> dict[tuple[int, int], int]:
    return {
        (e, c): s
        for e, c, s in Score.objects.filter(entry__contest=contest, juror=juror).values_list(
            "entry_id", "criterion_id", "score"
        )
    }
