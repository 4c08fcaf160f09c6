"""How the conversation engine finds an idea from its discussion: the resolver this app registers with
`cocreate.discussions.owners` (the engine itself knows nothing of ideas)."""

from __future__ import annotations

from typing import Any

from cocreate.discussions.models import Discussion
from cocreate.discussions.owners import Owner


def idea_page_url(idea: Any) -> str:
    """The idea's page, or "/" while the route does not exist."""
    from django.urls import NoReverseMatch, reverse

    try:
        # The idea pages' own helper knows the slugs that must not collide with other idea pages.
        from .views.ideas import idea_url

        return str(idea_url(idea))
    except (ImportError, NoReverseMatch):
        pass
    try:
        return reverse("challenges:idea-detail", args=[idea.pk, idea.slug])
    except NoReverseMatch:
        return "/"


def idea_owner(discussion: Discussion) -> Owner | None:
    """Ideas own their discussion through `Idea.discussion` (a one-to-one created with the idea)."""
    from .models import Idea, IdeaCoCreator
    from .policies import can_view_idea

    idea = Idea.objects.select_related("challenge").filter(discussion=discussion).first()
    if idea is None:
        return None
    url = idea_page_url(idea)
    co = IdeaCoCreator.objects.filter(idea=idea).values_list("user_id", flat=True)
    return Owner(
        kind="idea",
        pk=idea.pk,
        title=idea.title,
        url=url,
        creator_ids=frozenset([idea.author_id, *co]),
        can_view=lambda user: can_view_idea(user, idea),
    )
