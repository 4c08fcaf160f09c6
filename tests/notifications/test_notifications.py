"""Follows, notifications for the idea's life, the inbox and the follow button."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from cocreate.challenges import events
from cocreate.challenges.models import Idea, IdeaStatus
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports
from cocreate.notifications import services, tasks
from cocreate.notifications.models import Follow, Notification

pytestmark = pytest.mark.django_db


def support(fan: Any, idea: Idea, capture: Any) -> Any:
    with capture(execute=True):
        return supports.support_add(actor=fan, idea=idea)


def test_publishing_tells_the_author_who_follows_their_idea(idea: Idea, member: Any) -> None:
    assert Follow.objects.filter(user=member, target_type="idea", target_id=idea.pk).exists()
    n = Notification.objects.get(user=member)
    assert n.verb == "published" and idea.title in n.title


def test_supporters_follow_the_idea_once(
    idea: Idea, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fan = make_user()
    support(fan, idea, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        supports.support_remove(actor=fan, idea=idea)
    support(fan, idea, django_capture_on_commit_callbacks)
    assert Follow.objects.filter(user=fan, target_type="idea", target_id=idea.pk).count() == 1


def test_milestone_reaches_each_follower_exactly_once(
    idea: Idea, member: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fans = [make_user(), make_user()]
    watcher = make_user()
    services.follow(user=watcher, target_type="idea", target_id=idea.pk)
    for fan in fans:
        result = support(fan, idea, django_capture_on_commit_callbacks)
    assert [m.threshold for m in result.milestones] == [2]
    deadline = result.milestones[0].deadline.isoformat()
    # The task runs again (a retry, a second worker): nobody hears twice.
    tasks.notify_milestone.enqueue(idea.pk, 2, False, deadline)
    tasks.notify_milestone.call(idea.pk, 2, False, deadline)
    rows = Notification.objects.filter(verb="milestone")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(
        [member.pk, watcher.pk, *[f.pk for f in fans]]
    )
    mine = rows.get(user=member)
    assert mine.title == "Your idea reached 2 supports" and "New deadline" in mine.body
    assert rows.get(user=watcher).title == f"“{idea.title}” reached 2 supports"


def test_status_changes_and_decisions_reach_creator_and_followers_once(
    idea: Idea, member: Any, brand_admin: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fan = make_user()
    support(fan, idea, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_transition(actor=brand_admin, idea=idea, to_status=IdeaStatus.IN_REVIEW)
        idea_services.idea_transition(
            actor=brand_admin,
            idea=idea,
            to_status=IdeaStatus.APPROVED,
            message="Into the **shop** next year.",
        )
    events.decision_made.send(
        sender=Idea, idea=idea, outcome=IdeaStatus.APPROVED, rationale="Great", actor=brand_admin
    )
    for who in (member, fan):
        verbs = list(
            Notification.objects.filter(user=who, verb__in=["status", "decision"])
            .order_by("id")
            .values_list("title", flat=True)
        )
        assert verbs == [f"“{idea.title}”: In review", f"“{idea.title}”: Approved"], verbs
    approved = Notification.objects.get(user=fan, title__endswith="Approved")
    assert approved.body == "Into the shop next year."


def test_inbox_lists_unread_first_and_marks_read(
    idea: Idea, member: Any, member_client: Client, django_assert_max_num_queries: Any
) -> None:
    services.notify(user_ids=[member.pk], verb="comment", key="k1", title="Older and read")
    services.notify(user_ids=[member.pk], verb="comment", key="k2", title='<script>alert("x")</script>')
    first = Notification.objects.get(key="k1")
    services.mark_read(user=member, notification_id=first.pk)
    with django_assert_max_num_queries(12):
        page = member_client.get(reverse("notifications:inbox"))
    html = page.content.decode()
    assert html.index("&lt;script&gt;") < html.index("Older and read")
    assert "<script>alert" not in html and "2 unread" in html
    assert member_client.get(reverse("notifications:unread")).content.decode().count("2") >= 1
    target = Notification.objects.get(key="k2")
    frag = member_client.post(reverse("notifications:read", args=[target.pk]), HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and 'class="read"' in frag.content.decode()
    services.notify(user_ids=[member.pk], verb="comment", key="k3", title="Third")
    assert member_client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_there(
    member: Any, member_client: Client, other_member: Any
) -> None:
    services.notify(
        user_ids=[member.pk, other_member.pk], verb="comment", key="k", title="T", url="/ideas/1/x/"
    )
    mine = Notification.objects.get(user=member)
    response = member_client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/ideas/1/x/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs = Notification.objects.get(user=other_member)
    assert member_client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404


def test_follow_button_follows_and_unfollows(idea: Idea, client: Client, other_member: Any) -> None:
    client.force_login(other_member)
    request = RequestFactory().get("/ideas/")
    request.user = other_member
    html = render_to_string(
        "notifications/partials/follow_button.html",
        {"target_type": "idea", "target_id": idea.pk, "user": other_member},
        request=request,
    )
    assert ">Follow<" in html and 'aria-pressed="false"' in html
    url = reverse("notifications:follow")
    response = client.post(url, {"target_type": "idea", "target_id": idea.pk}, HTTP_HX_REQUEST="true")
    assert "Following" in response.content.decode()
    assert Follow.objects.filter(user=other_member, target_id=idea.pk).exists()
    client.post(url, {"target_type": "idea", "target_id": idea.pk, "action": "unfollow", "next": "/"})
    assert not Follow.objects.filter(user=other_member, target_id=idea.pk).exists()
    assert client.post(url, {"target_type": "idea", "target_id": 999999}).status_code == 404
    assert client.post(url, {"target_type": "nothing", "target_id": idea.pk}).status_code == 404


def test_the_header_links_members_to_their_inbox(member_client: Client) -> None:
    page = member_client.get("/").content.decode()
    assert reverse("notifications:inbox") in page
    assert reverse("notifications:inbox") not in Client().get("/").content.decode()
    assert member_client.get(reverse("notifications:inbox")).status_code == 200
    assert Client().get(reverse("notifications:inbox")).status_code == 302


def test_follow_refuses_ids_that_are_digits_but_not_numbers(idea: Idea, member_client: Client) -> None:
    url = reverse("notifications:follow")
    before = Follow.objects.count()
    for raw in ("²", "1" * 5000):  # isdigit() says yes, int() refuses: a 404, never a 500
        assert member_client.post(url, {"target_type": "idea", "target_id": raw}).status_code == 404
    assert Follow.objects.count() == before
