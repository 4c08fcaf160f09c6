"""The member's own pages: profile, avatar, API tokens and the public member page."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from cocreate.accounts.models import ApiToken, User
from tests.core.files import CAMERA_MAKE, COMMENT, jpeg_with_metadata, metadata_of, png_bytes, upload

pytestmark = pytest.mark.django_db

PROFILE = "/account/profile/"
SECRET = re.compile(r'<code class="secret" id="new-token">(cct_[^<]+)</code>')


def _profile_data(**overrides: Any) -> dict[str, Any]:
    return {"display_name": "Ada", "bio": "", "interests": "", "skills": "", **overrides}


def _media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- Profile -----------------------------------------------------------------------------------------


def test_the_profile_page_needs_a_login(client: Client) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_edits_their_profile(member_client: Client, member: User) -> None:
    page = member_client.get(PROFILE)
    assert page.status_code == 200
    assert "member@example.com" in page.content.decode()

    response = member_client.post(
        PROFILE,
        _profile_data(
            display_name="  Ada   Builder ",
            bio="I build **castles**.",
            interests="trains, Castles, castles ,, architecture,  city   sets",
            skills="3D modelling, 3d modelling, illustration",
        ),
    )
    assert response.status_code == 302 and response["Location"] == PROFILE
    member.refresh_from_db()
    assert member.display_name == "Ada Builder"
    assert member.bio == "I build **castles**."
    assert member.interests == ["trains", "Castles", "architecture", "city sets"]
    assert member.skills == ["3D modelling", "illustration"]

    again = member_client.get(PROFILE)
    body = again.content.decode()
    assert "Your profile is saved." in body
    assert 'value="trains, Castles, architecture, city sets"' in body


def test_profile_lists_are_bounded_and_refused_in_place(member_client: Client, member: User) -> None:
    too_many = ", ".join(f"topic {n}" for n in range(31))
    response = member_client.post(PROFILE, _profile_data(interests=too_many))
    assert response.status_code == 200
    assert _errors(response, "interests") == ["At most 30 entries."]
    too_long = "x" * 61
    response = member_client.post(PROFILE, _profile_data(skills=too_long))
    assert _errors(response, "skills") == ["“xxxxxxxxxxxxxxxxxxxx…” is too long (at most 60 characters)."]
    member.refresh_from_db()
    assert member.interests == [] and member.skills == [] and member.display_name == "Member 1"


def test_an_avatar_is_re_encoded_without_its_metadata(
    member_client: Client, member: User, settings: Any
) -> None:
    original = jpeg_with_metadata()
    assert metadata_of(original)  # the upload really does carry EXIF, a comment and a colour profile
    response = member_client.post(PROFILE, _profile_data(avatar=upload("holiday.png", original, "image/png")))
    assert response.status_code == 302

    member.refresh_from_db()
    assert member.avatar.name.startswith("avatars/avatar-") and member.avatar.name.endswith(".jpg")
    stored = Path(member.avatar.path).read_bytes()
    assert metadata_of(stored) == {}
    assert CAMERA_MAKE.encode() not in stored and COMMENT not in stored
    # The orientation tag was applied to the pixels before it was dropped.
    assert Image.open(Path(member.avatar.path)).size == (48, 64)
    assert _media_files(settings) == [Path(member.avatar.path)]
    assert member.avatar.url in member_client.get(PROFILE).content.decode()


def test_a_png_avatar_stays_a_png_and_is_shrunk(member_client: Client, member: User) -> None:
    response = member_client.post(PROFILE, _profile_data(avatar=upload("me.png", png_bytes((1200, 600)))))
    assert response.status_code == 302
    member.refresh_from_db()
    image = Image.open(member.avatar.path)
    assert image.format == "PNG" and image.size == (512, 256)


def test_replacing_an_avatar_deletes_the_old_file(
    member_client: Client, member: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE, _profile_data(avatar=upload("one.png", png_bytes())))
    member.refresh_from_db()
    first = Path(member.avatar.path)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE, _profile_data(avatar=upload("two.png", png_bytes(colour=(0, 0, 0)))))
    member.refresh_from_db()
    assert not first.exists()
    assert _media_files(settings) == [Path(member.avatar.path)]
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE, _profile_data(**{"avatar-clear": "on"}))
    member.refresh_from_db()
    assert not member.avatar and _media_files(settings) == []


@pytest.mark.parametrize(
    ("payload", "overrides", "message"),
    [
        (b"just some text, not an image\n", {}, "This file is not an image we can read."),
        (b"GIF89a" + b"\0" * 40, {}, "This file is not an image we can read."),
        (png_bytes((20, 20)), {"COCREATE_IMAGE_MAX_PIXELS": 100}, "The image has too many pixels (20×20)."),
        (png_bytes((200, 200)), {"COCREATE_IMAGE_MAX_BYTES": 300}, "the limit is"),
    ],
    ids=["text-file", "truncated-gif", "too-many-pixels", "too-many-bytes"],
)
def test_a_bad_avatar_is_refused_in_place_and_nothing_is_saved(
    member_client: Client,
    member: User,
    settings: Any,
    payload: bytes,
    overrides: dict[str, int],
    message: str,
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    response = member_client.post(
        PROFILE, _profile_data(display_name="Changed", avatar=upload("avatar.png", payload))
    )
    assert response.status_code == 200
    errors = _errors(response, "avatar")
    assert len(errors) == 1 and message in errors[0]
    assert message in response.content.decode()
    # The refused change does not show as if it were saved (the header still has the saved name).
    assert '<span class="who">Member 1</span>' in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar and member.display_name == "Member 1"
    assert _media_files(settings) == []


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_made_on_the_profile_page_is_shown_once_and_stored_hashed(
    member_client: Client, member: User
) -> None:
    response = member_client.post(reverse("accounts:token-create"), {"name": "  sales   import "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body  # without htmx: the whole profile page
    secret = SECRET.search(body).group(1)  # type: ignore[union-attr]

    token = ApiToken.objects.get(user=member)
    assert token.name == "sales import"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored

    later = member_client.get(PROFILE).content.decode()
    assert secret not in later and token.prefix in later and "sales import" in later

    api = Client()
    me = api.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["email"] == "member@example.com"


def test_a_token_made_with_htmx_answers_the_panel_only(member_client: Client, member: User) -> None:
    response = member_client.post(
        reverse("accounts:token-create"), {"name": "script"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="token-panel">') and "<html" not in body
    secret = SECRET.search(body).group(1)  # type: ignore[union-attr]
    assert ApiToken.objects.get(user=member).key_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_a_token_needs_a_name(member_client: Client, member: User) -> None:
    response = member_client.post(reverse("accounts:token-create"), {"name": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    htmx = member_client.post(reverse("accounts:token-create"), {"name": ""}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "This field is required." in htmx.content.decode()
    assert not ApiToken.objects.exists()


def test_a_member_revokes_their_token_and_it_stops_working(member_client: Client, member: User) -> None:
    body = member_client.post(reverse("accounts:token-create"), {"name": "script"}).content.decode()
    secret = SECRET.search(body).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get(user=member)

    response = member_client.post(
        reverse("accounts:token-revoke", args=[token.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None

    me = Client().get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_another_member_cannot_revoke_my_token(client: Client, member: User, other_member: User) -> None:
    client.force_login(member)
    client.post(reverse("accounts:token-create"), {"name": "mine"})
    token = ApiToken.objects.get(user=member)

    intruder = Client()
    intruder.force_login(other_member)
    response = intruder.post(reverse("accounts:token-revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    assert "No such token." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_pages_refuse_get_and_visitors(client: Client, member: User) -> None:
    assert client.post(reverse("accounts:token-create"), {"name": "x"}).status_code == 302
    client.force_login(member)
    assert client.get(reverse("accounts:token-create")).status_code == 405
    assert not ApiToken.objects.exists()


# --- Public member page -------------------------------------------------------------------------------


def test_the_public_member_page(client: Client, member: User) -> None:
    member.display_name = "Ada Builder"
    member.bio = "I build *castles*. <script>alert(1)</script> [x](javascript:alert(2))"
    member.interests = ["trains", "castles"]
    member.skills = ["soldering"]
    member.save()

    response = client.get(reverse("accounts:member-detail", args=[member.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Ada Builder</h1>" in body
    assert "<em>castles</em>" in body
    assert "<li>trains</li>" in body and "<li>soldering</li>" in body
    assert "<script>alert" not in body and 'href="javascript:' not in body
    assert "member@example.com" not in body  # an email address is never public


def test_an_inactive_or_unknown_member_has_no_page(client: Client, member: User) -> None:
    member.is_active = False
    member.save()
    assert client.get(reverse("accounts:member-detail", args=[member.pk])).status_code == 404
    assert client.get("/members/999999/").status_code == 404
