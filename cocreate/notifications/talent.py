"""Reactions to talent's events (connected in `NotificationsConfig.ready`): an opportunity's owner hears of
each application, and the member hears the decision. Keys name the application and what happened, so a
repeated signal tells no one twice."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from cocreate.core.text import plain_text
from cocreate.talent import events

from . import services
from .models import Verb


def _url(application: Any) -> str:
    return reverse("talent:opportunity-detail", args=[application.opportunity_id])


@receiver(events.application_submitted, dispatch_uid="notifications-talent-application")
def _application_submitted(sender: Any, application: Any, **kwargs: Any) -> None:
    opportunity = application.opportunity
    services.notify(
        user_ids=[opportunity.owner_id],
        verb=Verb.UPDATE,
        # A withdrawn application sent again is news again: the key carries its sending time.
        key=f"talent-application:{application.pk}:{int(application.created_at.timestamp())}",
        title=_("%(name)s applied to “%(title)s”") % {"name": application.user, "title": opportunity.title},
        body=plain_text(application.note),
        url=_url(application),
    )


@receiver(events.application_decided, dispatch_uid="notifications-talent-decision")
def _application_decided(sender: Any, application: Any, **kwargs: Any) -> None:
    opportunity = application.opportunity
    if application.status == "accepted":
        title = _("You are in: “%(title)s”") % {"title": opportunity.title}
    else:
        title = _("“%(title)s” went to someone else this time") % {"title": opportunity.title}
    services.notify(
        user_ids=[application.user_id],
        verb=Verb.DECISION,
        key=f"talent-decision:{application.pk}:{application.status}",
        title=title,
        url=_url(application),
    )
