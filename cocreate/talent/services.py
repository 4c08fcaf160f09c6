"""Writes for talent: the taxonomy, members' skills and availability, opportunities and applications.

Invariants guarded here:
- a skill name or synonym, folded (case, accents, punctuation), names exactly one skill: skills and
  synonyms have unique folded keys, and a synonym may not be another skill's name (nor the reverse);
- every change to a skill, its synonyms or its related skills touches the skill's `updated_at`, which is
  what the taxonomy version (and so the cached similarity matrix) follows;
- every change to a member's skills or availability moves their `TalentProfile.changed_at` in the same
  transaction, which is what the in-memory match matrix follows;
- a member applies to an opportunity once (unique constraint; a second try is a 409), except that a
  withdrawn application may be sent again;
- an opportunity is never filled beyond its seats: accepting takes a seat by
  `UPDATE … SET seats_taken = seats_taken + 1 WHERE seats_taken < seats AND status = 'open'`, and the
  application moves from pending by a guarded UPDATE in the same transaction, or nothing happens;
  withdrawing an accepted place gives the seat back the same way;
- bad input changes nothing: every service runs in one transaction and validates before writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocreate.core.errors import Conflict, DomainError, FieldError, NotAllowed, NotFound
from cocreate.intelligence.similarity import normalise

from . import events
from .models import (
    Application,
    ApplicationStatus,
    MemberSkill,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    RequiredSkill,
    Skill,
    SkillCategory,
    SkillSynonym,
    TalentProfile,
)
from .policies import (
    check_can_apply,
    check_can_create_opportunity,
    check_can_edit_own_talent,
    check_can_manage_opportunity,
    check_can_manage_taxonomy,
)
from .selectors import opportunity_get, skill_resolve
from .taxonomy import STARTER_SKILLS

MAX_MEMBER_SKILLS = 40
MAX_REQUIREMENTS = 15
MAX_SYNONYMS = 30


# --- Taxonomy -----------------------------------------------------------------------------------------
def _touch_skills(skill_ids: Iterable[int]) -> None:
    Skill.objects.filter(pk__in=list(skill_ids)).update(updated_at=timezone.now())


def _check_name(name: str, field: str, *, max_length: int = 80) -> tuple[str, str]:
    name = " ".join((name or "").split())
    key = normalise(name)
    if not key:
        raise DomainError(_("Give the skill a name."), field=field)
    if len(name) > max_length:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": max_length}, field=field)
    return name, key


def _check_free(
    key: str, field: str, *, skill: Skill | None = None, synonym: SkillSynonym | None = None
) -> None:
    skills = Skill.objects.filter(normalised=key)
    if skill is not None:
        skills = skills.exclude(pk=skill.pk)
    taken = skills.first()
    if taken is None:
        aliases = SkillSynonym.objects.filter(normalised=key)
        if synonym is not None:
            aliases = aliases.exclude(pk=synonym.pk)
        alias = aliases.first()
        taken = alias.skill if alias else None
        if taken is not None and skill is not None and synonym is None and taken.pk == skill.pk:
            taken = None  # renaming a skill to one of its own synonyms is fine; the synonym goes
    if taken is not None:
        raise Conflict(_("“%(n)s” already names the skill %(s)s.") % {"n": key, "s": taken.name}, field=field)


@transaction.atomic
def skill_create(
    *,
    actor: Any,
    name: str,
    category: str = SkillCategory.OTHER,
    description: str = "",
    synonyms: Sequence[str] = (),
) -> Skill:
    check_can_manage_taxonomy(actor)
    name, key = _check_name(name, "name")
    if category not in SkillCategory.values:
        raise DomainError(_("Pick a category from the list."), field="category")
    if len(description) > 1000:
        raise DomainError(_("Keep the description under 1,000 characters."), field="description")
    _check_free(key, "name")
    slug = slugify(name)[:80] or "skill"
    base, n = slug, 2
    while Skill.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    skill = Skill.objects.create(
        name=name, slug=slug, normalised=key, category=category, description=description.strip()
    )
    for alias in synonyms:
        synonym_add(actor=actor, skill=skill, alias=alias)
    return skill


@transaction.atomic
def skill_update(*, actor: Any, skill: Skill, name: str, category: str, description: str = "") -> Skill:
    check_can_manage_taxonomy(actor)
    name, key = _check_name(name, "name")
    if category not in SkillCategory.values:
        raise DomainError(_("Pick a category from the list."), field="category")
    if len(description) > 1000:
        raise DomainError(_("Keep the description under 1,000 characters."), field="description")
    _check_free(key, "name", skill=skill)
    SkillSynonym.objects.filter(skill=skill, normalised=key).delete()
    skill.name, skill.normalised, skill.category, skill.description = name, key, category, description.strip()
    skill.save()
    return skill


@transaction.atomic
def synonym_add(*, actor: Any, skill: Skill, alias: str) -> SkillSynonym:
    check_can_manage_taxonomy(actor)
    alias, key = _check_name(alias, "alias")
    if key == skill.normalised:
        raise Conflict(_("That is the skill's own name."), field="alias")
    _check_free(key, "alias")
    if skill.synonyms.count() >= MAX_SYNONYMS:
        raise DomainError(_("A skill has at most %(n)d synonyms.") % {"n": MAX_SYNONYMS}, field="alias")
    try:
        with transaction.atomic():
            synonym = SkillSynonym.objects.create(skill=skill, alias=alias, normalised=key)
    except IntegrityError:
        raise Conflict(_("“%(a)s” is already a synonym.") % {"a": alias}, field="alias") from None
    _touch_skills([skill.pk])
    return synonym


@transaction.atomic
def synonym_remove(*, actor: Any, synonym: SkillSynonym) -> None:
    check_can_manage_taxonomy(actor)
    skill_id = synonym.skill_id
    synonym.delete()
    _touch_skills([skill_id])


@transaction.atomic
def related_set(*, actor: Any, skill: Skill, related: Sequence[Skill]) -> None:
    """Which skills count as close to this one whatever their descriptions say."""
    check_can_manage_taxonomy(actor)
    before = set(skill.related.values_list("pk", flat=True))
    others = {s.pk for s in related if s.pk != skill.pk}
    skill.related.set(others)
    _touch_skills({skill.pk} | before | others)


@transaction.atomic
def taxonomy_seed(*, actor: Any = None) -> int:
    """Load the starter taxonomy (taxonomy.STARTER_SKILLS): skills missing by slug are created with their
    synonyms and related skills; skills already there are left as staff made them. Returns how many
    skills were created. Without an actor (the demo, a command) no policy applies."""
    if actor is not None:
        check_can_manage_taxonomy(actor)
    existing = set(Skill.objects.values_list("slug", flat=True))
    taken = set(Skill.objects.values_list("normalised", flat=True)) | set(
        SkillSynonym.objects.values_list("normalised", flat=True)
    )
    created: list[Skill] = []
    for starter in STARTER_SKILLS:
        slug = slugify(starter.name)[:80]
        key = normalise(starter.name)
        if slug in existing or key in taken:
            continue
        created.append(
            Skill(
                name=starter.name,
                slug=slug,
                normalised=key,
                category=starter.category,
                description=starter.description,
            )
        )
        taken.add(key)
    Skill.objects.bulk_create(created)
    by_name = {s.name: s for s in Skill.objects.filter(name__in=[s.name for s in STARTER_SKILLS])}
    fresh = {s.name for s in created}
    synonyms = []
    links = []
    through = Skill.related.through
    for starter in STARTER_SKILLS:
        if starter.name not in fresh:
            continue
        skill = by_name[starter.name]
        for alias in starter.synonyms:
            key = normalise(alias)
            if key and key not in taken:
                synonyms.append(SkillSynonym(skill=skill, alias=alias, normalised=key))
                taken.add(key)
        for other in starter.related:
            if other in by_name:
                a, b = skill.pk, by_name[other].pk
                links.extend(
                    [through(from_skill_id=a, to_skill_id=b), through(from_skill_id=b, to_skill_id=a)]
                )
    SkillSynonym.objects.bulk_create(synonyms)
    through.objects.bulk_create(links, ignore_conflicts=True)
    _touch_skills([s.pk for s in created])
    return len(created)


# --- Members' skills and availability -----------------------------------------------------------------
def _touch_profile(user_id: int) -> TalentProfile:
    now = timezone.now()
    TalentProfile.objects.bulk_create([TalentProfile(user_id=user_id, changed_at=now)], ignore_conflicts=True)
    TalentProfile.objects.filter(user_id=user_id).update(changed_at=now)
    return TalentProfile.objects.get(user_id=user_id)


def _level(value: Any, field: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("A level is a whole number from 1 to 5."), field=field) from None
    if not 1 <= level <= 5:
        raise DomainError(_("A level is a whole number from 1 to 5."), field=field)
    return level


def _years(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        years = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Years is a whole number from 0 to 60."), field=field) from None
    if not 0 <= years <= 60:
        raise DomainError(_("Years is a whole number from 0 to 60."), field=field)
    return years


@transaction.atomic
def member_skills_set(*, actor: Any, user: Any, skills: Sequence[dict[str, Any]]) -> list[MemberSkill]:
    """Replace a member's skills with `skills`: each {"skill": free text or a Skill, "level": 1–5,
    "years": optional}. Every unknown skill is reported (field "skills") and nothing changes."""
    check_can_edit_own_talent(actor, user)
    if len(skills) > MAX_MEMBER_SKILLS:
        raise DomainError(_("List at most %(n)d skills.") % {"n": MAX_MEMBER_SKILLS}, field="skills")
    errors: list[FieldError] = []
    chosen: dict[int, MemberSkill] = {}
    for entry in skills:
        try:
            named = entry.get("skill")
            skill = (
                named if isinstance(named, Skill) else skill_resolve(text=str(named or ""), field="skills")
            )
            level = _level(entry.get("level", 3), "level")
            years = _years(entry.get("years"), "years")
        except DomainError as exc:
            errors.extend(exc.errors)
            continue
        if skill.pk in chosen:
            errors.append(FieldError("skills", _("%(s)s is listed twice.") % {"s": skill.name}))
            continue
        chosen[skill.pk] = MemberSkill(user_id=user.pk, skill=skill, level=level, years=years)
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field, errors=errors)
    MemberSkill.objects.filter(user_id=user.pk).delete()
    MemberSkill.objects.bulk_create(chosen.values())
    _touch_profile(user.pk)
    return list(MemberSkill.objects.filter(user_id=user.pk).select_related("skill"))


@transaction.atomic
def member_skill_add(*, actor: Any, user: Any, skill: str, level: Any = 3, years: Any = None) -> MemberSkill:
    """Add (or change the level of) one skill named in free text."""
    check_can_edit_own_talent(actor, user)
    found = skill_resolve(text=skill, field="skill")
    level = _level(level, "level")
    years_value = _years(years, "years")
    if (
        not MemberSkill.objects.filter(user_id=user.pk, skill=found).exists()
        and MemberSkill.objects.filter(user_id=user.pk).count() >= MAX_MEMBER_SKILLS
    ):
        raise DomainError(_("List at most %(n)d skills.") % {"n": MAX_MEMBER_SKILLS}, field="skill")
    row, _created = MemberSkill.objects.update_or_create(
        user_id=user.pk, skill=found, defaults={"level": level, "years": years_value}
    )
    _touch_profile(user.pk)
    return row


@transaction.atomic
def member_skill_remove(*, actor: Any, user: Any, skill: Skill) -> None:
    check_can_edit_own_talent(actor, user)
    MemberSkill.objects.filter(user_id=user.pk, skill=skill).delete()
    _touch_profile(user.pk)


@transaction.atomic
def availability_set(
    *,
    actor: Any,
    user: Any,
    hours_per_week: Any,
    available_from: date | None = None,
    available_until: date | None = None,
) -> TalentProfile:
    check_can_edit_own_talent(actor, user)
    try:
        hours = int(hours_per_week or 0)
    except (TypeError, ValueError):
        raise DomainError(
            _("Hours per week is a whole number from 0 to 80."), field="hours_per_week"
        ) from None
    if not 0 <= hours <= 80:
        raise DomainError(_("Hours per week is a whole number from 0 to 80."), field="hours_per_week")
    if available_from and available_until and available_until < available_from:
        raise DomainError(_("“Available until” comes after “available from”."), field="available_until")
    profile = _touch_profile(user.pk)
    profile.hours_per_week = hours
    profile.available_from = available_from
    profile.available_until = available_until
    profile.save(update_fields=["hours_per_week", "available_from", "available_until"])
    return profile


# --- Opportunities ------------------------------------------------------------------------------------
def _requirements(entries: Sequence[dict[str, Any]]) -> list[tuple[Skill, int, int]]:
    if not entries:
        raise DomainError(_("Name at least one skill the opportunity needs."), field="requirements")
    if len(entries) > MAX_REQUIREMENTS:
        raise DomainError(_("Name at most %(n)d skills.") % {"n": MAX_REQUIREMENTS}, field="requirements")
    out: dict[int, tuple[Skill, int, int]] = {}
    errors: list[FieldError] = []
    for entry in entries:
        try:
            named = entry.get("skill")
            skill = (
                named
                if isinstance(named, Skill)
                else skill_resolve(text=str(named or ""), field="requirements")
            )
            weight = _level(entry.get("weight", 1), "weight")
            min_level = _level(entry.get("min_level", 1), "min_level")
        except DomainError as exc:
            errors.extend(exc.errors)
            continue
        out[skill.pk] = (skill, weight, min_level)
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field, errors=errors)
    return list(out.values())


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    requirements: Sequence[dict[str, Any]],
    description: str = "",
    hours_per_week: int = 0,
    starts_on: date | None = None,
    ends_on: date | None = None,
    seats: int = 1,
    idea: Any = None,
    workshop: Any = None,
) -> Opportunity:
    """Open an opportunity owned by `actor`. Requirements: {"skill": text or Skill, "weight": 1–5,
    "min_level": 1–5}."""
    if kind not in OpportunityKind.values:
        raise DomainError(_("Pick a kind from the list."), field="kind")
    check_can_create_opportunity(actor, kind=kind, idea=idea)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give the opportunity a title."), field="title")
    if len(title) > 160:
        raise DomainError(_("Keep the title under 160 characters."), field="title")
    if len(description or "") > 10_000:
        raise DomainError(_("Keep the description under 10,000 characters."), field="description")
    if kind == OpportunityKind.IDEA_TEAM and idea is None:
        raise DomainError(_("An idea's development team needs its idea."), field="idea")
    if not isinstance(seats, int) or not 1 <= seats <= 500:
        raise DomainError(_("Seats is a whole number from 1 to 500."), field="seats")
    if not isinstance(hours_per_week, int) or not 0 <= hours_per_week <= 80:
        raise DomainError(_("Hours per week is a whole number from 0 to 80."), field="hours_per_week")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The end date comes after the start date."), field="ends_on")
    needs = _requirements(requirements)
    opportunity = Opportunity.objects.create(
        kind=kind,
        title=title,
        description=description or "",
        hours_per_week=hours_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        owner=actor,
        idea=idea,
        workshop=workshop,
    )
    RequiredSkill.objects.bulk_create(
        [RequiredSkill(opportunity=opportunity, skill=s, weight=w, min_level=m) for s, w, m in needs]
    )
    return opportunity


@transaction.atomic
def opportunity_close(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    check_can_manage_opportunity(actor, opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        status=OpportunityStatus.CLOSED, updated_at=timezone.now()
    )
    opportunity.refresh_from_db()
    return opportunity


class _Unset:
    """Marks an argument of `opportunity_update` that was not given (a date may be cleared with None)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _check_whole(value: Any, low: int, high: int, message: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(message, field=field)
    return value


@transaction.atomic
def opportunity_update(
    *,
    actor: Any,
    opportunity: Opportunity,
    title: Any = UNSET,
    description: Any = UNSET,
    hours_per_week: Any = UNSET,
    starts_on: Any = UNSET,
    ends_on: Any = UNSET,
    seats: Any = UNSET,
    requirements: Any = UNSET,
) -> Opportunity:
    """Change what is given of an opportunity (the rest stays). Seats never go below the seats already
    taken (a 409 on "seats"); freeing seats reopens a filled opportunity and taking the last one fills it
    (a closed one stays closed). `requirements` replaces the skills needed as a whole, resolved as in
    `opportunity_create`. Matches are scored from the opportunity's row and requirements on each read, so
    the changes show in the next ranking; `updated_at` moves with every change."""
    check_can_manage_opportunity(actor, opportunity)
    current = Opportunity.objects.filter(pk=opportunity.pk).first()
    if current is None:
        raise NotFound(_("No such opportunity."), field="opportunity")
    changes: dict[str, Any] = {}
    errors: list[FieldError] = []

    def check(field: str, fn: Any) -> None:
        try:
            changes[field] = fn()
        except DomainError as exc:
            errors.extend(exc.errors)

    if title is not UNSET:

        def _title() -> str:
            value = " ".join(str(title or "").split())
            if not value:
                raise DomainError(_("Give the opportunity a title."), field="title")
            if len(value) > 160:
                raise DomainError(_("Keep the title under 160 characters."), field="title")
            return value

        check("title", _title)
    if description is not UNSET:

        def _description() -> str:
            value = str(description or "")
            if len(value) > 10_000:
                raise DomainError(_("Keep the description under 10,000 characters."), field="description")
            return value

        check("description", _description)
    if hours_per_week is not UNSET:
        check(
            "hours_per_week",
            lambda: _check_whole(
                hours_per_week,
                0,
                80,
                _("Hours per week is a whole number from 0 to 80."),
                "hours_per_week",
            ),
        )
    if seats is not UNSET:
        check(
            "seats", lambda: _check_whole(seats, 1, 500, _("Seats is a whole number from 1 to 500."), "seats")
        )
    if starts_on is not UNSET:
        changes["starts_on"] = starts_on or None
    if ends_on is not UNSET:
        changes["ends_on"] = ends_on or None
    start = changes.get("starts_on", current.starts_on)
    end = changes.get("ends_on", current.ends_on)
    if start and end and end < start:
        field = "ends_on" if ends_on is not UNSET or starts_on is UNSET else "starts_on"
        errors.append(FieldError(field, _("The end date comes after the start date.")))
    needs: list[tuple[Skill, int, int]] | None = None
    if requirements is not UNSET:
        try:
            needs = _requirements(requirements or [])
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field, errors=errors)

    now = timezone.now()
    guarded = Opportunity.objects.filter(pk=current.pk)
    if "seats" in changes:
        # Against the seats taken at the moment of writing, not when the form was read: an acceptance
        # racing this change either lands first (and this one is refused) or finds the new count.
        guarded = guarded.filter(seats_taken__lte=changes["seats"])
    if not guarded.update(**changes, updated_at=now):
        taken = Opportunity.objects.filter(pk=current.pk).values_list("seats_taken", flat=True).first()
        taken = taken or 0
        raise Conflict(
            ngettext(
                "%(n)d seat is already taken; there cannot be fewer seats than that.",
                "%(n)d seats are already taken; there cannot be fewer seats than that.",
                taken,
            )
            % {"n": taken},
            field="seats",
        )
    if needs is not None:
        RequiredSkill.objects.filter(opportunity_id=current.pk).delete()
        RequiredSkill.objects.bulk_create(
            [RequiredSkill(opportunity_id=current.pk, skill=s, weight=w, min_level=m) for s, w, m in needs]
        )
    if "seats" in changes:
        Opportunity.objects.filter(
            pk=current.pk, status=OpportunityStatus.FILLED, seats_taken__lt=F("seats")
        ).update(status=OpportunityStatus.OPEN)
        Opportunity.objects.filter(
            pk=current.pk, status=OpportunityStatus.OPEN, seats_taken__gte=F("seats")
        ).update(status=OpportunityStatus.FILLED)
    updated = opportunity_get(opportunity_id=current.pk)
    assert updated is not None  # written above in this transaction
    return updated


# --- Applications -------------------------------------------------------------------------------------
def _send_after_commit(signal: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=Application, **kwargs))


@transaction.atomic
def application_submit(*, actor: Any, opportunity: Opportunity, note: str = "") -> Application:
    check_can_apply(actor, opportunity)
    if opportunity.status != OpportunityStatus.OPEN:
        raise Conflict(_("This opportunity is not taking applications."), field="opportunity")
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("Keep the note under 2,000 characters."), field="note")
    reopened = Application.objects.filter(
        opportunity=opportunity, user=actor, status=ApplicationStatus.WITHDRAWN
    ).update(
        status=ApplicationStatus.PENDING,
        note=note,
        decided_at=None,
        decided_by=None,
        created_at=timezone.now(),
    )
    if not reopened:
        try:
            with transaction.atomic():
                Application.objects.create(opportunity=opportunity, user=actor, note=note)
        except IntegrityError:
            raise Conflict(_("You have already applied to this opportunity."), field="opportunity") from None
    application = Application.objects.select_related("opportunity", "user").get(
        opportunity=opportunity, user=actor
    )
    _send_after_commit(events.application_submitted, application=application)
    return application


@transaction.atomic
def application_decide(*, actor: Any, application: Application, accept: bool) -> Application:
    """Accept (taking a seat, never beyond the last) or decline a pending application."""
    opportunity = application.opportunity
    check_can_manage_opportunity(actor, opportunity)
    now = timezone.now()
    if accept:
        took = Opportunity.objects.filter(
            pk=opportunity.pk, status=OpportunityStatus.OPEN, seats_taken__lt=F("seats")
        ).update(seats_taken=F("seats_taken") + 1, updated_at=now)
        if not took:
            opportunity.refresh_from_db()
            if opportunity.status == OpportunityStatus.CLOSED:
                raise Conflict(_("This opportunity is closed."), field="opportunity")
            raise Conflict(
                _("All %(n)d seats are taken; decline someone or add seats first.")
                % {"n": opportunity.seats},
                field="opportunity",
            )
    status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    moved = Application.objects.filter(pk=application.pk, status=ApplicationStatus.PENDING).update(
        status=status, decided_at=now, decided_by=actor
    )
    if not moved:
        # The seat taken above is given back by rolling the whole transaction back.
        transaction.set_rollback(True)
        raise Conflict(_("This application was already decided or withdrawn."), field="application")
    if accept:
        Opportunity.objects.filter(
            pk=opportunity.pk, status=OpportunityStatus.OPEN, seats_taken__gte=F("seats")
        ).update(status=OpportunityStatus.FILLED)
    application.refresh_from_db()
    opportunity.refresh_from_db()
    _send_after_commit(events.application_decided, application=application)
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application) -> Application:
    """The member takes an application back; an accepted place frees its seat (and reopens a filled
    opportunity)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk != application.user_id:
        raise NotAllowed(_("Only the applicant can withdraw an application."))
    now = timezone.now()
    # Two guarded moves rather than read-then-write: a decision racing the withdrawal is seen either way.
    freed = Application.objects.filter(pk=application.pk, status=ApplicationStatus.ACCEPTED).update(
        status=ApplicationStatus.WITHDRAWN, decided_at=now
    )
    if freed:
        Opportunity.objects.filter(pk=application.opportunity_id, seats_taken__gt=0).update(
            seats_taken=F("seats_taken") - 1
        )
        Opportunity.objects.filter(
            Q(pk=application.opportunity_id, status=OpportunityStatus.FILLED), seats_taken__lt=F("seats")
        ).update(status=OpportunityStatus.OPEN)
    elif not Application.objects.filter(pk=application.pk, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.WITHDRAWN, decided_at=now
    ):
        raise Conflict(_("This application is no longer open."), field="application")
    application.refresh_from_db()
    return application
