"""How the conversation engine finds a forum thread from its discussion (the resolver registered in
`CommunityConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from cocreate.discussions.models import Discussion
from cocreate.discussions.owners import Owner


def thread_url(thread: Any) -> str:
    try:
        return reverse("community:thread", args=[thread.pk])
    except NoReverseMatch:
        return "/"


def thread_owner(discussion: Discussion) -> Owner | None:
    from .models import Thread
    from .policies import can_view_thread, is_board_moderator

    thread = Thread.objects.select_related("board").filter(discussion=discussion).first()
    if thread is None:
        return None
    return Owner(
        kind="thread",
        pk=thread.pk,
        title=thread.title,
        url=thread_url(thread),
        creator_ids=frozenset([thread.author_id]),
        can_view=lambda user: can_view_thread(user, thread),
        can_moderate=lambda user: is_board_moderator(user, thread.board),
        own_replies=True,
    )
