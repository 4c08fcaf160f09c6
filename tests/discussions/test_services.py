"""The conversation engine's rules: depth, counts, reactions, mentions, history, flags, locks, rate limit."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.core.errors import DomainError
from cocreate.discussions import selectors, services
from cocreate.discussions.models import Comment, CommentRevision, Flag, Mention, Reaction
from cocreate.discussions.owners import owner_url
from cocreate.notifications.models import Notification

pytestmark = pytest.mark.django_db


def post(actor: Any, idea: Any, body: str = "Lovely idea, the lamp is great.", **kw: Any) -> Comment:
    return services.comment_post(actor=actor, discussion=idea.discussion, body=body, **kw)


def test_replies_go_two_levels_deep_and_deeper_replies_join_the_second(idea: Any, other_member: Any) -> None:
    top = post(other_member, idea)
    reply = post(other_member, idea, "First reply", parent=top)
    second = post(other_member, idea, "Reply to the reply", parent=reply)
    third = post(other_member, idea, "Reply to the second level", parent=second)
    assert (top.depth, reply.depth, second.depth, third.depth) == (0, 1, 2, 2)
    assert third.parent_id == reply.pk and third.root_id == top.pk
    idea.discussion.refresh_from_db()
    assert idea.discussion.comment_count == 4 and idea.discussion.last_activity_at is not None
    page = selectors.thread(discussion=idea.discussion, user=other_member)
    assert [n.comment.pk for n in page.nodes] == [top.pk]
    assert [n.comment.pk for n in page.nodes[0].replies] == [reply.pk]
    assert [n.comment.pk for n in page.nodes[0].replies[0].replies] == [second.pk, third.pk]


def test_a_reply_must_belong_to_the_same_discussion(idea: Any, other_member: Any, brand_admin: Any) -> None:
    from cocreate.challenges.services import ideas as idea_services

    elsewhere = idea_services.idea_create(
        actor=other_member,
        challenge=idea.challenge,
        title="A second idea",
        description="Another idea entirely, with its own discussion.",
    )
    foreign = post(brand_admin, elsewhere)
    with pytest.raises(DomainError) as err:
        post(other_member, idea, parent=foreign)
    assert err.value.field == "parent"


def test_reactions_are_unique_per_member_and_counted(idea: Any, other_member: Any, make_user: Any) -> None:
    comment = post(other_member, idea)
    fan = make_user()
    assert services.reaction_toggle(actor=fan, comment=comment, emoji="👍") is True
    assert services.reaction_toggle(actor=other_member, comment=comment, emoji="👍") is True
    assert services.reaction_toggle(actor=fan, comment=comment, emoji="🎉") is True
    assert (
        services.reaction_toggle(actor=fan, comment=comment, emoji="🎉") is False
    )  # a second press takes it back
    with pytest.raises(DomainError):
        services.reaction_toggle(actor=fan, comment=comment, emoji="💩")
    counts = {
        r.emoji: (r.count, r.mine)
        for r in selectors.thread(discussion=idea.discussion, user=fan).nodes[0].reactions
    }
    assert counts["👍"] == (2, True) and counts["🎉"] == (0, False) and counts["❤️"] == (0, False)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(comment=comment, user=fan, emoji="👍")


def test_mentions_by_name_and_id_notify_the_members(
    idea: Any, other_member: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ada = make_user(display_name="Ada Lovelace")
    bob = make_user(display_name="Bob")
    with django_capture_on_commit_callbacks(execute=True):
        comment = post(other_member, idea, f"@Ada Lovelace, what do you think? And @member-{bob.pk} too.")
    assert set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True)) == {ada.pk, bob.pk}
    for who in (ada, bob):
        n = Notification.objects.get(user=who, verb="mention")
        assert "mentioned you" in n.title and n.url.endswith(f"#comment-{comment.pk}")
    # The author follows their idea and hears of the comment; mentioned members are told once, as a mention.
    assert Notification.objects.filter(user=idea.author, verb="comment").count() == 1
    assert Notification.objects.filter(user=ada).count() == 1


def test_editing_keeps_the_history_and_notifies_only_new_mentions(
    idea: Any, other_member: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ada = make_user(display_name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        comment = post(other_member, idea, "Hello @Ada")
        services.comment_edit(actor=other_member, comment=comment, body="Hello @Ada, and more")
    assert list(CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)) == [
        "Hello @Ada"
    ]
    comment.refresh_from_db()
    assert comment.body == "Hello @Ada, and more" and comment.edited_at is not None
    assert Notification.objects.filter(user=ada, verb="mention").count() == 1
    with pytest.raises(DomainError):
        services.comment_edit(actor=make_user(), comment=comment, body="Not mine")


def test_deleted_comment_stays_in_place_only_when_it_has_replies(
    idea: Any, other_member: Any, member: Any
) -> None:
    lonely = post(other_member, idea, "Nobody answers this one")
    parent = post(other_member, idea, "Ask me anything")
    post(member, idea, "A reply", parent=parent)
    services.comment_delete(actor=other_member, comment=lonely)
    services.comment_delete(actor=other_member, comment=parent)
    services.comment_delete(actor=other_member, comment=parent)  # twice: counted once
    idea.discussion.refresh_from_db()
    assert idea.discussion.comment_count == 1
    nodes = selectors.thread(discussion=idea.discussion, user=member).nodes
    assert [n.comment.pk for n in nodes] == [parent.pk]
    assert nodes[0].removed and nodes[0].html == "" and len(nodes[0].replies) == 1
    with pytest.raises(DomainError):
        services.comment_delete(actor=member, comment=nodes[0].replies[0].comment.parent)  # type: ignore[arg-type]


def test_flags_reach_the_moderators_queue_who_hide_or_dismiss(
    idea: Any, other_member: Any, member: Any, moderator: Any
) -> None:
    bad = post(other_member, idea, "Buy cheap bricks at example.com")
    fine = post(other_member, idea, "A fair point")
    services.flag_create(actor=member, comment=bad, reason="spam")
    services.flag_create(actor=member, comment=bad, reason="spam")  # once per member
    services.flag_create(actor=member, comment=fine, reason="off_topic")
    with pytest.raises(DomainError) as err:
        services.flag_create(actor=member, comment=fine, reason="other")
    assert err.value.field == "note" or Flag.objects.filter(comment=fine).count() == 1
    with pytest.raises(DomainError):
        services.flag_create(actor=other_member, comment=bad, reason="spam")  # not your own
    items, _ = selectors.flag_queue()
    assert {i.comment.pk for i in items} == {bad.pk, fine.pk}
    with pytest.raises(DomainError):
        services.flag_resolve(actor=member, comment=bad, action="hide")
    assert services.flag_resolve(actor=moderator, comment=bad, action="hide") == 1
    assert services.flag_resolve(actor=moderator, comment=fine, action="dismiss") == 1
    assert selectors.flag_queue()[0] == []
    bad.refresh_from_db()
    assert bad.hidden_at is not None
    idea.discussion.refresh_from_db()
    assert idea.discussion.comment_count == 1
    assert [n.comment.pk for n in selectors.thread(discussion=idea.discussion, user=member).nodes] == [
        fine.pk
    ]


def test_locked_discussion_refuses_new_comments(idea: Any, other_member: Any, moderator: Any) -> None:
    services.discussion_lock(actor=moderator, discussion=idea.discussion, locked=True)
    with pytest.raises(DomainError) as err:
        post(other_member, idea)
    assert err.value.status == 409
    assert Comment.objects.count() == 0


def test_comments_are_rate_limited_per_member(
    idea: Any, other_member: Any, member: Any, settings: Any
) -> None:
    settings.COCREATE_COMMENTS_PER_MINUTE = 3
    for i in range(3):
        post(other_member, idea, f"Comment number {i}")
    with pytest.raises(DomainError) as err:
        post(other_member, idea, "One too many")
    assert err.value.status == 429
    post(member, idea, "Someone else may still talk")
    idea.discussion.refresh_from_db()
    assert idea.discussion.comment_count == 4


def test_only_creators_post_updates(
    idea: Any, member: Any, other_member: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cocreate.challenges.services import supports

    fan = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        supports.support_add(actor=fan, idea=idea)
    with pytest.raises(DomainError):
        post(other_member, idea, "I am not a creator", is_update=True)
    with django_capture_on_commit_callbacks(execute=True):
        update = post(member, idea, "We added a second lamp!", is_update=True)
    assert update.is_update
    n = Notification.objects.get(user=fan, verb="update")
    assert "Update from the creators" in n.title and "second lamp" in n.body
    assert not Notification.objects.filter(user=member, verb="update").exists()


def test_owner_url_points_at_the_idea_or_home(idea: Any) -> None:
    from django.urls import NoReverseMatch, reverse

    from cocreate.discussions.models import Discussion

    try:
        expected = reverse("challenges:idea-detail", args=[idea.pk, idea.slug])
    except NoReverseMatch:
        expected = "/"
    assert owner_url(idea.discussion) == expected
    assert owner_url(Discussion.objects.create()) == "/"


def test_thread_queries_are_bounded(
    idea: Any, other_member: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        top = post(make_user(), idea, f"Top {i}")
        post(other_member, idea, "reply", parent=top)
        services.reaction_toggle(actor=other_member, comment=top, emoji="💡")
    from cocreate.discussions.models import Discussion

    discussion = Discussion.objects.get(pk=idea.discussion.pk)
    with django_assert_max_num_queries(7):
        page = selectors.thread(discussion=discussion, user=other_member)
    assert len(page.nodes) == 5
