"""The discussion as a member sees it: forms without JavaScript, htmx fragments, escaping, moderation."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from cocreate.discussions import services
from cocreate.discussions.models import Comment, Flag
from cocreate.discussions.owners import owner_url

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(1))'


def test_plain_post_redirects_to_the_owner_page_at_the_comment(idea: Any, member_client: Client) -> None:
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    response = member_client.post(url, {"body": "What a **bright** idea"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{owner_url(idea.discussion)}#comment-{comment.pk}"


def test_htmx_post_swaps_the_thread_and_escapes_user_text(
    idea: Any, client: Client, other_member: Any, make_user: Any
) -> None:
    villain = make_user(display_name='<b onmouseover="x">Eve</b>')
    client.force_login(villain)
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    response = client.post(url, {"body": XSS}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="discussion-{idea.discussion.pk}"' in html
    assert "<script>alert" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror" in html
    assert "<b onmouseover" not in html and "&lt;b onmouseover" in html
    assert "1 comment" in html


def test_reply_with_an_error_is_shown_in_place(idea: Any, member_client: Client, other_member: Any) -> None:
    top = services.comment_post(actor=other_member, discussion=idea.discussion, body="Top")
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    response = member_client.post(url, {"body": "   ", "parent": str(top.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write something first." in html and f'id="reply-error-{top.pk}"' in html


def test_locked_discussion_shows_why_and_has_no_form(
    idea: Any, member_client: Client, moderator: Any, member: Any
) -> None:
    services.discussion_lock(actor=moderator, discussion=idea.discussion, locked=True)
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    response = member_client.post(url, {"body": "Let me in"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "This discussion is locked" in html and 'name="body"' not in html
    assert Comment.objects.count() == 0


def test_the_idea_page_partial_renders_the_thread(idea: Any, member: Any, other_member: Any) -> None:
    services.comment_post(actor=other_member, discussion=idea.discussion, body="Shown on the idea page")
    request = RequestFactory().get("/ideas/x/")
    request.user = member
    html = render_to_string(
        "discussions/partials/discussion.html",
        {"discussion": idea.discussion, "user": member},
        request=request,
    )
    assert "Shown on the idea page" in html and 'name="body"' in html and "csrfmiddlewaretoken" in html
    assert "Post as a creator update" in html  # the author may post updates


def test_show_more_pages_through_comments(
    idea: Any, client: Client, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        services.comment_post(actor=make_user(), discussion=idea.discussion, body=f"Comment {i}")
    url = reverse("discussions:discussion", args=[idea.discussion.pk])
    with django_assert_max_num_queries(12):
        first = client.get(url)
    html = first.content.decode()
    assert "Comment 24" in html and "Comment 4" not in html.replace("Comment 24", "")
    assert "Show more comments" in html
    cursor = html.split("?cursor=")[1].split('"')[0]
    more = client.get(f"{url}?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert more.status_code == 200 and "Comment 0" in more.content.decode()
    assert "<html" not in more.content.decode()
    assert client.get(f"{url}?cursor=forged").status_code == 200


def test_reacting_returns_the_counts(idea: Any, member_client: Client, other_member: Any) -> None:
    comment = services.comment_post(actor=other_member, discussion=idea.discussion, body="React to me")
    url = reverse("discussions:comment-react", args=[comment.pk])
    response = member_client.post(url, {"emoji": "❤️"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'aria-pressed="true"' in html
    assert '<span class="reaction-count">1</span>' in html
    assert member_client.post(url, {"emoji": "nope"}, HTTP_HX_REQUEST="true").status_code == 400


def test_edit_delete_and_history(idea: Any, member_client: Client, member: Any, client: Client) -> None:
    comment = services.comment_post(actor=member, discussion=idea.discussion, body="First words")
    edit = reverse("discussions:comment-edit", args=[comment.pk])
    assert member_client.get(edit).status_code == 200
    assert member_client.post(edit, {"body": ""}).status_code == 400
    assert member_client.post(edit, {"body": "Second words"}).status_code == 302
    history = client.get(reverse("discussions:comment-history", args=[comment.pk])).content.decode()
    assert "First words" in history and "Second words" in history
    delete = reverse("discussions:comment-delete", args=[comment.pk])
    assert member_client.get(delete).status_code == 200
    assert member_client.post(delete).status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_at is not None


def test_others_cannot_edit_or_delete(idea: Any, client: Client, other_member: Any, member: Any) -> None:
    comment = services.comment_post(actor=member, discussion=idea.discussion, body="Mine")
    client.force_login(other_member)
    assert (
        client.post(reverse("discussions:comment-edit", args=[comment.pk]), {"body": "x"}).status_code == 404
    )
    assert client.post(reverse("discussions:comment-delete", args=[comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.deleted_at is None


def test_flag_form_and_moderation_queue(
    idea: Any, member_client: Client, other_member: Any, moderator: Any, client: Client
) -> None:
    comment = services.comment_post(actor=other_member, discussion=idea.discussion, body="Spam spam")
    flag_url = reverse("discussions:comment-flag", args=[comment.pk])
    assert member_client.get(flag_url).status_code == 200
    bad = member_client.post(flag_url, {"reason": "other", "note": ""})
    assert bad.status_code == 400 and "Tell the moderators" in bad.content.decode()
    assert member_client.post(flag_url, {"reason": "spam"}).status_code == 302
    queue = reverse("discussions:flag-queue")
    assert member_client.get(queue).status_code == 404
    client.force_login(moderator)
    page = client.get(queue).content.decode()
    assert "Spam spam" in page and "Spam or advertising" in page
    response = client.post(reverse("discussions:flag-resolve", args=[comment.pk]), {"action": "hide"})
    assert response.status_code == 302
    assert Flag.objects.get().resolution == "hidden"
    assert "no open reports" in client.get(queue).content.decode()


def test_anonymous_visitors_read_but_cannot_post(idea: Any, client: Client, other_member: Any) -> None:
    services.comment_post(actor=other_member, discussion=idea.discussion, body="Public words")
    page = client.get(reverse("discussions:discussion", args=[idea.discussion.pk])).content.decode()
    assert "Public words" in page and "Log in" in page and 'name="body"' not in page
    response = client.post(reverse("discussions:comment-post", args=[idea.discussion.pk]), {"body": "Hi"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_idea_page_shows_the_discussion(idea: Any, member_client: Client, other_member: Any) -> None:
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    response = member_client.post(url, {"body": "Seen on the **idea page**"})
    page = response["Location"].split("#")[0]
    if page == "/":
        pytest.skip("the idea page is not routed in this tree")
    html = member_client.get(page).content.decode()
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in html and "<strong>idea page</strong>" in html


def test_a_reply_to_a_missing_or_forged_parent_keeps_the_text_and_shows_the_error(
    idea: Any, member_client: Client
) -> None:
    url = reverse("discussions:comment-post", args=[idea.discussion.pk])
    for raw in ("²", "1" * 5000, "999999"):  # isdigit() says yes to the first two, int() refuses them
        response = member_client.post(url, {"body": "Kept text", "parent": raw})
        assert response.status_code == 400
        html = response.content.decode()
        assert "No such comment in this discussion." in html and ">Kept text</textarea>" in html
    assert not Comment.objects.filter(body="Kept text").exists()
