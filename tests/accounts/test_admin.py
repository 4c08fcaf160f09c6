"""The back office's user screens: permissions follow the role, and flags follow the role through the
one service that decides them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cocreate.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _admin_change(client: Client, user: User, **changes: Any) -> Any:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "bio": user.bio,
        "interests": "[]",
        "skills": "[]",
        **changes,
    }
    return client.post(f"/admin/accounts/user/{user.pk}/change/", {k: v for k, v in data.items() if v != ""})


def test_an_admin_changes_a_role_in_the_back_office(admin_client_: Client, member: User) -> None:
    response = _admin_change(admin_client_, member, role=Role.MODERATOR)
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.role == Role.MODERATOR and member.is_staff and not member.is_superuser


def test_a_moderator_sees_users_but_cannot_change_roles(moderator: User, member: User) -> None:
    client = Client()
    client.force_login(moderator)
    assert client.get("/admin/accounts/user/").status_code == 200
    response = _admin_change(client, member, role=Role.ADMIN)
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.MEMBER and not member.is_staff and not member.is_superuser


def test_members_cannot_enter_the_back_office(member_client: Client, member: User) -> None:
    response = member_client.get("/admin/accounts/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_admin_cannot_demote_themselves_in_the_back_office(
    admin_client_: Client, brand_admin: User
) -> None:
    response = _admin_change(admin_client_, brand_admin, role=Role.MEMBER)
    assert response.status_code in (200, 302)
    brand_admin.refresh_from_db()
    assert brand_admin.role == Role.ADMIN and brand_admin.is_superuser and brand_admin.is_staff
