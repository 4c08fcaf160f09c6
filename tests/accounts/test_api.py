"""/api/v1/accounts: the account behind a token or a session, profile edits and tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cocreate.accounts import services
from cocreate.accounts.models import ApiToken, User
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def _csrf_client(user: User) -> tuple[Client, str]:
    """A logged-in browser that enforces CSRF like a real one, and the CSRF token its pages carry."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/account/profile/")
    return client, client.cookies["csrftoken"].value


def test_me_with_a_token(api_for: Any, member: User) -> None:
    response = api_for(member).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == member.pk and body["email"] == "member@example.com"
    assert body["role"] == "member" and body["public_name"] == "Member 1"
    assert body["avatar_url"] is None and body["interests"] == []


def test_me_with_a_session(member_client: Client, member: User) -> None:
    response = member_client.get(ME)
    assert response.status_code == 200 and response.json()["email"] == "member@example.com"


def test_me_without_authentication_is_401(api_for: Any) -> None:
    body = assert_error_shape(api_for(None).get(ME), 401)
    assert "Bearer" in body["detail"]
    assert_error_shape(Client().get(ME, headers={"Authorization": "Bearer cct_nope"}), 401)
    assert_error_shape(Client().get(ME, headers={"Authorization": "Basic YTpi"}), 401)


def test_a_session_needs_the_csrf_token_for_writes(member: User) -> None:
    client, csrf = _csrf_client(member)
    refused = client.patch(ME, {"display_name": "Forged"}, content_type="application/json")
    assert_error_shape(refused, 403)
    member.refresh_from_db()
    assert member.display_name == "Member 1"

    allowed = client.patch(
        ME, {"display_name": "Ada"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert allowed.status_code == 200, allowed.content
    member.refresh_from_db()
    assert member.display_name == "Ada"
    # Reads need no CSRF token.
    assert client.get(ME).status_code == 200


def test_a_token_needs_no_csrf_token(member: User) -> None:
    secret = services.token_create(actor=member, user=member, name="script").secret
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        ME,
        {"bio": "From a script"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.bio == "From a script"


def test_patch_me_edits_the_profile(api_for: Any, member: User) -> None:
    response = api_for(member).patch(
        ME, {"display_name": " Ada  Builder ", "interests": ["trains", "Trains", " city sets "]}
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ada Builder"
    member.refresh_from_db()
    assert member.display_name == "Ada Builder" and member.interests == ["trains", "city sets"]
    assert member.skills == []


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"display_name": "x" * 81}, 422, "display_name"),
        ({"bio": "x" * 2001}, 422, "bio"),
        ({"interests": "trains"}, 422, "interests"),
        ({"interests": [1, 2]}, 422, "interests.0"),
        ({"skills": [f"s{n}" for n in range(31)]}, 400, "skills"),
        ({"skills": ["y" * 61]}, 400, "skills"),
    ],
)
def test_patch_me_errors_name_the_field(
    api_for: Any, member: User, payload: dict[str, Any], status: int, field: str
) -> None:
    assert_error_shape(api_for(member).patch(ME, payload), status, field)
    member.refresh_from_db()
    assert member.display_name == "Member 1" and member.skills == [] and member.interests == []


def test_role_and_email_cannot_be_changed_through_me(api_for: Any, member: User) -> None:
    response = api_for(member).patch(ME, {"role": "admin", "email": "boss@example.com", "bio": "hi"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.role == "member" and member.email == "member@example.com" and member.bio == "hi"
    assert not member.is_staff


def test_tokens_are_listed_without_secrets(api_for: Any, member: User, other_member: User) -> None:
    services.token_create(actor=other_member, user=other_member, name="not mine")
    response = api_for(member).get(f"{ME}/tokens")
    assert response.status_code == 200
    tokens = response.json()
    assert [t["name"] for t in tokens] == ["tests"]
    assert set(tokens[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert tokens[0]["last_used_at"] is not None  # this very call used it


def test_revoking_a_token_through_the_api(api_for: Any, member: User) -> None:
    api = api_for(member)
    other = services.token_create(actor=member, user=member, name="old script")
    response = api.delete(f"{ME}/tokens/{other.token.pk}")
    assert response.status_code == 200 and response.json()["revoked_at"] is not None
    assert_error_shape(Client().get(ME, headers={"Authorization": f"Bearer {other.secret}"}), 401)
    # The token making the calls still works.
    assert api.get(ME).status_code == 200


def test_a_revoked_token_gets_401_even_for_writes(member: User) -> None:
    issued = services.token_create(actor=member, user=member, name="script")
    services.token_revoke(actor=member, token_id=issued.token.pk)
    # A real client (CSRF enforced, no session): the answer is "authenticate", not a CSRF failure.
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert_error_shape(client.get(ME, headers=headers), 401)
    assert_error_shape(client.patch(ME, {"bio": "x"}, content_type="application/json", headers=headers), 401)
    assert_error_shape(client.delete(f"{ME}/tokens/{issued.token.pk}", headers=headers), 401)


def test_another_member_cannot_revoke_my_token(api_for: Any, member: User, other_member: User) -> None:
    mine = services.token_create(actor=member, user=member, name="mine")
    assert_error_shape(api_for(other_member).delete(f"{ME}/tokens/{mine.token.pk}"), 404, "token_id")
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is None
    assert_error_shape(api_for(member).delete(f"{ME}/tokens/999999"), 404, "token_id")
