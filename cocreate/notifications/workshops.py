"""Reactions to workshops' events (connected in `NotificationsConfig.ready`) and the reminder job: invited
members hear of the workshop, a member moved off the waitlist hears they have a place, and registered
members get a reminder the day before. Every key names its event, so a task run twice tells no one twice."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cocreate.core.text import plain_text
from cocreate.workshops import events

from . import services
from .models import Verb


def _workshop(workshop_id: int) -> Any:
    from cocreate.workshops.models import Workshop

    return Workshop.objects.select_related("centre").filter(pk=workshop_id).first()


def _url(workshop: Any) -> str:
    return reverse("workshops:workshop-detail", args=[workshop.slug])


def _when(workshop: Any) -> str:
    start = timezone.localtime(workshop.starts_at)
    place = workshop.centre.name if workshop.centre_id else _("online")
    return _("%(date)s at %(time)s, %(place)s") % {
        "date": start.strftime("%Y-%m-%d"),
        "time": start.strftime("%H:%M"),
        "place": place,
    }


@receiver(events.members_invited, dispatch_uid="notifications-workshop-invited")
def _invited(sender: Any, workshop: Any, user_ids: list[int], **kwargs: Any) -> None:
    notify_workshop_invitations.enqueue(workshop.pk, list(user_ids))


@receiver(events.waitlist_promoted, dispatch_uid="notifications-workshop-promoted")
def _promoted(sender: Any, workshop: Any, user: Any, **kwargs: Any) -> None:
    notify_workshop_promoted.enqueue(workshop.pk, user.pk)


@receiver(events.workshop_cancelled, dispatch_uid="notifications-workshop-cancelled")
def _cancelled(sender: Any, workshop: Any, user_ids: list[int], **kwargs: Any) -> None:
    notify_workshop_cancelled.enqueue(workshop.pk, list(user_ids))


@task()
def notify_workshop_cancelled(workshop_id: int, user_ids: list[int]) -> int:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return 0
    return services.notify(
        user_ids=user_ids,
        verb=Verb.STATUS,
        key=f"workshop-cancelled:{workshop.pk}",
        title=_("Cancelled: the workshop “%(t)s”") % {"t": workshop.title},
        body=_when(workshop),
        url=_url(workshop),
    )


@task()
def notify_workshop_invitations(workshop_id: int, user_ids: list[int]) -> int:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return 0
    return services.notify(
        user_ids=user_ids,
        verb=Verb.INVITATION,
        key=f"workshop-invite:{workshop.pk}",
        title=_("You are invited to the workshop “%(t)s”") % {"t": workshop.title},
        body=f"{_when(workshop)}\n{plain_text(workshop.goal, 300)}".strip(),
        url=_url(workshop),
    )


@task()
def notify_workshop_promoted(workshop_id: int, user_id: int) -> int:
    from cocreate.workshops.models import Registration, RegistrationStatus

    workshop = _workshop(workshop_id)
    if workshop is None:
        return 0
    registration = Registration.objects.filter(
        workshop=workshop, user_id=user_id, status=RegistrationStatus.REGISTERED
    ).first()
    if registration is None:
        return 0
    return services.notify(
        user_ids=[user_id],
        verb=Verb.INVITATION,
        # One notice per promotion: a member who cancels and is promoted again later hears again.
        key=f"workshop-promoted:{workshop.pk}:{registration.position}",
        title=_("A place opened up: you are registered for “%(t)s”") % {"t": workshop.title},
        body=_when(workshop),
        url=_url(workshop),
    )


@task()
def send_workshop_surveys() -> int:
    """Invite attendees of sessions that ended in the last week to the satisfaction survey. Idempotent:
    one notification per member and workshop."""
    from cocreate.workshops.selectors import survey_invitations_due

    told = 0
    for workshop, user_ids in survey_invitations_due():
        told += services.notify(
            user_ids=user_ids,
            verb=Verb.REMINDER,
            key=f"workshop-survey:{workshop.pk}",
            title=_("How was “%(t)s”? Two questions for you") % {"t": workshop.title},
            body=_("Thank you for taking part. Your answers shape the next sessions."),
            url=reverse("workshops:workshop-survey", args=[workshop.slug]),
        )
    return told


@task()
def send_workshop_reminders() -> int:
    """Remind registered members of workshops starting within 24 hours. Idempotent: the key names the
    workshop, so a member is reminded once however often this runs."""
    from cocreate.workshops.selectors import reminders_due

    told = 0
    for workshop, user_ids in reminders_due():
        told += services.notify(
            user_ids=user_ids,
            verb=Verb.REMINDER,
            key=f"workshop-reminder:{workshop.pk}",
            title=_("Reminder: “%(t)s” starts within a day") % {"t": workshop.title},
            body=_when(workshop),
            url=_url(workshop),
        )
    return told
