"""Merging duplicate ideas, and similar ideas as a member types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from cocreate.challenges import events
from cocreate.challenges.models import Idea, IdeaStatus, MilestoneEvent, Support
from cocreate.challenges.selectors import similar
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports
from cocreate.challenges.services.merge import idea_merge
from cocreate.core.errors import DomainError, NotAllowed
from cocreate.intelligence.similarity import idea_document

pytestmark = pytest.mark.django_db

LADDER = [{"at": 0, "days": 60}, {"at": 4, "days": 30}, {"at": 50, "days": 0, "qualifies": True}]


@pytest.fixture(autouse=True)
def _fresh_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Each test has its own ideas (rolled back after it): start from an empty cache and look every time.
    monkeypatch.setattr(similar, "REFRESH_SECONDS", 0.0)
    similar.invalidate()
    yield
    similar.invalidate()


@pytest.fixture
def challenge(brand_admin: Any) -> Any:
    return idea_services.challenge_create(actor=brand_admin, title="Harbour sets", ladder=LADDER)


@pytest.fixture
def target(challenge: Any, member: Any) -> Idea:
    return idea_services.idea_create(
        actor=member,
        challenge=challenge,
        title="Working lighthouse with a lamp",
        description="A tall striped lighthouse with a light brick in the lantern room and a cottage.",
    )


@pytest.fixture
def source(challenge: Any, other_member: Any) -> Idea:
    return idea_services.idea_create(
        actor=other_member,
        challenge=challenge,
        title="Lighthouse set where the light actually turns on",
        description="A lighthouse whose top really lights up at night, with rocks and a keeper's house.",
    )


def _support(idea: Idea, *users: Any) -> None:
    for user in users:
        supports.support_add(actor=user, idea=idea)


class Received:
    def __init__(self, signal: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        signal.connect(self.receive, weak=False)
        self.signal = signal

    def receive(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append(kwargs)

    def close(self) -> None:
        self.signal.disconnect(self.receive)


@pytest.fixture
def merged_signal() -> Iterator[Received]:
    received = Received(events.ideas_merged)
    yield received
    received.close()


@pytest.fixture
def milestone_signal() -> Iterator[Received]:
    received = Received(events.milestone_reached)
    yield received
    received.close()


def test_merge_unites_supports_counting_each_member_once(
    source: Idea,
    target: Idea,
    moderator: Any,
    make_user: Any,
    merged_signal: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    a, b, both, d = (make_user() for _ in range(4))
    _support(source, a, b, both)
    _support(target, both, d)
    with django_capture_on_commit_callbacks(execute=True):
        result = idea_merge(actor=moderator, source=source, target=target, message="Same lighthouse, twice.")
    source.refresh_from_db()
    target.refresh_from_db()
    assert target.support_count == 4 == Support.objects.filter(idea=target).count()
    assert set(Support.objects.filter(idea=target).values_list("user_id", flat=True)) == {
        a.pk,
        b.pk,
        both.pk,
        d.pk,
    }
    assert source.support_count == 0 == Support.objects.filter(idea=source).count()
    assert result.moved_user_ids == sorted([a.pk, b.pk]) and result.duplicates == 1
    assert source.status == IdeaStatus.MERGED and source.merged_into_id == target.pk
    last = source.status_changes.last()
    assert last is not None
    assert (last.from_status, last.to_status, last.actor_id) == ("published", "merged", moderator.pk)
    assert last.message == "Same lighthouse, twice."
    assert len(merged_signal.calls) == 1
    call = merged_signal.calls[0]
    assert (call["source"].pk, call["target"].pk) == (source.pk, target.pk)
    assert call["moved_user_ids"] == sorted([a.pk, b.pk])
    # A moved support is an ordinary one: its member may withdraw it while support is open.
    assert supports.support_remove(actor=a, idea=target).support_count == 3


def test_a_milestone_crossed_by_the_merge_fires_once(
    source: Idea,
    target: Idea,
    brand_admin: Any,
    make_user: Any,
    milestone_signal: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _support(target, *(make_user() for _ in range(2)))
    _support(source, *(make_user() for _ in range(3)))
    with django_capture_on_commit_callbacks(execute=True):
        result = idea_merge(actor=brand_admin, source=source, target=target, message="Duplicate.")
    assert [m.threshold for m in result.milestones] == [4]
    assert [(c["idea"].pk, c["threshold"]) for c in milestone_signal.calls] == [(target.pk, 4)]
    target.refresh_from_db()
    assert target.support_count == 5 and target.milestone_index == 1
    with django_capture_on_commit_callbacks(execute=True):
        _support(target, make_user())
    assert len(milestone_signal.calls) == 1
    assert MilestoneEvent.objects.filter(idea=target).count() == 1


def test_the_target_author_is_not_moved_onto_their_own_idea(
    source: Idea, target: Idea, moderator: Any, member: Any
) -> None:
    _support(source, member)  # the target's author liked the duplicate
    result = idea_merge(actor=moderator, source=source, target=target, message="Duplicate.")
    assert result.moved_user_ids == [] and target.support_count == 0
    assert not Support.objects.filter(user=member).exists()


def test_merging_is_for_staff_and_refuses_bad_targets(
    source: Idea, target: Idea, challenge: Any, member: Any, other_member: Any, moderator: Any, make_user: Any
) -> None:
    with pytest.raises(NotAllowed):
        idea_merge(actor=member, source=source, target=target, message="Mine is better.")
    with pytest.raises(DomainError) as err:
        idea_merge(actor=moderator, source=source, target=source, message="Itself.")
    assert err.value.field == "target"
    with pytest.raises(DomainError) as err:
        idea_merge(actor=moderator, source=source, target=target, message="  ")
    assert err.value.field == "message"
    withdrawn = idea_services.idea_create(
        actor=other_member, challenge=challenge, title="Harbour lighthouse", description="A lighthouse, " * 3
    )
    idea_services.idea_withdraw(actor=other_member, idea=withdrawn)
    with pytest.raises(DomainError) as err:
        idea_merge(actor=moderator, source=source, target=withdrawn, message="Duplicate.")
    assert err.value.status == 409
    idea_merge(actor=moderator, source=target, target=source, message="Duplicate.")
    third = idea_services.idea_create(
        actor=member, challenge=challenge, title="Lighthouse", description="Yet another lighthouse idea here."
    )
    with pytest.raises(DomainError):  # into a merged idea
        idea_merge(actor=moderator, source=third, target=target, message="Duplicate.")
    with pytest.raises(DomainError):  # a merged idea cannot be merged again
        idea_merge(actor=moderator, source=target, target=third, message="Duplicate.")
    for idea in (source, target, third):
        idea.refresh_from_db()
    assert (source.status, target.status, third.status) == ("published", "merged", "published")


def test_similar_ideas_follow_edits_and_status_changes(
    source: Idea, target: Idea, member: Any, other_member: Any, moderator: Any
) -> None:
    text = idea_document("Lighthouse with a light that turns on", "A lighthouse with a working lamp.")
    found = similar.similar_ideas(user=member, text=text)
    assert [item.idea.pk for item in found] == [source.pk, target.pk] or [i.idea.pk for i in found] == [
        target.pk,
        source.pk,
    ]
    assert all(item.score >= similar.THRESHOLD for item in found)
    assert [item.idea.pk for item in similar.similar_ideas(user=member, text=text, exclude_id=target.pk)] == [
        source.pk
    ]
    idea_services.idea_update(
        actor=other_member,
        idea=source,
        title="A harbour crane for containers",
        description="A dockside gantry crane that lifts shipping containers off a cargo ship.",
    )
    assert [item.idea.pk for item in similar.similar_ideas(user=member, text=text)] == [target.pk]
    crane = idea_document("Container crane in the port", "A crane lifting containers from a ship.")
    assert [item.idea.pk for item in similar.similar_ideas(user=member, text=crane)] == [source.pk]
    idea_services.idea_withdraw(actor=other_member, idea=source)
    assert similar.similar_ideas(user=member, text=crane) == []
    assert similar.similar_ideas(user=member, text="lamp") == []  # too short to mean anything


# --- Web ----------------------------------------------------------------------------------------------
def test_similar_endpoint_returns_the_partial_and_escapes_input(
    member_client: Any, source: Idea, target: Idea, other_member: Any
) -> None:
    url = reverse("challenges:idea-similar")
    response = member_client.post(
        url,
        {
            "title": "<script>alert(1)</script> Lighthouse whose light turns on",
            "description": "<img src=x onerror=alert(1)> a lighthouse with a working lamp",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Similar ideas already shared" in body
    assert source.title in body and "Support this instead" in body
    assert "<script>" not in body and "onerror" not in body
    short = member_client.post(url, {"title": "Lamp", "description": ""}, headers={"HX-Request": "true"})
    assert short.status_code == 200 and short.content.decode().strip() == ""


def test_similar_endpoint_escapes_idea_titles_and_needs_a_member(
    client: Any, member_client: Any, challenge: Any, other_member: Any
) -> None:
    idea_services.idea_create(
        actor=other_member,
        challenge=challenge,
        title="<b>Lighthouse</b> with a working lamp",
        description="A lighthouse whose lamp turns on at night, with rocks.",
    )
    url = reverse("challenges:idea-similar")
    data = {"title": "Lighthouse with a working lamp", "description": "A lamp that turns on."}
    body = member_client.post(url, data).content.decode()
    assert "&lt;b&gt;Lighthouse&lt;/b&gt;" in body and "<b>Lighthouse" not in body
    client.logout()
    assert client.post(url, data).status_code == 403


def test_similar_endpoint_is_rate_limited(member_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate.challenges.views import merge as views

    monkeypatch.setattr(views, "SIMILAR_LIMIT", 2)
    url = reverse("challenges:idea-similar")
    codes = [member_client.post(url, {"title": "Lighthouse lamp"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_staff_merge_page_previews_then_merges(
    admin_client_: Any, member_client: Any, source: Idea, target: Idea, make_user: Any
) -> None:
    both = make_user()
    _support(source, both, make_user())
    _support(target, both)
    url = reverse("challenges:idea-merge", args=[source.pk])
    assert member_client.get(url).status_code == 403
    page = admin_client_.get(url)
    assert page.status_code == 200 and target.title in page.content.decode()
    fragment = admin_client_.get(url, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and target.title in fragment.content.decode()
    preview = admin_client_.post(url, {"target": target.pk})
    text = preview.content.decode()
    assert preview.status_code == 200 and "What the merge moves" in text
    assert "<td>2</td>" in text and "<td>1</td>" in text  # two supporters, one already supports both
    missing = admin_client_.post(url, {"target": target.pk, "confirm": "1", "message": ""})
    assert missing.status_code == 400 and "public" in missing.content.decode()
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.PUBLISHED
    done = admin_client_.post(url, {"target": target.pk, "confirm": "1", "message": "The same lighthouse."})
    assert done.status_code == 302
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == IdeaStatus.MERGED and target.support_count == 2
    refused = admin_client_.post(url, {"target": target.pk})
    assert refused.status_code == 409


def test_staff_tools_partial_is_for_staff_only(source: Idea, moderator: Any, member: Any) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("challenges/partials/idea_similar.html", {"idea": source, "user": moderator})
    assert reverse("challenges:idea-merge", args=[source.pk]) in html
    assert (
        render_to_string("challenges/partials/idea_similar.html", {"idea": source, "user": member}).strip()
        == ""
    )


def test_comments_move_and_followers_follow_the_target(
    source: Idea, target: Idea, moderator: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cocreate.discussions.models import Comment, Discussion
    from cocreate.discussions.services import comment_post
    from cocreate.notifications.models import Follow

    fan, other = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=True):
        first = comment_post(actor=fan, discussion=source.discussion, body="I wanted this too!")
        comment_post(actor=other, discussion=source.discussion, body="Same here.", parent=first)
        comment_post(actor=other, discussion=target.discussion, body="Lovely lighthouse.")
        _support(source, fan)  # supporters follow the idea they support
    preview = similar.merge_preview(source=source, target=target)
    assert (preview.supporters, preview.duplicates, preview.comments) == (1, 0, 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = idea_merge(actor=moderator, source=source, target=target, message="Duplicate.")
    assert result.comments == 2
    assert Comment.objects.filter(discussion=target.discussion).count() == 3
    assert Comment.objects.filter(discussion=source.discussion).count() == 0
    counts = dict(Discussion.objects.values_list("pk", "comment_count"))
    assert (counts[source.discussion_id], counts[target.discussion_id]) == (0, 3)
    followers = set(
        Follow.objects.filter(target_type="idea", target_id=target.pk).values_list("user_id", flat=True)
    )
    assert fan.pk in followers


def test_similar_endpoint_ignores_a_challenge_that_is_not_a_number(
    member_client: Any, source: Idea, target: Idea
) -> None:
    url = reverse("challenges:idea-similar")
    text = {"title": "Lighthouse whose light turns on", "description": "a lighthouse with a working lamp"}
    for raw in ("²", "1" * 5000):  # isdigit() says yes, int() refuses: searched without the filter
        response = member_client.post(url, {**text, "challenge": raw}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and source.title in response.content.decode()
