"""Reads for talent: the taxonomy (with synonym resolution), members' skills, opportunities, applications,
and the ranked matches with their reasons."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.addresses import MAX_ID
from cocreate.core.errors import DomainError
from cocreate.intelligence import skills as engine
from cocreate.intelligence.similarity import normalise

from . import matching
from .models import (
    Application,
    ApplicationStatus,
    MemberSkill,
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    Skill,
    SkillSynonym,
    TalentProfile,
)

SUGGESTIONS = 5


# --- Taxonomy -----------------------------------------------------------------------------------------
def skill_list(*, query: str = "", limit: int = 200) -> list[Skill]:
    """Skills whose name or a synonym contains the query (folded), exact resolutions first."""
    skills = Skill.objects.prefetch_related("synonyms").order_by("name")
    wanted = normalise(query)
    if not wanted:
        return list(skills[:limit])
    exact = skill_find(text=query)
    found = list(
        skills.filter(Q(normalised__contains=wanted) | Q(synonyms__normalised__contains=wanted)).distinct()[
            :limit
        ]
    )
    if exact is not None:
        found = [exact, *[s for s in found if s.pk != exact.pk]][:limit]
    return found


def skill_get(*, skill_id: int) -> Skill | None:
    if not 0 < skill_id <= MAX_ID:
        return None
    return Skill.objects.filter(pk=skill_id).first()


def skill_find(*, text: str) -> Skill | None:
    """The skill `text` names, by its name or a synonym, case, accents and punctuation ignored."""
    key = normalise(text)
    if not key:
        return None
    skill = Skill.objects.filter(normalised=key).first()
    if skill is None:
        synonym = SkillSynonym.objects.select_related("skill").filter(normalised=key).first()
        skill = synonym.skill if synonym else None
    return skill


def skill_suggestions(*, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Skill names close to an unknown text: spelling neighbours of names and synonyms, then names that
    contain one of its words."""
    key = normalise(text)
    names = dict(Skill.objects.values_list("normalised", "name"))
    for alias, name in SkillSynonym.objects.values_list("normalised", "skill__name"):
        names.setdefault(alias, name)
    out: list[str] = []
    for close in difflib.get_close_matches(key, list(names), n=limit * 2, cutoff=0.6):
        if names[close] not in out:
            out.append(names[close])
    words = [w for w in key.split() if len(w) > 2]
    for normalised_name, name in sorted(names.items()):
        if len(out) >= limit:
            break
        if name not in out and any(w in normalised_name for w in words):
            out.append(name)
    return out[:limit]


def skill_resolve(*, text: str, field: str = "skill") -> Skill:
    """The skill free text names, or a clear error with suggestions."""
    skill = skill_find(text=text)
    if skill is not None:
        return skill
    if not normalise(text):
        raise DomainError(_("Name a skill."), field=field)
    suggestions = skill_suggestions(text=text)
    if suggestions:
        message = _("“%(text)s” is not a skill we know. Did you mean: %(names)s?") % {
            "text": text.strip()[:80],
            "names": ", ".join(suggestions),
        }
    else:
        message = _("“%(text)s” is not a skill we know. Pick one from the skills list.") % {
            "text": text.strip()[:80]
        }
    raise DomainError(message, field=field)


def taxonomy_for_staff() -> list[Skill]:
    return list(Skill.objects.prefetch_related("synonyms", "related").order_by("category", "name"))


# --- Members ------------------------------------------------------------------------------------------
def member_skills(*, user: Any) -> list[MemberSkill]:
    if not getattr(user, "pk", None):
        return []
    return list(MemberSkill.objects.filter(user=user).select_related("skill"))


def profile_of(*, user: Any) -> TalentProfile | None:
    if not getattr(user, "pk", None):
        return None
    return TalentProfile.objects.filter(user=user).first()


@dataclass
class Participation:
    ideas: int = 0
    contributions: int = 0
    workshops: int = 0
    accepted: int = 0

    @property
    def total(self) -> int:
        return self.ideas + self.contributions + self.workshops + self.accepted


def participation_counts(*, user_ids: list[int]) -> dict[int, Participation]:
    """How much each member has taken part: published ideas, counted contributions, workshops attended,
    accepted applications. Read-only on the other apps' tables, a few grouped queries per 1,000 members."""
    from cocreate.challenges.models import Idea
    from cocreate.challenges.models.ideas import PUBLIC_STATUSES
    from cocreate.journeys.models import Contribution, ContributionStatus

    out = {u: Participation() for u in user_ids}
    for start in range(0, len(user_ids), 1000):
        chunk = user_ids[start : start + 1000]
        for uid, n in (
            Idea.objects.filter(author_id__in=chunk, status__in=PUBLIC_STATUSES)
            .values_list("author_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            out[uid].ideas = n
        for uid, n in (
            Contribution.objects.filter(user_id__in=chunk, status=ContributionStatus.CONFIRMED)
            .values_list("user_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            out[uid].contributions = n
        for uid, n in _workshops_attended(chunk):
            out[uid].workshops = n
        for uid, n in (
            Application.objects.filter(user_id__in=chunk, status=ApplicationStatus.ACCEPTED)
            .values_list("user_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            out[uid].accepted = n
    return out


def _workshops_attended(user_ids: list[int]) -> list[tuple[int, int]]:
    from cocreate.workshops.models import Attendance, Registration

    return list(
        Registration.objects.filter(user_id__in=user_ids, attendance=Attendance.PRESENT)
        .values_list("user_id")
        .annotate(n=Count("id"))
        .order_by()
    )


# --- Opportunities ------------------------------------------------------------------------------------
def _opportunities() -> QuerySet[Opportunity]:
    return Opportunity.objects.select_related("owner", "idea", "workshop").prefetch_related(
        Prefetch("requirements", queryset=RequiredSkill.objects.select_related("skill"))
    )


def opportunity_get(*, opportunity_id: int) -> Opportunity | None:
    if not 0 < opportunity_id <= MAX_ID:
        return None
    return _opportunities().filter(pk=opportunity_id).first()


def opportunity_list(
    *, status: str | None = OpportunityStatus.OPEN, kind: str | None = None
) -> list[Opportunity]:
    found = _opportunities()
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    return list(found)


def applications_for(*, opportunity: Opportunity) -> list[Application]:
    return list(opportunity.applications.select_related("user").order_by("created_at", "id"))


def application_of(*, user: Any, opportunity: Opportunity) -> Application | None:
    if not getattr(user, "pk", None):
        return None
    return Application.objects.filter(user=user, opportunity=opportunity).first()


def application_get(*, application_id: int) -> Application | None:
    if not 0 < application_id <= MAX_ID:
        return None
    return Application.objects.select_related("opportunity", "user").filter(pk=application_id).first()


def my_applications(*, user: Any) -> list[Application]:
    if not getattr(user, "pk", None):
        return []
    return list(Application.objects.filter(user=user).select_related("opportunity").order_by("-created_at"))


# --- Matches ------------------------------------------------------------------------------------------
@dataclass
class SkillMatch:
    required: str
    matched: str | None
    percent: int
    level: int
    min_level: int
    exact: bool


@dataclass
class Match:
    """One member for one opportunity, with the reasons."""

    user_id: int
    display_name: str
    percent: int
    score: float
    skills_percent: int
    availability_percent: int
    participation: Participation
    reasons: list[SkillMatch] = field(default_factory=list)
    application_status: str = ""


@dataclass
class OpportunityMatch:
    opportunity: Opportunity
    percent: int
    score: float
    skills_percent: int
    availability_percent: int
    reasons: list[SkillMatch] = field(default_factory=list)


def _requirements(
    opportunity: Opportunity, tax: matching.Taxonomy
) -> tuple[list[engine.Requirement], list[Any]]:
    reqs, kept = [], []
    for r in opportunity.requirements.all():
        column = tax.column_of.get(r.skill_id)
        if column is not None:
            reqs.append(engine.Requirement(column=column, weight=float(r.weight), min_level=r.min_level))
            kept.append(r)
    return reqs, kept


def _reasons(
    levels_row: Any, tax: matching.Taxonomy, reqs: list[engine.Requirement], kept: list[Any]
) -> list[SkillMatch]:
    out = []
    for reason, req, r in zip(engine.explain(levels_row, tax.sim, reqs), reqs, kept, strict=True):
        out.append(
            SkillMatch(
                required=r.skill.name,
                matched=tax.names[reason.matched] if reason.matched is not None else None,
                percent=reason.percent,
                level=reason.level,
                min_level=req.min_level,
                exact=reason.matched == req.column,
            )
        )
    return out


def _dates(opportunity: Opportunity) -> tuple[int | None, int | None]:
    starts = opportunity.starts_on
    if starts is None and opportunity.ends_on is not None:
        starts = timezone.localdate()
    return (
        matching.day_number(starts, 0) if starts else None,
        matching.day_number(opportunity.ends_on, 0) if opportunity.ends_on else None,
    )


def match_for_opportunity(
    *, opportunity: Opportunity, limit: int = 20, exclude_applied: bool = False
) -> list[Match]:
    """The members who fit `opportunity` best, best first, with reasons. The owner is never listed; with
    `exclude_applied`, neither is anyone who already applied (the people to invite)."""
    tax = matching.taxonomy()
    reqs, kept = _requirements(opportunity, tax)
    if not reqs or limit <= 0:
        return []
    starts, ends = _dates(opportunity)
    shares = engine.SHARES
    applied = dict(opportunity.applications.values_list("user_id", "status"))
    hidden = {opportunity.owner_id}
    if exclude_applied:
        hidden |= set(applied)
    wanted = limit + len(hidden)
    with matching.locked(tax) as members:
        n = members.size
        if not n:
            return []
        levels = members.levels[:n]
        fits = engine.skill_fits(levels, tax.sim, reqs, held_by=members.held_by)
        skill = engine.skill_score(fits, reqs)
        availability = engine.availability_fit(
            members.hours[:n],
            members.available_from[:n],
            members.available_until[:n],
            need_hours=float(opportunity.hours_per_week),
            starts=starts,
            ends=ends,
        )
        base = shares[0] * skill + shares[1] * availability
        base[skill <= 0] = 0.0
        for user_id in hidden:
            row = members.row_of.get(user_id)
            if row is not None and row < n:
                base[row] = 0.0
        # Participation can add at most its share: only members within that of the k-th best can still
        # make it. Their participation is counted in the other apps' tables, so the shortlist is also
        # capped (best base scores first): ten times the page is far more than participation ever lifts
        # into it in practice.
        rows = engine.shortlist(base, wanted, slack=shares[2], cap=max(100, 10 * wanted))
        # Copies: the arrays belong to the shared matrix, which the next refresh may change.
        ids = members.user_ids[rows].copy()
        held = levels[rows].copy()
    if not len(rows):
        return []
    user_ids = ids.tolist()
    counts = participation_counts(user_ids=user_ids)
    totals = base[rows] + shares[2] * engine.participation_fit([counts[u].total for u in user_ids])
    order = np.lexsort((rows, -totals))
    User = get_user_model()
    picked = [(int(i), int(rows[i]), float(totals[i])) for i in order[: wanted + 10]]
    people = {
        u.pk: u for u in User.objects.filter(pk__in=[user_ids[i] for i, _r, _t in picked], is_active=True)
    }
    out: list[Match] = []
    for i, row, total in picked:
        user_id = user_ids[i]
        person = people.get(user_id)
        if person is None or user_id in hidden:
            continue
        out.append(
            Match(
                user_id=user_id,
                display_name=str(person),
                percent=round(total * 100),
                score=round(total, 4),
                skills_percent=round(float(skill[row]) * 100),
                availability_percent=round(float(availability[row]) * 100),
                participation=counts[user_id],
                reasons=_reasons(held[i], tax, reqs, kept),
                application_status=applied.get(user_id, ""),
            )
        )
        if len(out) >= limit:
            break
    return out


def match_for_member(
    *, user: Any, limit: int = 10, opportunities: list[Opportunity] | None = None
) -> list[OpportunityMatch]:
    """Open opportunities with seats left that fit `user`, best first, with reasons (the member's own and
    those they already applied to are left out)."""
    if not getattr(user, "pk", None):
        return []
    tax = matching.taxonomy()
    row = np.zeros((1, len(tax.skill_ids)), dtype=np.uint8, order="F")
    for skill_id, level in MemberSkill.objects.filter(user=user).values_list("skill_id", "level"):
        column = tax.column_of.get(skill_id)
        if column is not None:
            row[0, column] = level
    if not row.any():
        return []
    profile = profile_of(user=user)
    hours = np.asarray([profile.hours_per_week if profile else 0], dtype=np.float32)
    since = np.asarray(
        [matching.day_number(profile.available_from if profile else None, engine.OPEN_START)], dtype=np.int32
    )
    until = np.asarray(
        [matching.day_number(profile.available_until if profile else None, engine.OPEN_END)], dtype=np.int32
    )
    applied = set(Application.objects.filter(user=user).values_list("opportunity_id", flat=True))
    pool = opportunities if opportunities is not None else opportunity_list(status=OpportunityStatus.OPEN)
    participation = participation_counts(user_ids=[user.pk])[user.pk]
    part = float(engine.participation_fit([participation.total])[0])
    out = []
    for opportunity in pool:
        if opportunity.owner_id == user.pk or opportunity.pk in applied or opportunity.seats_left <= 0:
            continue
        reqs, kept = _requirements(opportunity, tax)
        if not reqs:
            continue
        skill = float(engine.skill_score(engine.skill_fits(row, tax.sim, reqs), reqs)[0])
        if skill <= 0:
            continue
        starts, ends = _dates(opportunity)
        availability = float(
            engine.availability_fit(
                hours, since, until, need_hours=float(opportunity.hours_per_week), starts=starts, ends=ends
            )[0]
        )
        shares = engine.SHARES
        total = shares[0] * skill + shares[1] * availability + shares[2] * part
        out.append(
            OpportunityMatch(
                opportunity=opportunity,
                percent=round(total * 100),
                score=round(total, 4),
                skills_percent=round(skill * 100),
                availability_percent=round(availability * 100),
                reasons=_reasons(row[0], tax, reqs, kept),
            )
        )
    out.sort(key=lambda m: (-m.score, m.opportunity.pk))
    return out[:limit]


# --- Staffing -----------------------------------------------------------------------------------------
@dataclass
class StaffingRow:
    opportunity: Opportunity
    accepted: list[Application]
    pending: int
    invite: list[Match]


def staffing(*, invite: int = 3) -> list[StaffingRow]:
    """Open opportunities, emptiest first, with who is in, how many wait, and the best people to invite."""
    rows = []
    opportunities = sorted(
        opportunity_list(status=OpportunityStatus.OPEN), key=lambda o: (-o.seats_left, o.pk)
    )
    for opportunity in opportunities:
        applications = applications_for(opportunity=opportunity)
        rows.append(
            StaffingRow(
                opportunity=opportunity,
                accepted=[a for a in applications if a.status == ApplicationStatus.ACCEPTED],
                pending=sum(1 for a in applications if a.status == ApplicationStatus.PENDING),
                invite=(
                    match_for_opportunity(opportunity=opportunity, limit=invite, exclude_applied=True)
                    if opportunity.seats_left
                    else []
                ),
            )
        )
    return rows
