"""The idea pages: the list (sorts, filters, search, pages, htmx), sharing, editing, submitting and
withdrawing an idea, the idea page, and the moderation queue."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from cocreate.accounts.models import User
from cocreate.brand import services as brand_services
from cocreate.challenges.models import (
    Challenge,
    ChallengeField,
    FieldKind,
    Idea,
    IdeaImage,
    IdeaRevision,
    IdeaStatus,
    Visibility,
)
from cocreate.challenges.services import ideas as services
from cocreate.journeys.models import Persona, PersonaOverride

pytestmark = pytest.mark.django_db

LIST = "/ideas/"
NEW = "/ideas/new/"
TITLES = re.compile(r'<h3><a href="/ideas/\d+/[^"]+/">([^<]+)</a></h3>')
MORE = re.compile(r'<a class="button secondary" href="(/ideas/\?[^"]*cursor=[^"]+)"')
TEXT = "A tall lighthouse with a working lamp, a keeper's cottage and rocks."


@pytest.fixture
def challenge(brand_admin: User) -> Challenge:
    return services.challenge_create(actor=brand_admin, title="Harbour sets")


def make_idea(author: User, challenge: Challenge, title: str, **kwargs: Any) -> Idea:
    return services.idea_create(
        actor=author, challenge=challenge, title=title, description=kwargs.pop("description", TEXT), **kwargs
    )


def titles(response: Any) -> list[str]:
    return TITLES.findall(response.content.decode())


def png(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {"title": "A harbour crane", "description": TEXT, "tags": "harbour, crane", "co_creators": ""}
    data.update(overrides)
    return data


# --- The list -----------------------------------------------------------------------------------------


def test_the_list_sorts_by_each_order(client: Client, member: User, challenge: Challenge) -> None:
    a, b, c = (make_idea(member, challenge, t) for t in ("Anchor", "Buoy", "Crane"))
    Idea.objects.filter(pk=a.pk).update(support_count=5, trending_score=1.0)
    Idea.objects.filter(pk=b.pk).update(
        support_count=95, trending_score=0.5, deadline=timezone.now() + timedelta(days=3)
    )
    Idea.objects.filter(pk=c.pk).update(support_count=40, trending_score=9.0)
    assert titles(client.get(LIST)) == ["Crane", "Anchor", "Buoy"]  # trending
    assert titles(client.get(LIST, {"sort": "most_supported"})) == ["Buoy", "Crane", "Anchor"]
    assert titles(client.get(LIST, {"sort": "newest"})) == ["Crane", "Buoy", "Anchor"]
    assert titles(client.get(LIST, {"sort": "ending_soon"}))[0] == "Buoy"
    # Closest to the next milestone (100 on the default ladder): Buoy needs 5 more, Crane 60, Anchor 95.
    assert titles(client.get(LIST, {"sort": "closest"})) == ["Buoy", "Crane", "Anchor"]
    # On the next rung the gap is to 1,000: 950 supports is closer than 40 of 100.
    Idea.objects.filter(pk=a.pk).update(support_count=950, milestone_index=1)
    assert titles(client.get(LIST, {"sort": "closest"})) == ["Buoy", "Anchor", "Crane"]
    assert titles(client.get(LIST, {"sort": "nonsense"})) == ["Crane", "Anchor", "Buoy"]


def test_the_list_filters_by_challenge_status_tag_and_product(
    client: Client, member: User, brand_admin: User, challenge: Challenge
) -> None:
    other = services.challenge_create(actor=brand_admin, title="Space")
    crane = brand_services.product_create(actor=brand_admin, name="Crane kit", description="")
    make_idea(member, challenge, "Lighthouse", tags="harbour, light")
    make_idea(member, other, "Rocket", tags="space", product=crane)
    done = make_idea(member, challenge, "Tugboat", tags="harbour")
    Idea.objects.filter(pk=done.pk).update(status=IdeaStatus.EXPIRED)
    make_idea(member, challenge, "Secret draft", submit=False)

    assert sorted(titles(client.get(LIST))) == ["Lighthouse", "Rocket", "Tugboat"]
    assert sorted(titles(client.get(LIST, {"challenge": challenge.slug}))) == ["Lighthouse", "Tugboat"]
    assert titles(client.get(LIST, {"status": "expired"})) == ["Tugboat"]
    assert "Secret draft" not in titles(client.get(LIST, {"status": "draft"}))  # not a public status
    assert sorted(titles(client.get(LIST, {"tag": "harbour"}))) == ["Lighthouse", "Tugboat"]
    assert titles(client.get(LIST, {"product": crane.pk})) == ["Rocket"]
    assert titles(client.get(LIST, {"challenge": "no-such", "product": "x"})) != []  # unknown filters ignored


def test_staff_filter_by_the_creators_persona(
    client: Client, member: User, other_member: User, moderator: User, challenge: Challenge
) -> None:
    make_idea(member, challenge, "Lighthouse")
    make_idea(other_member, challenge, "Rocket")
    builders = Persona.objects.create(name="Weekend builders")
    PersonaOverride.objects.create(persona=builders, user=other_member, include=True)
    # Personas come from profile answers: members do not see the filter and cannot use it.
    assert "Creator&#x27;s persona" not in client.get(LIST).content.decode()
    assert sorted(titles(client.get(LIST, {"persona": builders.pk}))) == ["Lighthouse", "Rocket"]
    client.force_login(moderator)
    assert titles(client.get(LIST, {"persona": builders.pk})) == ["Rocket"]


def test_search_keeps_the_relevance_order(client: Client, member: User, challenge: Challenge) -> None:
    make_idea(
        member, challenge, "Harbour crane", description="A crane for the harbour, with a hook and a cabin."
    )
    make_idea(member, challenge, "Lighthouse", description=TEXT)
    make_idea(member, challenge, "Steam train", description="A steam train with three coaches and a station.")
    response = client.get(LIST, {"q": "lighthouse lamp"})
    assert titles(response) == ["Lighthouse"]
    assert 'value="lighthouse lamp"' in response.content.decode()
    nothing = client.get(LIST, {"q": "submarine"})
    assert titles(nothing) == [] and "No idea matches" in nothing.content.decode()


def test_more_ideas_walks_every_page_once(client: Client, member: User, challenge: Challenge) -> None:
    for n in range(30):
        make_idea(member, challenge, f"Idea number {n:02d}")
    seen: list[str] = []
    url: str | None = LIST + "?sort=newest"
    pages = 0
    while url:
        html = client.get(url).content.decode()
        seen += TITLES.findall(html)
        more = MORE.search(html)
        url = more.group(1).replace("&amp;", "&") if more else None
        pages += 1
    assert pages == 2 and len(seen) == 30 == len(set(seen))
    assert "sort=newest" in MORE.search(client.get(LIST + "?sort=newest").content.decode()).group(1)  # type: ignore[union-attr]


def test_htmx_answers_the_results_or_the_next_cards(
    client: Client, member: User, challenge: Challenge
) -> None:
    for n in range(26):
        make_idea(member, challenge, f"Idea number {n:02d}")
    fragment = client.get(
        LIST, {"sort": "newest"}, headers={"HX-Request": "true", "HX-Target": "idea-results"}
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and 'id="idea-cards"' in html
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]
    cursor = MORE.search(html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    more = client.get(cursor, headers={"HX-Request": "true", "HX-Target": "more-ideas"}).content.decode()
    assert 'hx-swap-oob="beforeend:#idea-cards"' in more and "<html" not in more
    assert len(TITLES.findall(more)) == 2 and 'id="more-ideas"' in more
    # The filter form asks htmx to update the results and the address.
    page = client.get(LIST).content.decode()
    assert 'hx-target="#idea-results"' in page and 'hx-push-url="true"' in page


def test_the_list_costs_a_bounded_number_of_queries(
    client: Client, member: User, challenge: Challenge, django_assert_max_num_queries: Any
) -> None:
    for n in range(24):
        idea = make_idea(member, challenge, f"Idea number {n:02d}")
        IdeaImage.objects.create(idea=idea, image="ideas/x.png", thumbnail="ideas/thumbs/x.jpg")
    client.get(LIST)  # warm the default challenge and the session
    for params in ({}, {"sort": "closest"}, {"q": "idea", "tag": "x"}, {"sort": "ending_soon"}):
        with django_assert_max_num_queries(10):
            response = client.get(LIST, params)
        assert response.status_code == 200
    assert 'src="/media/ideas/thumbs/x.jpg"' in client.get(LIST).content.decode()


def test_a_forged_cursor_starts_again(client: Client, member: User, challenge: Challenge) -> None:
    make_idea(member, challenge, "Lighthouse")
    assert titles(client.get(LIST, {"cursor": "bm90IGEgY3Vyc29y"})) == ["Lighthouse"]


# --- Sharing an idea ----------------------------------------------------------------------------------


def test_sharing_needs_an_account(client: Client) -> None:
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_save_as_draft_then_submit(member_client: Client, member: User, other_member: User) -> None:
    response = member_client.post(NEW, form_data(action="draft", co_creators="OTHER@example.com"))
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/a-harbour-crane/"
    assert idea.status == IdeaStatus.DRAFT and idea.challenge.is_default  # no challenge chosen: the default
    assert list(idea.co_creators.all()) == [other_member]
    assert sorted(t.name for t in idea.tags.all()) == ["crane", "harbour"]
    page = member_client.get(response["Location"])
    assert "Your draft is saved" in page.content.decode() and "Submit this draft" in page.content.decode()
    # Nobody else sees a draft.
    assert Client().get(response["Location"]).status_code == 404
    mine = member_client.get("/ideas/mine/").content.decode()
    assert "A harbour crane" in mine and "Draft" in mine

    response = member_client.post(f"/ideas/{idea.pk}/submit/")
    idea.refresh_from_db()
    assert response.status_code == 302 and idea.status == IdeaStatus.PUBLISHED
    page = member_client.get(response["Location"]).content.decode()
    assert "Your idea is published" in page
    again = member_client.post(f"/ideas/{idea.pk}/submit/")
    assert again.status_code == 400 and "already been submitted" in again.content.decode()


def test_submit_at_once_with_images_and_answers(member_client: Client, brand_admin: User) -> None:
    challenge = services.challenge_create(actor=brand_admin, title="Trains", moderation_required=True)
    size = ChallengeField.objects.create(
        challenge=challenge, label="Pieces", kind=FieldKind.NUMBER, required=True
    )
    scale = ChallengeField.objects.create(
        challenge=challenge, label="Scale", kind=FieldKind.CHOICE, choices=["H0", "N"]
    )
    url = f"{NEW}?challenge={challenge.slug}"
    page = member_client.get(url).content.decode()
    assert "Pieces" in page and "Scale" in page and 'id="similar-ideas"' in page
    missing = member_client.post(url, form_data(action="submit"))
    assert missing.status_code == 400 and "“Pieces” is required." in missing.content.decode()
    assert Idea.objects.count() == 0
    response = member_client.post(
        url,
        {
            **form_data(action="submit"),
            f"field_{size.pk}": "1200",
            f"field_{scale.pk}": "N",
            "images": [png(), png()],
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and idea.status == IdeaStatus.SUBMITTED
    assert idea.images.count() == 2
    assert {a.field_id: a.value for a in idea.field_answers.all()} == {size.pk: "1200", scale.pk: "N"}
    page = member_client.get(response["Location"]).content.decode()
    assert "A moderator will review it first" in page and "1200" in page and "Awaiting moderation" in page


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("huge.png", b"\x89PNG" + b"0" * (50 * 1024 * 1024), content_type="image/png"),
        SimpleUploadedFile("notes.png", b"#!/bin/sh\necho not an image\n", content_type="image/png"),
    ],
    ids=["50MB", "not-an-image"],
)
def test_a_bad_upload_is_refused_in_place_and_nothing_is_saved(member_client: Client, upload: Any) -> None:
    response = member_client.post(NEW, form_data(action="submit", images=[png(), upload]))
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_images_errors" role="alert">.*(limit|not an image)', html, re.S)
    assert (
        "choose them again" in html and 'value="A harbour crane"' in html and "keeper&#x27;s cottage" in html
    )
    assert Idea.objects.count() == 0 and IdeaImage.objects.count() == 0


def test_errors_come_back_in_place_and_keep_what_was_typed(member_client: Client) -> None:
    response = member_client.post(
        NEW,
        form_data(
            title="", description="Too short", tags="a,b,c,d,e,f,g,h,i", co_creators="nobody@example.com"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_co_creators_errors"' in html and "nobody@example.com" in html
    response = member_client.post(NEW, form_data(description="Too short", tags="harbour"))
    html = response.content.decode()
    assert 'id="id_description_errors"' in html and "at least 20 characters" in html
    assert 'value="A harbour crane"' in html and 'value="harbour"' in html
    assert Idea.objects.count() == 0


def test_xss_in_title_description_and_tags_is_escaped(member_client: Client, client: Client) -> None:
    response = member_client.post(
        NEW,
        form_data(
            title='<script>alert("t")</script> crane',
            description="<img src=x onerror=alert(1)> hello there, long enough. [a](javascript:alert(2))",
            tags="<b onmouseover=alert(3)>bold</b>",
            action="submit",
        ),
    )
    assert response.status_code == 302
    for url in (response["Location"], LIST):
        html = client.get(url, follow=True).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;" in html
        assert "<img src=x" not in html and 'href="javascript' not in html
        assert "<b onmouseover" not in html


def test_invite_only_submission_accepts_the_terms(
    member_client: Client, member: User, brand_admin: User, other_member: User
) -> None:
    challenge = services.challenge_create(
        actor=brand_admin, title="Secret sets", visibility=Visibility.INVITE
    )
    services.challenge_invites_set(actor=brand_admin, challenge=challenge, users=[member])
    services.challenge_terms_publish(
        actor=brand_admin, challenge=challenge, title="NDA", body="Keep it **quiet**."
    )
    url = f"{NEW}?challenge={challenge.slug}"
    page = member_client.get(url).content.decode()
    assert "Keep it <strong>quiet</strong>." in page and "I accept “NDA” (version 1)" in page
    refused = member_client.post(url, form_data(action="submit"))
    assert refused.status_code == 400 and 'id="id_accept_terms_errors"' in refused.content.decode()
    assert Idea.objects.count() == 0
    ok = member_client.post(url, form_data(action="submit", accept_terms="on", terms_version="1"))
    assert ok.status_code == 302
    assert Idea.objects.get().terms_acceptances.count() == 1
    outsider = Client()
    outsider.force_login(other_member)
    assert outsider.get(url).status_code == 404
    assert outsider.get(ok["Location"]).status_code == 404


def test_a_closed_challenge_says_so(member_client: Client, brand_admin: User) -> None:
    now = timezone.now()
    challenge = services.challenge_create(
        actor=brand_admin,
        title="Past",
        submission_opens=now - timedelta(days=9),
        submission_closes=now - timedelta(days=1),
    )
    response = member_client.get(f"{NEW}?challenge={challenge.slug}")
    assert (
        "not taking ideas now" in response.content.decode()
        and "Save as draft" not in response.content.decode()
    )
    member_client.post(f"{NEW}?challenge={challenge.slug}", form_data())
    assert Idea.objects.count() == 0


# --- The idea page ------------------------------------------------------------------------------------


def test_the_idea_page_shows_progress_days_left_and_history(
    client: Client, member: User, other_member: User, challenge: Challenge
) -> None:
    idea = make_idea(member, challenge, "Lighthouse", tags="harbour", co_creators=[other_member])
    Idea.objects.filter(pk=idea.pk).update(
        support_count=42, deadline=timezone.now() + timedelta(days=10, hours=1)
    )
    html = client.get(f"/ideas/{idea.pk}/lighthouse/").content.decode()
    # The support box carries the progress bar to the next milestone and the days left.
    assert "Progress to 100 supporters" in html and "10 days left" in html
    assert re.search(r'<progress[^>]*value="42"', html)
    assert f'href="/members/{member.pk}/"' in html and f'href="/members/{other_member.pk}/"' in html
    assert 'href="/ideas/?tag=harbour"' in html and "Gathering support" in html and "Status history" in html
    assert "Edit history" not in html and "Withdraw" not in html


def test_short_and_stale_addresses_redirect_to_the_canonical_one(
    client: Client, member: User, challenge: Challenge
) -> None:
    idea = make_idea(member, challenge, "Lighthouse")
    for url in (f"/ideas/{idea.pk}/", f"/ideas/{idea.pk}/old-name/"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == f"/ideas/{idea.pk}/lighthouse/"
    assert client.get("/ideas/999999/").status_code == 404
    reserved = make_idea(member, challenge, "Edit")
    assert client.get(f"/ideas/{reserved.pk}/").headers["Location"] == f"/ideas/{reserved.pk}/edit-2/"
    assert client.get(f"/ideas/{reserved.pk}/edit-2/").status_code == 200


def test_a_merged_idea_redirects_permanently(client: Client, member: User, challenge: Challenge) -> None:
    kept = make_idea(member, challenge, "Lighthouse")
    merged = make_idea(member, challenge, "Light tower")
    Idea.objects.filter(pk=merged.pk).update(status=IdeaStatus.MERGED, merged_into=kept)
    for url in (f"/ideas/{merged.pk}/", f"/ideas/{merged.pk}/light-tower/"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == f"/ideas/{kept.pk}/lighthouse/"


# --- Editing, history, withdrawing --------------------------------------------------------------------


def test_editing_keeps_a_revision(member_client: Client, member: User, challenge: Challenge) -> None:
    idea = make_idea(member, challenge, "Lighthouse", tags="harbour", images=[png()])
    edit = f"/ideas/{idea.pk}/edit/"
    page = member_client.get(edit).content.decode()
    assert 'value="Lighthouse"' in page and 'value="harbour"' in page and "Remove images" in page
    image_id = idea.images.get().pk
    response = member_client.post(
        edit,
        form_data(
            title="Lighthouse with a lamp",
            tags="harbour, lamp",
            remove_images=[str(image_id)],
            images=[png()],
        ),
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Lighthouse with a lamp" and idea.images.count() == 1
    assert idea.images.get().pk != image_id
    revision = IdeaRevision.objects.get(idea=idea)
    assert revision.title == "Lighthouse" and revision.editor == member
    history = member_client.get(f"/ideas/{idea.pk}/history/").content.decode()
    assert "Lighthouse with a lamp" in history and "<summary>Lighthouse</summary>" in history
    assert "Member" in history


def test_a_member_cannot_edit_someone_elses_idea(
    client: Client, member: User, other_member: User, challenge: Challenge
) -> None:
    idea = make_idea(member, challenge, "Lighthouse")
    client.force_login(other_member)
    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 403
    assert client.post(f"/ideas/{idea.pk}/edit/", form_data(title="Mine now")).status_code == 403
    assert client.get(f"/ideas/{idea.pk}/history/").status_code == 403
    assert client.post(f"/ideas/{idea.pk}/withdraw/").status_code == 403
    idea.refresh_from_db()
    assert idea.title == "Lighthouse" and idea.status == IdeaStatus.PUBLISHED
    assert IdeaRevision.objects.count() == 0


def test_withdraw_asks_first(member_client: Client, member: User, challenge: Challenge) -> None:
    idea = make_idea(member, challenge, "Lighthouse")
    page = member_client.get(f"/ideas/{idea.pk}/withdraw/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    response = member_client.post(f"/ideas/{idea.pk}/withdraw/", {"message": "Built it myself."})
    idea.refresh_from_db()
    assert response.status_code == 302 and idea.status == IdeaStatus.WITHDRAWN
    assert idea.status_changes.last().message == "Built it myself."  # type: ignore[union-attr]
    # Withdrawn: no longer public, and the author can no longer edit it.
    assert Client().get(f"/ideas/{idea.pk}/lighthouse/").status_code == 404
    assert member_client.get(f"/ideas/{idea.pk}/edit/").status_code == 302


# --- Moderation ---------------------------------------------------------------------------------------


def test_moderation_approve_and_remove(
    client: Client, member: User, moderator: User, brand_admin: User
) -> None:
    challenge = services.challenge_create(actor=brand_admin, title="Moderated", moderation_required=True)
    first = make_idea(member, challenge, "Lighthouse")
    second = make_idea(member, challenge, "Spam spam spam")
    assert first.status == IdeaStatus.SUBMITTED
    client.force_login(member)
    assert client.get("/ideas/moderation/").status_code == 403
    assert client.post(f"/ideas/{first.pk}/moderate/", {"action": "approve"}).status_code == 403

    client.force_login(moderator)
    queue = client.get("/ideas/moderation/").content.decode()
    assert "Lighthouse" in queue and "Spam spam spam" in queue
    refused = client.post(f"/ideas/{second.pk}/moderate/", {"action": "remove", "message": "  "})
    assert refused.status_code == 400 and "Tell the creator why" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == IdeaStatus.SUBMITTED

    assert client.post(f"/ideas/{first.pk}/moderate/", {"action": "approve"}).status_code == 302
    removed = client.post(f"/ideas/{second.pk}/moderate/", {"action": "remove", "message": "Not an idea."})
    assert removed.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == IdeaStatus.PUBLISHED and second.status == IdeaStatus.REMOVED
    assert "No idea is waiting" in client.get("/ideas/moderation/").content.decode()
    author = Client()
    author.force_login(member)
    page = author.get(f"/ideas/{second.pk}/spam-spam-spam/").content.decode()
    assert "Removed by moderation" in page and "Not an idea." in page
    assert Client().get(f"/ideas/{second.pk}/spam-spam-spam/").status_code == 404
