"""`cocreate user …`: operators create verified accounts, change roles and mint tokens from a shell."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client

from cocreate.accounts.models import ApiToken, Role, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[str]:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_user_add_with_a_token_prints_a_working_token_last() -> None:
    lines = _run("add", "Ops@Example.com", "--role", "moderator", "--name", "Ops", "--token")
    assert lines[0] == "Created ops@example.com (Moderator), email verified."
    secret = lines[-1]
    assert secret.startswith("cct_")

    user = User.objects.get(email="ops@example.com")
    assert user.role == Role.MODERATOR and user.is_staff and not user.is_superuser
    assert user.display_name == "Ops" and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert ApiToken.objects.get(user=user).name == "command line"

    response = Client().get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json()["email"] == "ops@example.com"


def test_user_add_with_a_password_can_log_in() -> None:
    lines = _run("add", "ada@example.com", "--password", PASSWORD)
    assert len(lines) == 1
    client = Client()
    response = client.post("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id")


def test_user_add_refuses_a_duplicate_email(member: User) -> None:
    with pytest.raises(CommandError, match="already exists"):
        _run("add", "MEMBER@example.com")
    assert User.objects.count() == 1


def test_user_add_refuses_an_unknown_role() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'overlord'"):
        _run("add", "ada@example.com", "--role", "overlord")
    assert not User.objects.exists()


def test_user_add_refuses_a_weak_password() -> None:
    with pytest.raises(CommandError, match="too short"):
        _run("add", "ada@example.com", "--password", "short")
    assert not User.objects.exists()


def test_user_role_changes_flags(member: User) -> None:
    assert _run("role", "Member@Example.com", "admin") == ["member@example.com is now Administrator."]
    member.refresh_from_db()
    assert member.role == Role.ADMIN and member.is_staff and member.is_superuser
    with pytest.raises(CommandError, match="No account"):
        _run("role", "nobody@example.com", "admin")


def test_user_token_for_an_existing_account(member: User) -> None:
    secret = _run("token", "member@example.com", "--name", "backup job")[-1]
    assert ApiToken.objects.get(user=member).name == "backup job"
    response = Client().get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["id"] == member.pk
