"""Reactions to contest events (connected in `NotificationsConfig.ready`): invited designers and appointed
jurors are told once per contest (the key names the contest, so a repeated event tells no one twice)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from cocreate.contests import events
from cocreate.core.text import plain_text

from .models import Verb
from .services import notify


def _contest(contest_id: int) -> Any:
    from cocreate.contests.models import Contest

    return Contest.objects.filter(pk=contest_id).first()


def _url(contest: Any) -> str:
    from cocreate.contests.services import contest_url

    return contest_url(contest)


@receiver(events.designers_invited, dispatch_uid="notifications-contest-designers-invited")
def _designers_invited(sender: Any, contest_id: int, user_ids: list[int], **kwargs: Any) -> None:
    contest = _contest(contest_id)
    if contest is None:
        return
    notify(
        user_ids=user_ids,
        verb=Verb.INVITATION,
        key=f"contest-invite:{contest.pk}",
        title=_("You are invited to design for “%(t)s”") % {"t": contest.title},
        body=plain_text(contest.brief, 300),
        url=_url(contest),
    )


@receiver(events.jurors_appointed, dispatch_uid="notifications-contest-jurors-appointed")
def _jurors_appointed(sender: Any, contest_id: int, user_ids: list[int], **kwargs: Any) -> None:
    contest = _contest(contest_id)
    if contest is None:
        return
    notify(
        user_ids=user_ids,
        verb=Verb.INVITATION,
        key=f"contest-jury:{contest.pk}",
        title=_("You are on the jury of “%(t)s”") % {"t": contest.title},
        body=plain_text(contest.brief, 300),
        url=_url(contest),
    )


@receiver(events.winners_named, dispatch_uid="notifications-contest-winners-named")
def _winners_named(sender: Any, contest_id: int, places: dict[int, int], **kwargs: Any) -> None:
    """Each placed designer hears their place once (naming the same entry again tells no one twice)."""
    from cocreate.contests.models import Entry

    contest = _contest(contest_id)
    if contest is None:
        return
    try:
        url = reverse("contests:showcase", args=[contest.slug])
    except NoReverseMatch:
        url = _url(contest)
    for place, entry_id in places.items():
        entry = Entry.objects.filter(pk=entry_id, contest=contest).first()
        if entry is None:
            continue
        notify(
            user_ids=[entry.designer_id],
            verb=Verb.DECISION,
            key=f"contest-place:{contest.pk}:{entry.pk}:{place}",
            title=_("“%(e)s” placed %(p)s in “%(t)s”") % {"e": entry.title, "p": place, "t": contest.title},
            url=url,
        )
