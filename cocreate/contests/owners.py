"""How the conversation engine finds a contest entry from its discussion (the resolver registered in
`ContestsConfig.ready`): fans comment on entries they may see."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from cocreate.discussions.models import Discussion
from cocreate.discussions.owners import Owner


def entry_url(entry: object) -> str:
    try:
        return reverse("contests:entry-detail", args=[entry.contest.slug, entry.pk])  # type: ignore[attr-defined]
    except NoReverseMatch:
        return "/"


def entry_owner(discussion: Discussion) -> Owner | None:
    from .models import Entry
    from .policies import can_see_entry

    entry = Entry.objects.select_related("contest").filter(discussion=discussion).first()
    if entry is None:
        return None
    return Owner(
        kind="contest_entry",
        pk=entry.pk,
        title=entry.title,
        url=entry_url(entry),
        creator_ids=frozenset([entry.designer_id]),
        can_view=lambda user: can_see_entry(user, entry),
    )
