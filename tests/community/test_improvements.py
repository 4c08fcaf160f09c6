"""“You said, we did”: recording, linking and publishing improvements, the public changelog, a member's
impact on their profile, and the staff-only writes (web and API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreate.community.models import FeedbackStatus, Improvement, ImprovementCredit, ImprovementLink, Theme
from cocreate.community.services import improvements as services
from cocreate.community.views.improvements import register_slots
from cocreate.core.errors import DomainError
from cocreate.notifications.models import Notification
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db

# Dates in the current year read "3 March"; earlier years add the year.
YEAR = timezone.localdate().year
TODAY = dt.date(YEAR, 3, 20)


@pytest.fixture
def draft(moderator: Any, product: Any) -> Improvement:
    return services.improvement_create(
        actor=moderator,
        title="Brighter low-battery mode",
        body="The lamp now dims **gradually** instead of flickering.",
        product=product,
        version="2.1",
        released_on=TODAY,
    )


def at(thread: Any, day: dt.datetime) -> Any:
    """Back-date a post, as if it had been written on `day`."""
    type(thread).objects.filter(pk=thread.pk).update(created_at=day)
    thread.refresh_from_db()
    return thread


def publish(actor: Any, improvement: Improvement, capture: Any, **kwargs: Any) -> Improvement:
    with capture(execute=True):
        return services.improvement_publish(actor=actor, improvement=improvement, **kwargs)


# --- Services -----------------------------------------------------------------------------------------
def test_a_member_cannot_record_link_or_publish(
    member: Any, draft: Improvement, post_thread: Callable[..., Any]
) -> None:
    post = post_thread(member, kind="suggestion")
    with pytest.raises(DomainError) as exc:
        services.improvement_create(actor=member, title="Sneaky", released_on=TODAY)
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.improvement_link(actor=member, improvement=draft, thread=post)
    with pytest.raises(DomainError):
        services.improvement_publish(actor=member, improvement=draft)
    draft.refresh_from_db()
    assert Improvement.objects.count() == 1 and draft.published_at is None
    assert not ImprovementLink.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"body": "x" * 10_001}, "body"),
        ({"version": "v" * 41}, "version"),
        ({"released_on": "yesterday"}, "released_on"),
        ({"released_on": dt.date(1999, 12, 31)}, "released_on"),
    ],
)
def test_bad_input_is_refused_on_its_field(moderator: Any, fields: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"title": "Quieter fan", "released_on": TODAY, **fields}
    with pytest.raises(DomainError) as exc:
        services.improvement_create(actor=moderator, **values)
    assert exc.value.field == field
    assert not Improvement.objects.exists()


def test_a_link_is_refused_twice_and_a_removed_post_cannot_be_linked(
    moderator: Any, member: Any, draft: Improvement, post_thread: Callable[..., Any]
) -> None:
    post = post_thread(member, kind="suggestion")
    services.improvement_link(actor=moderator, improvement=draft, thread=post)
    with pytest.raises(DomainError) as exc:
        services.improvement_link(actor=moderator, improvement=draft, thread=post)
    assert exc.value.status == 409 and exc.value.field == "thread"
    gone = post_thread(member, kind="bug", title="A bug that was removed")
    type(gone).objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    gone.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.improvement_link(actor=moderator, improvement=draft, thread=gone)
    assert exc.value.field == "thread"
    with pytest.raises(DomainError):
        services.improvement_link(actor=moderator, improvement=draft)
    assert ImprovementLink.objects.count() == 1


def test_publishing_credits_each_contributor_once_with_their_earliest_date(
    moderator: Any,
    member: Any,
    other_member: Any,
    make_user: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    march = timezone.make_aware(dt.datetime(YEAR, 3, 3, 12, 0))
    may = timezone.make_aware(dt.datetime(YEAR, 5, 9, 12, 0))
    early = at(post_thread(member, kind="suggestion", title="Dim slowly please"), march)
    late = at(post_thread(member, kind="bug", title="Flicker at 10%"), may)
    theirs = at(post_thread(other_member, kind="bug", title="It blinks"), may)
    theme = Theme.objects.create(label="battery flicker", size=2)
    in_theme = make_user()
    themed = at(post_thread(in_theme, kind="review", rating=2, title="Flickers"), may)
    hidden_author = make_user()
    hidden = post_thread(hidden_author, kind="bug", title="Hidden one")
    type(themed).objects.filter(pk__in=[themed.pk, hidden.pk, theirs.pk]).update(theme=theme)
    type(hidden).objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    for thread in (late, early):
        services.improvement_link(actor=moderator, improvement=draft, thread=thread)
    services.improvement_link(actor=moderator, improvement=draft, theme=theme)
    assert not ImprovementCredit.objects.exists()  # a draft credits nobody yet

    publish(moderator, draft, django_capture_on_commit_callbacks)

    credits = {c.user_id: c for c in ImprovementCredit.objects.filter(improvement=draft)}
    assert set(credits) == {member.pk, other_member.pk, in_theme.pk}  # not the author of the hidden post
    assert credits[member.pk].contributed_at == march
    assert credits[member.pk].source == f"thread:{early.pk}"
    assert credits[other_member.pk].source == f"thread:{theirs.pk}"
    assert all(c.notified_at is not None for c in credits.values())
    mine = Notification.objects.get(user=member, verb="improvement")
    assert mine.title == "Your suggestion of 3 March led to this: Brighter low-battery mode"
    assert mine.url == reverse("community:improvement-detail", args=[draft.pk])
    assert "Trail Lamp, version 2.1" in mine.body
    assert Notification.objects.get(user=other_member, verb="improvement").title.startswith(
        "Your bug report of 9 May led to this"
    )

    with pytest.raises(DomainError) as exc:
        publish(moderator, draft, django_capture_on_commit_callbacks)
    assert exc.value.status == 409
    assert Notification.objects.filter(verb="improvement").count() == 3


def test_an_idea_credits_its_author_and_co_creators(
    moderator: Any,
    brand_admin: Any,
    member: Any,
    other_member: Any,
    draft: Improvement,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from cocreate.challenges.models import IdeaCoCreator, IdeaStatus
    from cocreate.challenges.services import ideas as idea_services

    challenge = idea_services.challenge_create(actor=brand_admin, title="Lamps")
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_create(
            actor=member,
            challenge=challenge,
            title="A lamp that dims",
            description="Dim instead of blinking.",
        )
    assert idea.status not in (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)
    IdeaCoCreator.objects.create(idea=idea, user=other_member)
    services.improvement_link(actor=moderator, improvement=draft, idea=idea)
    with pytest.raises(DomainError) as exc:
        services.improvement_link(actor=moderator, improvement=draft, idea=idea)
    assert exc.value.field == "idea"
    publish(moderator, draft, django_capture_on_commit_callbacks)
    credits = ImprovementCredit.objects.filter(improvement=draft)
    assert {c.user_id for c in credits} == {member.pk, other_member.pk}
    assert {c.source for c in credits} == {f"idea:{idea.pk}"}
    assert Notification.objects.get(user=other_member, verb="improvement").title.startswith("Your idea of ")


def test_linking_after_publication_tells_only_the_new_contributors(
    moderator: Any,
    member: Any,
    other_member: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = post_thread(member, kind="suggestion")
    services.improvement_link(actor=moderator, improvement=draft, thread=first)
    publish(moderator, draft, django_capture_on_commit_callbacks)
    again = post_thread(member, kind="bug", title="Same person, another post")
    newcomer = post_thread(other_member, kind="suggestion", title="Please dim it")
    with django_capture_on_commit_callbacks(execute=True):
        services.improvement_link(actor=moderator, improvement=draft, thread=again)
        services.improvement_link(actor=moderator, improvement=draft, thread=newcomer, mark_done=True)
    assert Notification.objects.filter(user=member, verb="improvement").count() == 1
    assert Notification.objects.filter(user=other_member, verb="improvement").count() == 1
    newcomer.refresh_from_db()
    assert newcomer.status == FeedbackStatus.DONE  # marked done, with a message naming the change

    # Unlinking drops the credit of whoever has nothing linked any more.
    link = ImprovementLink.objects.get(thread=newcomer)
    services.improvement_unlink(actor=moderator, link=link)
    assert set(ImprovementCredit.objects.values_list("user_id", flat=True)) == {member.pk}


def test_publish_can_mark_the_linked_posts_done(
    moderator: Any,
    member: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = post_thread(member, kind="suggestion")
    chat = post_thread(member, kind="discussion", title="Just chatting")
    services.improvement_link(actor=moderator, improvement=draft, thread=post)
    services.improvement_link(actor=moderator, improvement=draft, thread=chat)
    publish(moderator, draft, django_capture_on_commit_callbacks, mark_done=True)
    post.refresh_from_db()
    chat.refresh_from_db()
    assert post.status == FeedbackStatus.DONE and chat.status == FeedbackStatus.NEW
    told = Notification.objects.get(user=member, verb="feedback")
    assert "Done" in told.title and "Brighter low-battery mode" in told.body


# --- Pages --------------------------------------------------------------------------------------------
def test_drafts_are_invisible_to_members_until_published(
    client: Client,
    member_client: Client,
    moderator: Any,
    draft: Improvement,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("community:improvement-detail", args=[draft.pk])
    assert member_client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert draft.title not in member_client.get(reverse("community:changelog")).content.decode()
    staff = Client()
    staff.force_login(moderator)
    page = staff.get(reverse("community:changelog")).content.decode()
    assert "Drafts (only staff see them)" in page and draft.title in page

    publish(moderator, draft, django_capture_on_commit_callbacks)
    assert member_client.get(url).status_code == 200
    page = client.get(reverse("community:changelog")).content.decode()
    assert draft.title in page and f"March {YEAR}" in page and "version 2.1" in page
    feed = client.get(reverse("community:changelog-feed"))
    assert feed.status_code == 200 and b"<feed" in feed.content and draft.title.encode() in feed.content


def test_the_changelog_filters_by_product_and_pages(
    client: Client, moderator: Any, brand_admin: Any, product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cocreate.brand import services as brand_services

    other = brand_services.product_create(actor=brand_admin, name="Camp Stove", category="Outdoor")
    for i in range(25):
        entry = services.improvement_create(
            actor=moderator,
            title=f"Lamp change {i:02d}",
            product=product,
            released_on=TODAY - dt.timedelta(days=i),
        )
        publish(moderator, entry, django_capture_on_commit_callbacks)
    stove = services.improvement_create(
        actor=moderator, title="Stove change", product=other, released_on=TODAY
    )
    publish(moderator, stove, django_capture_on_commit_callbacks)
    page = client.get(reverse("community:changelog"), {"product": other.pk}).content.decode()
    assert "Stove change" in page and "Lamp change" not in page
    first = client.get(reverse("community:changelog"), {"product": product.pk})
    body = first.content.decode()
    assert "Lamp change 00" in body and "Lamp change 24" not in body and "Earlier changes" in body
    cursor = first.context["page"].next_cursor
    more = client.get(
        reverse("community:changelog"), {"product": product.pk, "cursor": cursor}, HTTP_HX_REQUEST="true"
    )
    assert "Lamp change 24" in more.content.decode() and "<html" not in more.content.decode()


def test_the_entry_page_credits_the_voices_that_led_to_it(
    client: Client,
    member_client: Client,
    moderator: Any,
    member: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = at(
        post_thread(member, kind="suggestion", title="Dim slowly"),
        timezone.make_aware(dt.datetime(YEAR, 3, 3, 9)),
    )
    services.improvement_link(actor=moderator, improvement=draft, thread=post)
    publish(moderator, draft, django_capture_on_commit_callbacks)
    url = reverse("community:improvement-detail", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Dim slowly" in page and member.public_name in page and "<strong>gradually</strong>" in page
    assert "1 member&#x27;s contribution led to this change." in page or "1 member's contribution" in page
    mine = member_client.get(url).content.decode()
    assert "Your suggestion of 3 March led to this" in mine


def test_the_profile_shows_the_impact_of_a_members_voice(
    client: Client,
    member_client: Client,
    moderator: Any,
    member: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    register_slots()
    profile = reverse("accounts:member-detail", args=[member.pk])
    assert "came from your voice" not in member_client.get(profile).content.decode()
    post = at(post_thread(member, kind="suggestion"), timezone.make_aware(dt.datetime(YEAR, 3, 3, 9)))
    services.improvement_link(actor=moderator, improvement=draft, thread=post)
    assert (
        "came from your voice" not in member_client.get(profile).content.decode()
    )  # a draft counts for nothing
    publish(moderator, draft, django_capture_on_commit_callbacks)
    own = member_client.get(profile).content.decode()
    assert "1 improvement came from your voice." in own
    assert "Your suggestion of 3 March led to this" in own and draft.title in own
    public = Client().get(profile).content.decode()
    assert "1 improvement came from" in public and "Suggestion of 3 March" in public
    full = client.get(reverse("community:member-impact", args=[member.pk]))
    assert full.status_code == 200 and draft.title in full.content.decode()


def test_the_thread_partial_says_what_a_post_led_to(
    moderator: Any,
    member: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.template.loader import render_to_string

    from cocreate.community.selectors.improvements import improvements_for_thread

    post = post_thread(member, kind="suggestion")
    services.improvement_link(actor=moderator, improvement=draft, thread=post)
    assert improvements_for_thread(post) == []  # drafts say nothing
    publish(moderator, draft, django_capture_on_commit_callbacks)
    html = render_to_string(
        "community/partials/improvements_thread.html", {"thread_improvements": improvements_for_thread(post)}
    )
    assert "This led to:" in html and draft.title in html


def test_staff_pages_record_link_and_publish(
    moderator: Any,
    member: Any,
    product: Any,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = Client()
    staff.force_login(moderator)
    bad = staff.post(reverse("community:improvement-create"), {"title": "", "released_on": TODAY.isoformat()})
    assert bad.status_code == 400 and not Improvement.objects.exists()
    made = staff.post(
        reverse("community:improvement-create"),
        {"title": "Quieter fan", "released_on": TODAY.isoformat(), "product": product.pk, "version": "3"},
    )
    improvement = Improvement.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "community:improvement-edit", args=[improvement.pk]
    )
    post = post_thread(member, kind="suggestion")
    link_url = reverse("community:improvement-link", args=[improvement.pk])
    missing = staff.post(link_url, {"thread": "999999"})
    assert missing.status_code == 404 and "There is no post with this number." in missing.content.decode()
    nonsense = staff.post(link_url, {"thread": "https://example.com/not-a-post/"})
    assert nonsense.status_code == 400 and "the address of its page" in nonsense.content.decode()
    by_address = staff.post(
        link_url, {"thread": f"http://testserver{reverse('community:thread', args=[post.pk])}"}
    )
    assert by_address.status_code == 302
    twice = staff.post(link_url, {"thread": str(post.pk)})
    assert twice.status_code == 409 and "already linked" in twice.content.decode()
    assert ImprovementLink.objects.filter(improvement=improvement, thread=post).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(
            reverse("community:improvement-publish", args=[improvement.pk]), {"mark_done": "on"}
        )
    assert done.status_code == 302
    post.refresh_from_db()
    assert post.status == FeedbackStatus.DONE
    assert Notification.objects.filter(user=member, verb="improvement").count() == 1


def test_members_are_refused_the_staff_pages(
    member_client: Client, draft: Improvement, moderator: Any
) -> None:
    assert member_client.get(reverse("community:improvement-create")).status_code == 403
    refused = member_client.post(
        reverse("community:improvement-create"), {"title": "Mine now", "released_on": TODAY.isoformat()}
    )
    assert refused.status_code == 403 and Improvement.objects.count() == 1
    assert member_client.post(reverse("community:improvement-publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.published_at is None
    assert Client().get(reverse("community:improvement-create")).status_code == 302  # log in first


# --- API ----------------------------------------------------------------------------------------------
def test_api_staff_write_flow_and_public_reads(
    api_for: Callable[..., Any],
    moderator: Any,
    member: Any,
    product: Any,
    post_thread: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff, anyone = api_for(moderator), api_for(None)
    made = staff.post(
        "/api/v1/improvements",
        {
            "title": "Quieter fan",
            "body": "Now *silent*.",
            "product_id": product.pk,
            "version": "3",
            "released_on": TODAY.isoformat(),
        },
    )
    assert made.status_code == 201, made.content
    entry = made.json()
    assert entry["product"] == {"id": product.pk, "name": "Trail Lamp"} and entry["published_at"] is None
    assert anyone.get(f"/api/v1/improvements/{entry['id']}").status_code == 404  # a draft
    post = post_thread(member, kind="suggestion")
    linked = staff.post(f"/api/v1/improvements/{entry['id']}/links", {"thread_id": post.pk})
    assert linked.status_code == 201 and linked.json()["kind"] == "thread"
    assert linked.json()["author"]["id"] == member.pk
    assert_error_shape(
        staff.post(f"/api/v1/improvements/{entry['id']}/links", {"thread_id": post.pk}), 409, "thread_id"
    )
    assert_error_shape(
        staff.post(f"/api/v1/improvements/{entry['id']}/links", {"thread_id": 987654}), 404, "thread_id"
    )
    assert_error_shape(
        staff.post(f"/api/v1/improvements/{entry['id']}/links", {"thread_id": post.pk, "theme_id": 1}), 400
    )
    patched = staff.patch(f"/api/v1/improvements/{entry['id']}", {"version": "3.0.1"})
    assert patched.status_code == 200 and patched.json()["version"] == "3.0.1"
    assert_error_shape(staff.patch(f"/api/v1/improvements/{entry['id']}", {"title": ""}), 400, "title")
    with django_capture_on_commit_callbacks(execute=True):
        published = staff.post(f"/api/v1/improvements/{entry['id']}/publish", {})
    assert published.status_code == 200 and published.json()["published_at"] is not None
    assert_error_shape(staff.post(f"/api/v1/improvements/{entry['id']}/publish", {}), 409)

    listing = anyone.get("/api/v1/improvements", {"product": product.pk})
    assert [i["id"] for i in listing.json()["items"]] == [entry["id"]]
    assert listing.json()["items"][0]["contributor_count"] == 1
    detail = anyone.get(f"/api/v1/improvements/{entry['id']}").json()
    assert "<em>silent</em>" in detail["body_html"] and detail["links"][0]["target_id"] == post.pk
    impact = anyone.get(f"/api/v1/members/{member.pk}/impact").json()
    assert impact["improvement_count"] == 1 and impact["items"][0]["improvement"]["id"] == entry["id"]
    mine = api_for(member).get(f"/api/v1/members/{member.pk}/impact").json()
    assert mine["items"][0]["line"].startswith("Your suggestion of ")
    assert_error_shape(anyone.get("/api/v1/members/99999999/impact"), 404)

    link_id = detail["links"][0]["id"]
    assert staff.delete(f"/api/v1/improvements/{entry['id']}/links/{link_id}").status_code == 204
    assert anyone.get(f"/api/v1/members/{member.pk}/impact").json()["improvement_count"] == 0


def test_api_refuses_members_and_changes_nothing(
    api_for: Callable[..., Any],
    member: Any,
    moderator: Any,
    draft: Improvement,
    post_thread: Callable[..., Any],
) -> None:
    services.improvement_publish(actor=moderator, improvement=draft)
    client = api_for(member)
    assert_error_shape(
        client.post("/api/v1/improvements", {"title": "Mine", "released_on": TODAY.isoformat()}), 403
    )
    assert_error_shape(client.patch(f"/api/v1/improvements/{draft.pk}", {"title": "Hijacked"}), 403)
    post = post_thread(member, kind="suggestion")
    assert_error_shape(client.post(f"/api/v1/improvements/{draft.pk}/links", {"thread_id": post.pk}), 403)
    assert_error_shape(
        api_for(None).post("/api/v1/improvements", {"title": "x", "released_on": TODAY.isoformat()}), 401
    )
    draft.refresh_from_db()
    assert draft.title == "Brighter low-battery mode" and Improvement.objects.count() == 1
    assert not ImprovementLink.objects.exists()
    assert_error_shape(client.get("/api/v1/improvements", {"cursor": "%%%"}), 400, "cursor")


def test_staff_link_and_unlink_with_htmx_answer_the_links_section(
    moderator: Any, member: Any, draft: Improvement, post_thread: Callable[..., Any]
) -> None:
    staff = Client()
    staff.force_login(moderator)
    edit = staff.get(reverse("community:improvement-edit", args=[draft.pk]))
    assert edit.status_code == 200 and "Publish and tell the contributors" in edit.content.decode()
    post = post_thread(member, kind="bug", title="It blinks at night")
    linked = staff.post(
        reverse("community:improvement-link", args=[draft.pk]),
        {"thread": f"#{post.pk}"},
        HTTP_HX_REQUEST="true",
    )
    body = linked.content.decode()
    assert linked.status_code == 200 and "<html" not in body and "It blinks at night" in body
    link = ImprovementLink.objects.get(improvement=draft)
    removed = staff.post(
        reverse("community:improvement-unlink", args=[draft.pk, link.pk]), HTTP_HX_REQUEST="true"
    )
    assert removed.status_code == 200 and "Nothing linked yet." in removed.content.decode()
    assert not ImprovementLink.objects.exists()
    gone = staff.post(reverse("community:improvement-unlink", args=[draft.pk, link.pk]))
    assert gone.status_code == 404


def test_the_changelog_reads_a_bounded_number_of_queries(
    client: Client, moderator: Any, product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def entries(n: int) -> None:
        for i in range(n):
            entry = services.improvement_create(
                actor=moderator, title=f"Change {i}", product=product, released_on=TODAY
            )
            services.improvement_publish(actor=moderator, improvement=entry)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("community:changelog")).status_code == 200
        # The brand settings are cached apart from the page (and refreshed when they change).
        return len(
            [q for q in queries if "brand_organization" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
        )

    entries(2)
    few = count()
    entries(10)
    assert count() == few
