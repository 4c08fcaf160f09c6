"""Design contests as JSON: contests and rounds, entries as the caller may see them, submitting and
revising (multipart), votes, jury scores, and the staff's shortlist and winners. Unknown or hidden ids
answer 404; voting outside an open round answers 409."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile as NinjaUploadedFile

from cocreate.accounts.api_auth import TokenAuth
from cocreate.brand.models import Product
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotAllowed, NotFound
from cocreate.core.text import render_markdown
from cocreate.journeys.models import ParticipationPoint
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .models import Contest, ContestStatus, Entry, EntryRevision
from .policies import can_manage_contests, check_can_manage_contests, is_juror

router = Router(tags=["contests"])
_token_auth = TokenAuth()


def _viewer(request: HttpRequest) -> Any:
    """The caller of a public read: the token's owner, the logged-in member, or an anonymous visitor. A
    token that is sent but not valid is refused rather than silently read as anonymous."""
    if request.headers.get("Authorization"):
        user = _token_auth(request)
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return AnonymousUser()


def _actor(request: HttpRequest) -> Any:
    """Authenticated calls carry their user in `request.auth`; public reads find it themselves."""
    return api_actor(request) or _viewer(request)


class RoundOut(Schema):
    id: int
    name: str
    description: str
    position: int
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    has_closed: bool


class ContestCriterionOut(Schema):
    id: int
    name: str
    weight: int


class ContestOut(Schema):
    id: int
    slug: str
    title: str
    status: str
    voting_mode: str
    vote_budget: int
    max_points_per_entry: int | None
    visibility: str
    open_submission: bool
    shortlisting: bool
    current_round_id: int | None = Field(description="The round open now, if any.")


class ContestDetailOut(ContestOut):
    brief: str
    brief_html: str
    prizes: str
    product_id: int | None
    rounds: list[RoundOut]
    criteria: list[ContestCriterionOut]
    you: dict[str, Any] = Field(description="Your role: designer status, juror, points spent this round.")


class FileOut(Schema):
    id: int
    name: str
    url: str
    content_type: str
    size: int
    is_image: bool


class RevisionOut(Schema):
    id: int
    number: int
    round_id: int
    title: str
    description: str
    description_html: str
    note: str
    created_at: datetime
    updated_at: datetime
    files: list[FileOut]


class ContestEntryOut(Schema):
    id: int
    title: str
    designer: str
    designer_id: int
    first_round_id: int
    votes: int
    shortlisted: bool
    place: int | None
    image_url: str | None
    my_points: int = Field(description="Your points on this entry in the round open now.")


class ContestEntryDetailOut(ContestEntryOut):
    revisions: list[RevisionOut]
    comment_count: int


class VoteIn(InputSchema):
    points: int | None = Field(None, ge=1, le=1000, description="Budget contests: this entry's points.")
    round_id: int | None = Field(None, description="The round you mean to vote in (refused unless open).")


class VoteOut(Schema):
    entry_id: int
    round_id: int
    points: int
    spent: int
    budget: int
    entry_round_votes: int


class EntryIn(InputSchema):
    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=10000)


class RevisionIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=160)
    description: str | None = Field(None, max_length=10000)
    note: str = Field(default="", max_length=500)


class ScoresIn(InputSchema):
    scores: dict[str, int] = Field(description="Criterion id → score from 1 to 10.", max_length=10)


class ScoreOut(Schema):
    criterion_id: int
    score: int


class ShortlistIn(InputSchema):
    shortlisted: bool


class WinnersIn(InputSchema):
    place_1: int
    place_2: int | None = None
    place_3: int | None = None


class ContestRankOut(Schema):
    entry_id: int
    title: str
    designer: str
    score: float


class ContestResultsOut(Schema):
    jury: list[ContestRankOut]
    fans: list[ContestRankOut]
    winners: list[ContestEntryOut]
    fan_favourite_id: int | None


# --- Helpers ----------------------------------------------------------------------------------------------
def _contest(request: HttpRequest, slug: str) -> Contest:
    contest = selectors.contest_get(actor=_actor(request), slug=slug)
    if contest is None:
        raise NotFound("No such contest.", field="contest")
    return contest


def _entry(request: HttpRequest, contest: Contest, entry_id: int) -> Entry:
    entry = selectors.entry_get(actor=_actor(request), entry_id=entry_id, contest=contest)
    if entry is None:
        raise NotFound("No such entry.", field="entry")
    return entry


def _round(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "description": r.description,
        "position": r.position,
        "opens_at": r.opens_at,
        "closes_at": r.closes_at,
        "is_open": r.is_open(),
        "has_closed": r.has_closed(),
    }


def _contest_out(contest: Contest) -> dict[str, Any]:
    current = selectors.current_round(contest)
    return {
        "id": contest.pk,
        "slug": contest.slug,
        "title": contest.title,
        "status": contest.status,
        "voting_mode": contest.voting_mode,
        "vote_budget": contest.vote_budget,
        "max_points_per_entry": contest.max_points_per_entry,
        "visibility": contest.visibility,
        "open_submission": contest.open_submission,
        "shortlisting": contest.shortlisting,
        "current_round_id": current.pk if current else None,
    }


def _revision(rev: EntryRevision) -> dict[str, Any]:
    return {
        "id": rev.pk,
        "number": rev.number,
        "round_id": rev.round_id,
        "title": rev.title,
        "description": rev.description,
        "description_html": render_markdown(rev.description),
        "note": rev.note,
        "created_at": rev.created_at,
        "updated_at": rev.updated_at,
        "files": [
            {
                "id": f.pk,
                "name": f.name,
                "url": reverse("contests:file", args=[f.pk]),
                "content_type": f.content_type,
                "size": f.size,
                "is_image": f.is_image,
            }
            for f in rev.files.all()
        ],
    }


def _cards(request: HttpRequest, contest: Contest, entries: list[Entry]) -> list[dict[str, Any]]:
    out = []
    for card in selectors.entry_cards(actor=_actor(request), contest=contest, entries=entries):
        e = card.entry
        out.append(
            {
                "id": e.pk,
                "title": card.title,
                "designer": e.designer.public_name,
                "designer_id": e.designer_id,
                "first_round_id": e.first_round_id,
                "votes": e.votes,
                "shortlisted": e.shortlisted,
                "place": e.place,
                "image_url": reverse("contests:file", args=[card.image.pk]) if card.image else None,
                "my_points": card.my_points,
            }
        )
    return out


# --- Contests ---------------------------------------------------------------------------------------------
@router.get(
    "/contests", auth=None, response={200: list[ContestOut], **ERROR_RESPONSES}, summary="Design contests"
)
def contest_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_contest_out(c) for c in selectors.contest_list(actor=_actor(request))[:200]]


@router.get(
    "/contests/{slug}",
    auth=None,
    response={200: ContestDetailOut, **ERROR_RESPONSES},
    summary="A contest: brief, rounds, criteria and your role in it",
)
def contest_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _detail_out(request, _contest(request, slug))


def _detail_out(request: HttpRequest, contest: Contest) -> dict[str, Any]:
    user = _actor(request)
    designer = selectors.designer_of(user=user, contest=contest)
    rnd = selectors.voting_round(contest)
    return {
        **_contest_out(contest),
        "brief": contest.brief,
        "brief_html": render_markdown(contest.brief),
        "prizes": contest.prizes,
        "product_id": contest.product_id,
        "rounds": [_round(r) for r in selectors.rounds(contest)],
        "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight} for c in selectors.criteria(contest)],
        "you": {
            "designer_status": designer.status if designer else None,
            "juror": is_juror(user, contest),
            "staff": can_manage_contests(user),
            "points_spent": selectors.ballot_spent(user=user, rnd=rnd),
        },
    }


@router.get(
    "/contests/{slug}/rounds", auth=None, response={200: list[RoundOut], **ERROR_RESPONSES}, summary="Rounds"
)
def round_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_round(r) for r in selectors.rounds(_contest(request, slug))]


class InvitationAnswerIn(InputSchema):
    accept: bool


class InvitationAnswerOut(Schema):
    status: str


@router.post(
    "/contests/{slug}/invitation",
    response={200: InvitationAnswerOut, **ERROR_RESPONSES},
    summary="Accept or decline your invitation to design for a contest",
)
def invitation_answer(request: HttpRequest, slug: str, payload: InvitationAnswerIn) -> dict[str, Any]:
    row = services.designer_answer(
        actor=_actor(request), contest=_contest(request, slug), accept=payload.accept
    )
    return {"status": row.status}


# --- Entries ----------------------------------------------------------------------------------------------
@router.get(
    "/contests/{slug}/entries",
    auth=None,
    response={200: list[ContestEntryOut], **ERROR_RESPONSES},
    summary="The entries you may see (sealed contests show others' entries once a round closes)",
)
def entry_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    contest = _contest(request, slug)
    entries = list(selectors.entry_list(actor=_actor(request), contest=contest)[:500])
    return _cards(request, contest, entries)


def _detail(request: HttpRequest, contest: Contest, entry: Entry) -> dict[str, Any]:
    card = _cards(request, contest, [entry])[0]
    revisions = selectors.visible_revisions(actor=_actor(request), entry=entry)
    return {
        **card,
        "revisions": [_revision(r) for r in revisions],
        "comment_count": entry.discussion.comment_count if entry.discussion_id else 0,  # type: ignore[union-attr]
    }


@router.get(
    "/contests/{slug}/entries/{entry_id}",
    auth=None,
    response={200: ContestEntryDetailOut, **ERROR_RESPONSES},
    summary="An entry with the revisions you may see",
)
def entry_detail(request: HttpRequest, slug: str, entry_id: int) -> dict[str, Any]:
    contest = _contest(request, slug)
    return _detail(request, contest, _entry(request, contest, entry_id))


@router.post(
    "/contests/{slug}/entries",
    response={201: ContestEntryDetailOut, **ERROR_RESPONSES},
    summary="Submit an entry (multipart form: title, description; files: files)",
)
def entry_submit(
    request: HttpRequest,
    slug: str,
    payload: Form[EntryIn],
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    contest = _contest(request, slug)
    uploads: list[UploadedFile] = list(files or [])
    entry = services.entry_submit(
        actor=_actor(request),
        contest=contest,
        title=payload.title,
        description=payload.description,
        uploads=uploads,
        attribution=attribution_from_session(getattr(request, "session", None)),
    )
    entry = selectors.entry_get(actor=_actor(request), entry_id=entry.pk) or entry
    return Status(201, _detail(request, contest, entry))


@router.post(
    "/contests/{slug}/entries/{entry_id}/revisions",
    response={200: ContestEntryDetailOut, **ERROR_RESPONSES},
    summary="Revise your entry in the round open now (multipart form: title, description, note; files)",
)
def entry_revise(
    request: HttpRequest,
    slug: str,
    entry_id: int,
    payload: Form[RevisionIn],
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    contest = _contest(request, slug)
    entry = _entry(request, contest, entry_id)
    services.entry_revise(
        actor=_actor(request),
        entry=entry,
        title=payload.title,
        description=payload.description,
        note=payload.note,
        uploads=list(files or []),
    )
    entry = selectors.entry_get(actor=_actor(request), entry_id=entry.pk) or entry
    return _detail(request, contest, entry)


# --- Votes ------------------------------------------------------------------------------------------------
def _vote_state(request: HttpRequest, contest: Contest, entry: Entry, points: int) -> dict[str, Any]:
    from .models import EntryRound

    rnd = selectors.voting_round(contest)
    assert rnd is not None
    return {
        "entry_id": entry.pk,
        "round_id": rnd.pk,
        "points": points,
        "spent": selectors.ballot_spent(user=_actor(request), rnd=rnd),
        "budget": contest.vote_budget if contest.voting_mode == "budget" else 1,
        "entry_round_votes": EntryRound.objects.filter(entry=entry, round=rnd)
        .values_list("votes", flat=True)
        .first()
        or 0,
    }


@router.post(
    "/contests/{slug}/entries/{entry_id}/vote",
    response={200: VoteOut, **ERROR_RESPONSES},
    summary="Vote for an entry in the round open now (409 when voting is closed)",
)
def vote(request: HttpRequest, slug: str, entry_id: int, payload: VoteIn) -> dict[str, Any]:
    contest = _contest(request, slug)
    entry = _entry(request, contest, entry_id)
    cast = services.vote_cast(
        actor=_actor(request),
        entry=entry,
        points=payload.points,
        round_id=payload.round_id,
        attribution=attribution_from_session(getattr(request, "session", None)),
    )
    return _vote_state(request, contest, entry, cast.points)


@router.delete(
    "/contests/{slug}/entries/{entry_id}/vote",
    response={200: VoteOut, **ERROR_RESPONSES},
    summary="Withdraw your vote on an entry in the round open now",
)
def unvote(request: HttpRequest, slug: str, entry_id: int, round_id: int | None = None) -> dict[str, Any]:
    contest = _contest(request, slug)
    entry = _entry(request, contest, entry_id)
    services.vote_withdraw(actor=_actor(request), entry=entry, round_id=round_id)
    return _vote_state(request, contest, entry, 0)


# --- Jury, shortlist, winners -----------------------------------------------------------------------------
@router.put(
    "/contests/{slug}/entries/{entry_id}/scores",
    response={200: list[ScoreOut], **ERROR_RESPONSES},
    summary="Your jury scores for an entry (jurors)",
)
def scores(request: HttpRequest, slug: str, entry_id: int, payload: ScoresIn) -> list[dict[str, Any]]:
    contest = _contest(request, slug)
    entry = _entry(request, contest, entry_id)
    rows = services.scores_set(actor=_actor(request), entry=entry, scores=payload.scores)
    return [{"criterion_id": r.criterion_id, "score": r.score} for r in rows]


@router.post(
    "/contests/{slug}/entries/{entry_id}/shortlist",
    response={200: ContestEntryOut, **ERROR_RESPONSES},
    summary="Shortlist an entry or take it off the shortlist (staff)",
)
def shortlist(request: HttpRequest, slug: str, entry_id: int, payload: ShortlistIn) -> dict[str, Any]:
    contest = _contest(request, slug)
    entry = _entry(request, contest, entry_id)
    services.entry_shortlist(actor=_actor(request), entry=entry, shortlisted=payload.shortlisted)
    return _cards(request, contest, [entry])[0]


@router.put(
    "/contests/{slug}/winners",
    response={200: list[ContestEntryOut], **ERROR_RESPONSES},
    summary="Name the winner and, optionally, second and third places (staff)",
)
def winners(request: HttpRequest, slug: str, payload: WinnersIn) -> list[dict[str, Any]]:
    contest = _contest(request, slug)
    actor = _actor(request)
    if not can_manage_contests(actor):
        raise NotAllowed("Only staff can manage contests.")
    places: dict[int, Entry | None] = {}
    for place, entry_id in ((1, payload.place_1), (2, payload.place_2), (3, payload.place_3)):
        if entry_id is None:
            continue
        entry = selectors.entry_get(actor=actor, entry_id=entry_id, contest=contest)
        if entry is None:
            raise NotFound("No such entry in this contest.", field=f"place_{place}")
        places[place] = entry
    chosen = services.winners_set(actor=actor, contest=contest, places=places)
    return _cards(request, contest, chosen)


@router.get(
    "/contests/{slug}/results",
    auth=None,
    response={200: ContestResultsOut, **ERROR_RESPONSES},
    summary="Jury and fan rankings (staff and jurors; everyone once the contest is closed)",
)
def results(request: HttpRequest, slug: str) -> dict[str, Any]:
    contest = _contest(request, slug)
    actor = _actor(request)
    if contest.status != ContestStatus.CLOSED and not (
        can_manage_contests(actor) or is_juror(actor, contest)
    ):
        raise NotAllowed("The results are published when the contest closes.")
    favourite = selectors.fan_favourite(contest)
    return {
        "jury": [
            {
                "entry_id": r.entry.pk,
                "title": r.entry.title,
                "designer": r.entry.designer.public_name,
                "score": r.score,
            }
            for r in selectors.jury_ranking(contest)
        ],
        "fans": [
            {"entry_id": e.pk, "title": e.title, "designer": e.designer.public_name, "score": float(e.votes)}
            for e in selectors.fan_ranking(contest)
        ],
        "winners": _cards(request, contest, selectors.winners(contest)),
        "fan_favourite_id": favourite.pk if favourite else None,
    }


# --- Staff: contests, rounds, designers, jurors and criteria ---------------------------------------------
# Each call checks the staff rule before looking anything up, so a member learns nothing about drafts or
# ids (403 whatever the slug); the services check it again and write nothing when they refuse.


class ContestCreateIn(InputSchema):
    title: str = Field(max_length=160)
    brief: str = Field("", max_length=20000, description="Markdown.")
    prizes: str = Field("", max_length=5000)
    product_id: int | None = None
    point_id: int | None = Field(None, description="The participation point entries and votes count for.")
    voting_mode: str | None = Field(None, description="one_vote or budget.")
    vote_budget: int | None = None
    max_points_per_entry: int | None = None
    visibility: str | None = Field(None, description="sealed or open.")
    open_submission: bool | None = None
    shortlisting: bool | None = None
    max_entries_per_designer: int | None = None


class ContestPatchIn(InputSchema):
    title: str | None = Field(None, max_length=160)
    brief: str | None = Field(None, max_length=20000)
    prizes: str | None = Field(None, max_length=5000)
    product_id: int | None = None
    point_id: int | None = None
    voting_mode: str | None = None
    vote_budget: int | None = None
    max_points_per_entry: int | None = None
    visibility: str | None = None
    open_submission: bool | None = None
    shortlisting: bool | None = None
    max_entries_per_designer: int | None = None


class ContestStatusIn(InputSchema):
    status: str = Field(description="draft, open, judging or closed.")


class ContestRoundIn(InputSchema):
    name: str = Field(max_length=80)
    opens_at: datetime
    closes_at: datetime
    description: str = Field("", max_length=2000)


class ContestRoundPatchIn(InputSchema):
    name: str | None = Field(None, max_length=80)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    description: str | None = Field(None, max_length=2000)


class ContestEmailsIn(InputSchema):
    emails: list[str] = Field(max_length=200, description="Members' email addresses.")


class ContestPersonOut(Schema):
    user_id: int
    name: str
    status: str


class ContestPeopleOut(Schema):
    added: int = Field(description="How many were newly added; those added before are left as they were.")
    people: list[ContestPersonOut]


class ContestCriterionIn(InputSchema):
    name: str = Field(max_length=80)
    weight: int = Field(1, ge=1, le=100)


class ContestCriteriaIn(InputSchema):
    criteria: list[ContestCriterionIn] = Field(max_length=10)


# Fields that may be set back to empty; for the others a null means "leave as it is".
_NULLABLE = {"product_id", "point_id", "max_points_per_entry"}


def _staff(request: HttpRequest) -> Any:
    actor = _actor(request)
    check_can_manage_contests(actor)
    return actor


def _contest_fields(payload: ContestCreateIn | ContestPatchIn) -> dict[str, Any]:
    given = payload.model_dump(exclude_unset=True)
    fields = {k: v for k, v in given.items() if v is not None or k in _NULLABLE}
    for key, model, name in (("product_id", Product, "product"), ("point_id", ParticipationPoint, "point")):
        if key not in fields:
            continue
        pk = fields.pop(key)
        if pk is None:
            fields[name] = None
            continue
        found = model.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None  # type: ignore[attr-defined]
        if found is None:
            raise NotFound(f"No such {name.replace('point', 'participation point')}.", field=key)
        fields[name] = found
    return fields


def _staff_round(contest: Contest, round_id: int) -> Any:
    rnd = selectors.round_get(contest=contest, round_id=round_id) if 0 < round_id <= MAX_ID else None
    if rnd is None:
        raise NotFound("No such round in this contest.", field="round_id")
    return rnd


def _fresh(request: HttpRequest, contest: Contest) -> dict[str, Any]:
    return _detail_out(request, Contest.objects.select_related("product", "point").get(pk=contest.pk))


@router.post(
    "/contests",
    response={201: ContestDetailOut, **ERROR_RESPONSES},
    summary="Create a contest as a draft (staff); add its rounds, then open it",
)
def contest_create(request: HttpRequest, payload: ContestCreateIn) -> Status[dict[str, Any]]:
    actor = _staff(request)
    contest = services.contest_create(actor=actor, **_contest_fields(payload))
    return Status(201, _fresh(request, contest))


@router.patch(
    "/contests/{slug}",
    response={200: ContestDetailOut, **ERROR_RESPONSES},
    summary="Change a contest (staff); fields left out keep their value",
)
def contest_patch(request: HttpRequest, slug: str, payload: ContestPatchIn) -> dict[str, Any]:
    actor = _staff(request)
    contest = _contest(request, slug)
    services.contest_update(actor=actor, contest=contest, **_contest_fields(payload))
    return _fresh(request, contest)


@router.post(
    "/contests/{slug}/status",
    response={200: ContestDetailOut, **ERROR_RESPONSES},
    summary="Open, judge, close or return a contest to draft (staff; opening needs a round)",
)
def contest_status(request: HttpRequest, slug: str, payload: ContestStatusIn) -> dict[str, Any]:
    actor = _staff(request)
    contest = _contest(request, slug)
    services.contest_set_status(actor=actor, contest=contest, status=payload.status)
    return _fresh(request, contest)


@router.post(
    "/contests/{slug}/rounds",
    response={201: RoundOut, **ERROR_RESPONSES},
    summary="Add a round (staff); rounds follow each other without overlapping",
)
def round_create(request: HttpRequest, slug: str, payload: ContestRoundIn) -> Status[dict[str, Any]]:
    actor = _staff(request)
    contest = _contest(request, slug)
    rnd = services.round_add(actor=actor, contest=contest, **payload.model_dump())
    return Status(201, _round(rnd))


@router.patch(
    "/contests/{slug}/rounds/{round_id}",
    response={200: RoundOut, **ERROR_RESPONSES},
    summary="Rename a round or move its dates within the order (staff); fields left out keep their value",
)
def round_patch(
    request: HttpRequest, slug: str, round_id: int, payload: ContestRoundPatchIn
) -> dict[str, Any]:
    actor = _staff(request)
    rnd = _staff_round(_contest(request, slug), round_id)
    given = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    current = {"name": rnd.name, "opens_at": rnd.opens_at, "closes_at": rnd.closes_at}
    current["description"] = rnd.description
    services.round_update(actor=actor, rnd=rnd, **{**current, **given})
    return _round(rnd)


def _people(rows: list[Any], added: int) -> dict[str, Any]:
    return {
        "added": added,
        "people": [
            {"user_id": r.user_id, "name": r.user.public_name, "status": getattr(r, "status", "juror")}
            for r in rows
        ],
    }


@router.post(
    "/contests/{slug}/designers",
    response={200: ContestPeopleOut, **ERROR_RESPONSES},
    summary="Invite members to design for the contest, by email address (staff)",
)
def designers_invite(request: HttpRequest, slug: str, payload: ContestEmailsIn) -> dict[str, Any]:
    actor = _staff(request)
    contest = _contest(request, slug)
    added = services.designers_invite(actor=actor, contest=contest, emails=payload.emails)
    return _people(selectors.designers(contest), added)


@router.post(
    "/contests/{slug}/jurors",
    response={200: ContestPeopleOut, **ERROR_RESPONSES},
    summary="Appoint members to the jury, by email address (staff)",
)
def jurors_appoint(request: HttpRequest, slug: str, payload: ContestEmailsIn) -> dict[str, Any]:
    actor = _staff(request)
    contest = _contest(request, slug)
    added = services.jurors_appoint(actor=actor, contest=contest, emails=payload.emails)
    return _people(selectors.jurors(contest), added)


@router.delete(
    "/contests/{slug}/jurors/{user_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Take a member off the jury (staff); their scores go with them",
)
def juror_remove(request: HttpRequest, slug: str, user_id: int) -> Status[None]:
    actor = _staff(request)
    contest = _contest(request, slug)
    if not 0 < user_id <= MAX_ID:
        raise NotFound("No such juror.", field="user_id")
    services.juror_remove(actor=actor, contest=contest, user_id=user_id)
    return Status(204, None)


@router.put(
    "/contests/{slug}/criteria",
    response={200: list[ContestCriterionOut], **ERROR_RESPONSES},
    summary="Replace the jury's criteria (staff); a criterion kept by name keeps its scores",
)
def criteria_put(request: HttpRequest, slug: str, payload: ContestCriteriaIn) -> list[dict[str, Any]]:
    actor = _staff(request)
    contest = _contest(request, slug)
    rows = services.criteria_set(
        actor=actor, contest=contest, criteria=[c.model_dump() for c in payload.criteria]
    )
    return [{"id": c.pk, "name": c.name, "weight": c.weight} for c in rows]
