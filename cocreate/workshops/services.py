"""Writes for workshops.

Invariants guarded here:
- a member has at most one registration per workshop (unique constraint); registering again while
  registered or waiting is a Conflict, after a cancellation it reuses the row at the back of the queue;
- registered places never exceed the capacity: every change to a workshop's places (register, cancel,
  capacity change) first locks the workshop row (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
  transactions serialise writers), so counting and writing happen as one step;
- the waitlist is promoted first come, first served (by `position`, handed out under the same lock);
- `attendance_recorded` is sent once per move to "present" (a guarded UPDATE decides), and
  `attendance_withdrawn` only when a present member is corrected to absent or no-show;
- a member answers the survey once (unique constraint), only after the workshop ended and only if they
  were there; scores out of range are refused with their field and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, FieldError, NotFound
from cocreate.journeys import services as journeys
from cocreate.journeys.models import ContributionKind, ContributionSource, ParticipationPoint, Persona
from cocreate.journeys.selectors import persona_members

from . import events
from .models import (
    Attendance,
    Centre,
    Invitation,
    OutputKind,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
    WorkshopFormat,
    WorkshopOutput,
    WorkshopStatus,
)
from .policies import (
    check_authenticated_member,
    check_can_manage_workshops,
    check_can_run_workshop,
)

MAX_CAPACITY = 10_000
MAX_INVITES = 5_000
MAX_CO_CREATORS = 10
# Attendance may be taken from a little before the start, as people arrive.
ATTENDANCE_OPENS_BEFORE = timedelta(hours=1)
REMINDER_AHEAD = timedelta(hours=24)
# Paths under /workshops/ that a slug must not shadow.
RESERVED_SLUGS = {"mine", "satisfaction", "manage"}


# --- Centres ------------------------------------------------------------------------------------------
@transaction.atomic
def centre_create(
    *,
    actor: Any,
    name: str,
    address: str = "",
    city: str = "",
    capacity: int = 0,
    timezone_name: str = "",
) -> Centre:
    check_can_manage_workshops(actor)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("Give the centre a name."), field="name")
    if capacity < 0 or capacity > MAX_CAPACITY:
        raise DomainError(message=_("Enter a capacity between 0 and 10,000."), field="capacity")
    if Centre.objects.filter(name__iexact=name).exists():
        raise Conflict(_("A centre with this name exists."), field="name")
    try:
        # Two staff naming a centre at once: the unique constraint decides, the loser gets the same answer.
        with transaction.atomic():
            return Centre.objects.create(
                name=name[:120],
                address=address.strip()[:300],
                city=city.strip()[:120],
                capacity=capacity,
                timezone=timezone_name.strip()[:64],
            )
    except IntegrityError:
        raise Conflict(_("A centre with this name exists."), field="name") from None


# --- Workshops ----------------------------------------------------------------------------------------
EDITABLE = {
    "title",
    "goal",
    "agenda",
    "starts_at",
    "ends_at",
    "format",
    "centre",
    "room",
    "meeting_url",
    "capacity",
    "waitlist_open",
    "invite_only",
    "product",
    "challenge",
    "participation_point",
    "status",
}


def _unique_slug(title: str, exclude: int | None = None) -> str:
    workshops = Workshop.objects.all()
    return unique_slug(
        workshops, title, fallback="workshop", max_length=160, reserved=RESERVED_SLUGS, exclude_pk=exclude
    )


def _check_workshop(workshop: Workshop) -> None:
    errors: list[FieldError] = []
    title = " ".join((workshop.title or "").split())
    workshop.title = title
    if not title:
        errors.append(FieldError("title", _("Give the workshop a title.")))
    elif len(title) > 160:
        errors.append(FieldError("title", _("A title has at most 160 characters.")))
    if len(workshop.goal or "") > 300:
        errors.append(FieldError("goal", _("A goal has at most 300 characters.")))
    if len(workshop.agenda or "") > 10_000:
        errors.append(FieldError("agenda", _("An agenda has at most 10,000 characters.")))
    if len(workshop.room or "") > 120:
        errors.append(FieldError("room", _("A room has at most 120 characters.")))
    if len(workshop.meeting_url or "") > 500:
        errors.append(FieldError("meeting_url", _("A meeting link has at most 500 characters.")))
    if not isinstance(workshop.starts_at, datetime):
        errors.append(FieldError("starts_at", _("Enter when the workshop starts.")))
    if not isinstance(workshop.ends_at, datetime):
        errors.append(FieldError("ends_at", _("Enter when the workshop ends.")))
    elif isinstance(workshop.starts_at, datetime) and workshop.ends_at <= workshop.starts_at:
        errors.append(FieldError("ends_at", _("The workshop must end after it starts.")))
    if not isinstance(workshop.capacity, int) or not 1 <= workshop.capacity <= MAX_CAPACITY:
        errors.append(FieldError("capacity", _("Enter a capacity between 1 and 10,000.")))
    if workshop.format not in WorkshopFormat.values:
        errors.append(FieldError("format", _("Choose at a centre or online.")))
    elif workshop.format == WorkshopFormat.VENUE and workshop.centre_id is None:
        errors.append(FieldError("centre", _("Choose the centre where the workshop takes place.")))
    elif workshop.format == WorkshopFormat.ONLINE:
        url = (workshop.meeting_url or "").strip()
        if not url.startswith("https://"):
            errors.append(FieldError("meeting_url", _("Give the meeting link (https://…).")))
    if workshop.status not in WorkshopStatus.values:
        errors.append(FieldError("status", _("Unknown status.")))
    if errors:
        raise DomainError(message=errors[0].message, field=errors[0].field, errors=errors)


def _reject_unknown(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise DomainError(message=_("Unknown field: %(f)s.") % {"f": unknown[0]}, field=unknown[0])


@transaction.atomic
def workshop_create(
    *,
    actor: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    facilitators: Sequence[Any] = (),
    personas: Sequence[Persona] = (),
    **fields: Any,
) -> Workshop:
    check_can_manage_workshops(actor)
    _reject_unknown(fields)
    workshop = Workshop(
        title=title, starts_at=starts_at, ends_at=ends_at, capacity=capacity, created_by=actor, **fields
    )
    _check_workshop(workshop)
    workshop.slug = _unique_slug(workshop.title)
    workshop.save()
    if facilitators:
        workshop.facilitators.set(_staff_only(facilitators))
    if personas:
        workshop.personas.set(personas)
    return workshop


def _staff_only(users: Sequence[Any]) -> list[Any]:
    from cocreate.accounts.policies import is_staff

    for user in users:
        if not is_staff(user):
            raise DomainError(message=_("Facilitators are staff members."), field="facilitators")
    return list(users)


def _check_status_change(workshop: Workshop, was: str, registered: int) -> None:
    # Attendance, survey answers and the satisfaction trend belong to a held session; a draft has none.
    if was == WorkshopStatus.COMPLETED and workshop.status != WorkshopStatus.COMPLETED:
        raise DomainError(
            message=_("This workshop took place: it stays completed with its attendance and survey answers."),
            field="status",
        )
    if workshop.status == WorkshopStatus.DRAFT and was != WorkshopStatus.DRAFT and registered:
        raise DomainError(
            message=_("Members are registered: cancel the workshop rather than taking it back to draft."),
            field="status",
        )


@transaction.atomic
def workshop_update(
    *,
    actor: Any,
    workshop: Workshop,
    facilitators: Sequence[Any] | None = None,
    personas: Sequence[Persona] | None = None,
    **fields: Any,
) -> Workshop:
    check_can_manage_workshops(actor)
    _reject_unknown(fields)
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    was = locked.status
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_workshop(locked)
    registered = _registered_count(locked)
    _check_status_change(locked, was, registered)
    if locked.capacity < registered:
        # Taking places away from registered members is not something a form field should do silently.
        raise DomainError(
            message=_("%(n)s members are registered: the capacity cannot be lower.") % {"n": registered},
            field="capacity",
        )
    if "title" in fields:
        locked.slug = _unique_slug(locked.title, exclude=locked.pk)
    locked.save()
    if facilitators is not None:
        locked.facilitators.set(_staff_only(facilitators))
    if personas is not None:
        locked.personas.set(personas)
    # A larger room lets the waitlist in.
    if locked.status == WorkshopStatus.PUBLISHED and locked.starts_at > timezone.now():
        _promote(locked)
    if was != WorkshopStatus.CANCELLED and locked.status == WorkshopStatus.CANCELLED:
        people = list(
            Registration.objects.filter(
                workshop=locked, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
            ).values_list("user_id", flat=True)
        )
        if people:
            transaction.on_commit(
                lambda: events.workshop_cancelled.send(sender=Workshop, workshop=locked, user_ids=people)
            )
    return locked


# --- Invitations --------------------------------------------------------------------------------------
@transaction.atomic
def invitations_send(
    *,
    actor: Any,
    workshop: Workshop,
    personas: Sequence[Persona] = (),
    users: Iterable[Any] = (),
) -> int:
    """Invite hand-picked members and the current members of some personas. Members already invited are
    skipped (unique constraint). Returns how many members were newly invited; they are notified after
    commit."""
    check_can_manage_workshops(actor)
    if workshop.status in (WorkshopStatus.CANCELLED, WorkshopStatus.COMPLETED):
        raise Conflict(_("This workshop is over: it takes no more invitations."), field="workshop")
    picked: dict[int, Persona | None] = {u.pk: None for u in users}
    for persona in personas:
        for user_id in persona_members(persona).values_list("pk", flat=True)[:MAX_INVITES]:
            picked.setdefault(user_id, persona)
    if not picked:
        raise DomainError(
            message=_("Choose a persona with members or pick members to invite."), field="personas"
        )
    if len(picked) > MAX_INVITES:
        raise DomainError(message=_("At most 5,000 invitations at a time."), field="users")
    already = set(
        Invitation.objects.filter(workshop=workshop, user_id__in=list(picked)).values_list(
            "user_id", flat=True
        )
    )
    new = [uid for uid in picked if uid not in already]
    Invitation.objects.bulk_create(
        [Invitation(workshop=workshop, user_id=uid, persona=picked[uid], invited_by=actor) for uid in new],
        ignore_conflicts=True,
    )
    if personas:
        workshop.personas.add(*personas)
    if new:
        transaction.on_commit(
            lambda: events.members_invited.send(sender=Workshop, workshop=workshop, user_ids=list(new))
        )
    return len(new)


# --- Registration and the waitlist --------------------------------------------------------------------
def _lock(workshop: Workshop) -> Workshop:
    """The workshop row, locked until the transaction ends: every change to its places goes through it."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None:
        raise NotFound(_("No such workshop."), field="workshop")
    return locked


def _registered_count(workshop: Workshop) -> int:
    return Registration.objects.filter(workshop=workshop, status=RegistrationStatus.REGISTERED).count()


def _next_position(workshop: Workshop) -> int:
    top = Registration.objects.filter(workshop=workshop).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _promote(workshop: Workshop) -> list[Registration]:
    """Fill free places from the waitlist, first come first served. The caller holds the workshop lock."""
    free = workshop.capacity - _registered_count(workshop)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(workshop=workshop, status=RegistrationStatus.WAITLISTED).order_by(
            "position", "id"
        )[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
    for registration in promoted:
        user = registration.user

        def _send(user: Any = user) -> None:
            events.waitlist_promoted.send(sender=Workshop, workshop=workshop, user=user)

        transaction.on_commit(_send)
    return promoted


def _check_open_for_registration(workshop: Workshop, user: Any) -> None:
    if workshop.status == WorkshopStatus.CANCELLED:
        raise Conflict(_("This workshop was cancelled."), field="workshop")
    if workshop.status != WorkshopStatus.PUBLISHED:
        raise Conflict(_("This workshop is not open for registration."), field="workshop")
    if workshop.starts_at <= timezone.now():
        raise Conflict(_("This workshop has already started: registration is closed."), field="workshop")
    if workshop.invite_only and not Invitation.objects.filter(workshop=workshop, user=user).exists():
        raise DomainError(message=_("This workshop is by invitation only."), field="workshop", status=403)


@transaction.atomic
def registration_create(
    *, actor: Any, workshop: Workshop, attribution: journeys.Attribution | None = None
) -> Registration:
    """Register the member, or put them on the waitlist when the workshop is full (the returned status
    says which)."""
    check_authenticated_member(actor)
    workshop = _lock(workshop)
    _check_open_for_registration(workshop, actor)
    existing = Registration.objects.filter(workshop=workshop, user=actor).first()
    if existing is not None and existing.status == RegistrationStatus.REGISTERED:
        raise Conflict(_("You are already registered for this workshop."), field="workshop")
    if existing is not None and existing.status == RegistrationStatus.WAITLISTED:
        raise Conflict(_("You are already on the waitlist for this workshop."), field="workshop")
    if _registered_count(workshop) < workshop.capacity:
        status = RegistrationStatus.REGISTERED
    elif workshop.waitlist_open:
        status = RegistrationStatus.WAITLISTED
    else:
        raise Conflict(_("This workshop is full and its waitlist is closed."), field="workshop")
    position = _next_position(workshop)
    if existing is not None:
        existing.status, existing.position, existing.attendance = status, position, Attendance.UNKNOWN
        existing.save(update_fields=["status", "position", "attendance", "updated_at"])
        registration = existing
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    workshop=workshop, user=actor, status=status, position=position
                )
        except IntegrityError:
            raise Conflict(_("You are already registered for this workshop."), field="workshop") from None
        journeys.contribution_record(
            attribution=attribution,
            kind=ContributionKind.REGISTRATION,
            user=actor,
            target=("workshops.registration", registration.pk),
            title=workshop.title,
        )
    return registration


@transaction.atomic
def registration_cancel(*, actor: Any, workshop: Workshop) -> Registration:
    """The member gives up their place (or leaves the waitlist); the first in line takes a freed place."""
    check_authenticated_member(actor)
    workshop = _lock(workshop)
    registration = Registration.objects.filter(
        workshop=workshop,
        user=actor,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
    ).first()
    if registration is None:
        raise Conflict(_("You are not registered for this workshop."), field="workshop")
    if workshop.starts_at <= timezone.now():
        raise Conflict(_("This workshop has already started."), field="workshop")
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    journeys.contribution_withdraw(target=("workshops.registration", registration.pk), user=actor)
    if was_registered and workshop.status == WorkshopStatus.PUBLISHED:
        _promote(workshop)
    return registration


# --- Attendance ---------------------------------------------------------------------------------------
def _point_attribution(workshop: Workshop) -> journeys.Attribution | None:
    if workshop.participation_point_id is None:
        return None
    point = ParticipationPoint.objects.filter(pk=workshop.participation_point_id).first()
    if point is None:
        return None
    return journeys.Attribution(point=point, touchpoint=None, source=ContributionSource.SITE)


@transaction.atomic
def attendance_take(*, actor: Any, workshop: Workshop, marks: dict[int, str]) -> dict[str, int]:
    """Record present / absent / no-show for registered members (`marks`: user id → value). Members who
    are not registered are refused by name; nothing is saved then."""
    check_can_run_workshop(actor, workshop)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise Conflict(_("This workshop was cancelled."), field="workshop")
    if timezone.now() < workshop.starts_at - ATTENDANCE_OPENS_BEFORE:
        raise Conflict(_("Attendance can be taken once the workshop is about to start."), field="workshop")
    for value in marks.values():
        if value not in Attendance.values:
            raise DomainError(message=_("Unknown attendance value."), field="attendance")
    # An id no database column can hold is simply not registered (SQLite raises on it otherwise).
    wanted = [uid for uid in marks if 0 < uid < 2**63]
    registrations = {
        r.user_id: r
        for r in Registration.objects.filter(
            workshop=workshop, user_id__in=wanted, status=RegistrationStatus.REGISTERED
        ).select_related("user")
    }
    missing = [uid for uid in marks if uid not in registrations]
    if missing:
        raise NotFound(_("This member is not registered for the workshop."), field="attendance")
    attribution = _point_attribution(workshop)
    now = timezone.now()
    counts = {"recorded": 0, "withdrawn": 0}
    for user_id, value in marks.items():
        registration = registrations[user_id]
        if value == Attendance.PRESENT:
            # Only the call that moves the row to "present" announces it.
            changed = (
                Registration.objects.filter(pk=registration.pk)
                .exclude(attendance=Attendance.PRESENT)
                .update(attendance=Attendance.PRESENT, attended_at=now, updated_at=now)
            )
            if changed:
                counts["recorded"] += 1
                journeys.contribution_record(
                    attribution=attribution,
                    kind=ContributionKind.ATTENDANCE,
                    user=registration.user,
                    target=("workshops.attendance", registration.pk),
                    title=workshop.title,
                )
                _on_commit_send(events.attendance_recorded, workshop, registration.user)
        else:
            withdrawn = Registration.objects.filter(pk=registration.pk, attendance=Attendance.PRESENT).update(
                attendance=value, attended_at=None, updated_at=now
            )
            if withdrawn:
                counts["withdrawn"] += 1
                journeys.contribution_withdraw(
                    target=("workshops.attendance", registration.pk), user=registration.user
                )
                _on_commit_send(events.attendance_withdrawn, workshop, registration.user)
            else:
                Registration.objects.filter(pk=registration.pk).update(attendance=value, updated_at=now)
    return counts


def _on_commit_send(signal: Any, workshop: Workshop, user: Any, **extra: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=Workshop, workshop=workshop, user=user, **extra))


# --- Outputs ------------------------------------------------------------------------------------------
@transaction.atomic
def output_add(
    *,
    actor: Any,
    workshop: Workshop,
    kind: str,
    title: str,
    body: str = "",
    co_creators: Sequence[Any] = (),
) -> WorkshopOutput:
    """Capture a note, or an idea filed in the workshop's challenge (the default one otherwise) with the
    chosen participants as its co-creators."""
    from cocreate.challenges.services.ideas import challenge_default, idea_create

    check_can_run_workshop(actor, workshop)
    if kind not in OutputKind.values:
        raise DomainError(message=_("Choose a note or an idea."), field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(message=_("Give the output a title."), field="title")
    if len(title) > 120:
        raise DomainError(message=_("A title has at most 120 characters."), field="title")
    if len(body or "") > 10_000:
        raise DomainError(message=_("At most 10,000 characters."), field="body")
    if workshop.starts_at - ATTENDANCE_OPENS_BEFORE > timezone.now():
        raise Conflict(_("Outputs are captured once the workshop has started."), field="workshop")
    people = list(dict.fromkeys(co_creators))
    if kind == OutputKind.NOTE and people:
        raise DomainError(message=_("Only ideas have co-creators."), field="co_creators")
    if len(people) > MAX_CO_CREATORS:
        raise DomainError(message=_("At most 10 co-creators."), field="co_creators")
    if people:
        registered = set(
            Registration.objects.filter(
                workshop=workshop, user__in=people, status=RegistrationStatus.REGISTERED
            ).values_list("user_id", flat=True)
        )
        if any(p.pk not in registered for p in people):
            raise DomainError(
                message=_("Co-creators are chosen among the workshop's participants."), field="co_creators"
            )
    idea = None
    if kind == OutputKind.IDEA:
        challenge = workshop.challenge or challenge_default()
        idea = idea_create(
            actor=actor,
            challenge=challenge,
            title=title,
            description=body,
            product=workshop.product,
            co_creators=people,
        )
    return WorkshopOutput.objects.create(
        workshop=workshop, kind=kind, title=title, body=body or "", idea=idea, created_by=actor
    )


@transaction.atomic
def workshop_complete(*, actor: Any, workshop: Workshop) -> Workshop:
    """Close a session that has ended: the satisfaction figures count it from now on."""
    check_can_run_workshop(actor, workshop)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise Conflict(_("This workshop was cancelled."), field="status")
    if workshop.ends_at > timezone.now():
        raise Conflict(_("The workshop has not ended yet."), field="status")
    Workshop.objects.filter(pk=workshop.pk).update(status=WorkshopStatus.COMPLETED, updated_at=timezone.now())
    workshop.status = WorkshopStatus.COMPLETED
    return workshop


# --- Satisfaction survey ------------------------------------------------------------------------------
def _score(value: Any, low: int, high: int, field: str) -> tuple[int | None, FieldError | None]:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.lstrip("-").isdigit() else None
    if not isinstance(value, int) or not low <= value <= high:
        return None, FieldError(field, _("Choose a score from %(l)s to %(h)s.") % {"l": low, "h": high})
    return value, None


def survey_accepting(*, user: Any, workshop: Workshop, now: datetime | None = None) -> None:
    """Raise unless the member may answer this workshop's survey now."""
    check_authenticated_member(user)
    now = now or timezone.now()
    if workshop.status == WorkshopStatus.CANCELLED:
        raise Conflict(_("This workshop was cancelled."), field="workshop")
    if now < workshop.ends_at:
        raise Conflict(_("The survey opens when the workshop has ended."), field="workshop")
    if not Registration.objects.filter(workshop=workshop, user=user, attendance=Attendance.PRESENT).exists():
        raise DomainError(
            message=_("Only members who attended the workshop answer its survey."),
            field="workshop",
            status=403,
        )
    if SurveyResponse.objects.filter(workshop=workshop, user=user).exists():
        raise Conflict(_("You have already answered this survey. Thank you!"), field="workshop")


@transaction.atomic
def survey_answer(
    *,
    actor: Any,
    workshop: Workshop,
    csat: Any,
    nps: Any,
    comment: str = "",
) -> SurveyResponse:
    survey_accepting(user=actor, workshop=workshop)
    csat_value, csat_error = _score(csat, 1, 5, "csat")
    nps_value, nps_error = _score(nps, 0, 10, "nps")
    comment = (comment or "").strip()
    errors = [e for e in (csat_error, nps_error) if e]
    if len(comment) > 2000:
        errors.append(FieldError("comment", _("At most 2,000 characters.")))
    if errors:
        raise DomainError(message=errors[0].message, field=errors[0].field, errors=errors)
    assert csat_value is not None and nps_value is not None
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                workshop=workshop, user=actor, csat=csat_value, nps=nps_value, comment=comment
            )
    except IntegrityError:
        raise Conflict(_("You have already answered this survey. Thank you!"), field="workshop") from None
    journeys.contribution_record(
        attribution=_point_attribution(workshop),
        kind=ContributionKind.SURVEY,
        user=actor,
        target=("workshops.surveyresponse", response.pk),
        title=workshop.title,
        rating=csat_value,
        body=comment,
    )
    _on_commit_send(events.survey_completed, workshop, actor, response=response)
    return response


def users_by_ids(ids: Iterable[Any], field: str) -> list[Any]:
    """Active users for ids typed into a form or API call; an unknown id is a 404 on `field`."""
    wanted: list[int] = []
    for raw in ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise NotFound(_("No such member."), field=field) from None
        if not 0 < value < 2**63:
            raise NotFound(_("No such member."), field=field)
        wanted.append(value)
    found = {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted, is_active=True)}
    if len(found) < len(set(wanted)):
        raise NotFound(_("No such member."), field=field)
    return [found[v] for v in dict.fromkeys(wanted)]
