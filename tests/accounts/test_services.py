"""Account writes: verified accounts, roles, profiles, API tokens and terms acceptance."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from cocreate.accounts import selectors, services
from cocreate.accounts.models import STAFF_ROLES, ApiToken, Role, TermsAcceptance, User
from cocreate.brand.models import TermsVersion
from cocreate.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


# --- Accounts and roles ---------------------------------------------------------------------------------


def test_a_verified_account_is_created_with_a_normalised_email() -> None:
    user = services.user_create_verified(
        actor=None, email="  Ada@Example.COM ", password=PASSWORD, display_name=" Ada "
    )
    user.refresh_from_db()
    assert user.email == "ada@example.com" and user.display_name == "Ada"
    assert user.check_password(PASSWORD)
    assert user.role == Role.MEMBER and not user.is_staff and not user.is_superuser
    address = EmailAddress.objects.get(user=user)
    assert address.email == "ada@example.com" and address.verified and address.primary


def test_an_account_without_a_password_cannot_log_in_by_password() -> None:
    user = services.user_create_verified(actor=None, email="script@example.com")
    assert not user.has_usable_password()


@pytest.mark.parametrize("email", ["member@example.com", "MEMBER@example.com", " Member@Example.com"])
def test_one_account_per_email_whatever_its_case(member: User, email: str) -> None:
    with pytest.raises(Conflict) as exc:
        services.user_create_verified(actor=None, email=email)
    assert exc.value.field == "email" and exc.value.status == 409
    assert User.objects.count() == 1


def test_the_database_also_refuses_an_email_in_another_case(member: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="MEMBER@EXAMPLE.COM")


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [("not-an-email", None, "email"), ("", None, "email"), ("new@example.com", "short", "password")],
)
def test_bad_account_input_is_refused(email: str, password: str | None, field: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.user_create_verified(actor=None, email=email, password=password)
    assert exc.value.field == field
    assert not User.objects.exists()


def test_only_admins_create_accounts(member: User, brand_admin: User) -> None:
    with pytest.raises(NotAllowed):
        services.user_create_verified(actor=member, email="new@example.com")
    created = services.user_create_verified(actor=brand_admin, email="new@example.com", role=Role.REVIEWER)
    assert created.is_staff and not created.is_superuser


@pytest.mark.parametrize("role", Role.values)
def test_the_role_decides_staff_and_superuser_flags(brand_admin: User, member: User, role: str) -> None:
    services.user_set_role(actor=brand_admin, user=member, role=role)
    member.refresh_from_db()
    assert member.role == role
    assert member.is_staff == (role in STAFF_ROLES)
    assert member.is_superuser == (role == Role.ADMIN)


def test_demoting_an_admin_removes_their_flags(brand_admin: User, make_user: Any) -> None:
    other_admin = make_user(Role.ADMIN, email="second@example.com")
    services.user_set_role(actor=brand_admin, user=other_admin, role=Role.MEMBER)
    other_admin.refresh_from_db()
    assert not other_admin.is_staff and not other_admin.is_superuser


@pytest.mark.parametrize("actor_role", [Role.MEMBER, Role.MODERATOR, Role.ANALYST, Role.REVIEWER])
def test_non_admins_cannot_change_roles(make_user: Any, member: User, actor_role: str) -> None:
    actor = make_user(actor_role)
    with pytest.raises(NotAllowed) as exc:
        services.user_set_role(actor=actor, user=member, role=Role.ADMIN)
    assert exc.value.status == 403
    member.refresh_from_db()
    assert member.role == Role.MEMBER and not member.is_staff and not member.is_superuser
    with pytest.raises(NotAllowed):
        services.user_set_role(actor=actor, user=actor, role=Role.ADMIN)


def test_an_admin_cannot_remove_their_own_admin_role(brand_admin: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.user_set_role(actor=brand_admin, user=brand_admin, role=Role.MEMBER)
    assert exc.value.field == "role"
    brand_admin.refresh_from_db()
    assert brand_admin.role == Role.ADMIN and brand_admin.is_superuser


def test_an_unknown_role_is_refused_with_the_list(brand_admin: User, member: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.user_set_role(actor=brand_admin, user=member, role="overlord")
    assert "overlord" in exc.value.message and "moderator" in exc.value.message
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_count_by_role(member: User, other_member: User, moderator: User) -> None:
    assert selectors.user_count_by_role() == {"member": 2, "moderator": 1}


# --- Profile -----------------------------------------------------------------------------------------


def test_profile_lists_are_cleaned_and_de_duplicated(member: User) -> None:
    services.profile_update(
        actor=member,
        user=member,
        interests=["  trains ", "Trains", "", "city   sets", "TRAINS"],
        skills="soldering,  Soldering , 3D printing,",
    )
    member.refresh_from_db()
    assert member.interests == ["trains", "city sets"]
    assert member.skills == ["soldering", "3D printing"]


def test_profile_fields_left_out_are_kept(member: User) -> None:
    services.profile_update(actor=member, user=member, display_name="Ada", bio="Hello", interests=["a"])
    services.profile_update(actor=member, user=member, bio="  Bye  ")
    member.refresh_from_db()
    assert (member.display_name, member.bio, member.interests) == ("Ada", "Bye", ["a"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"bio": "x" * 2001}, "bio"),
        ({"interests": {"not": "a list"}}, "interests"),
        ({"skills": [f"s{n}" for n in range(31)]}, "skills"),
        ({"skills": ["y" * 61]}, "skills"),
    ],
)
def test_bad_profile_input_names_the_field_and_saves_nothing(
    member: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as exc:
        services.profile_update(actor=member, user=member, **{"display_name": "Saved?", **changes})
    assert exc.value.field == field
    assert User.objects.get(pk=member.pk).display_name == "Member 1"


def test_members_edit_only_their_own_profile(member: User, other_member: User, brand_admin: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.profile_update(actor=other_member, user=member, display_name="Hacked")
    assert exc.value.status == 403
    services.profile_update(actor=brand_admin, user=member, display_name="Moderated name")
    member.refresh_from_db()
    assert member.display_name == "Moderated name"


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_as_a_hash(member: User) -> None:
    issued = services.token_create(actor=member, user=member, name=" sales  import ")
    assert issued.secret.startswith("cct_") and len(issued.secret) > 40
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.name == "sales import"
    assert token.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert token.prefix == issued.secret[:12]
    assert issued.secret not in {str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()}
    assert services.token_authenticate(issued.secret) == member


def test_token_authentication_marks_use_at_most_once_a_minute(member: User) -> None:
    issued = services.token_create(actor=member, user=member, name="script")
    assert ApiToken.objects.get().last_used_at is None
    services.token_authenticate(issued.secret)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    services.token_authenticate(issued.secret)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    services.token_authenticate(issued.secret)
    assert ApiToken.objects.get().last_used_at > first


@pytest.mark.parametrize("secret", ["", "cct_", "cct_wrong", "Bearer cct_x", "x" * 40, "cct_" + "a" * 200])
def test_garbage_tokens_authenticate_nobody(member: User, secret: str) -> None:
    services.token_create(actor=member, user=member, name="script")
    assert services.token_authenticate(secret) is None


def test_a_revoked_token_or_an_inactive_user_authenticates_nobody(member: User) -> None:
    revoked = services.token_create(actor=member, user=member, name="old")
    services.token_revoke(actor=member, token_id=revoked.token.pk)
    assert services.token_authenticate(revoked.secret) is None

    live = services.token_create(actor=member, user=member, name="new")
    member.is_active = False
    member.save()
    assert services.token_authenticate(live.secret) is None


def test_revoking_twice_keeps_the_first_time(member: User) -> None:
    issued = services.token_create(actor=member, user=member, name="script")
    first = services.token_revoke(actor=member, token_id=issued.token.pk).revoked_at
    assert services.token_revoke(actor=member, token_id=issued.token.pk).revoked_at == first


def test_another_member_cannot_revoke_or_create_my_tokens(member: User, other_member: User) -> None:
    issued = services.token_create(actor=member, user=member, name="mine")
    with pytest.raises(NotFound):
        services.token_revoke(actor=other_member, token_id=issued.token.pk)
    assert ApiToken.objects.get().revoked_at is None
    with pytest.raises(DomainError) as exc:
        services.token_create(actor=other_member, user=member, name="theirs")
    assert exc.value.status == 403
    assert ApiToken.objects.count() == 1


def test_an_admin_may_revoke_anyones_token(member: User, brand_admin: User) -> None:
    issued = services.token_create(actor=member, user=member, name="leaked")
    services.token_revoke(actor=brand_admin, token_id=issued.token.pk)
    assert services.token_authenticate(issued.secret) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_token_needs_a_sensible_name(member: User, name: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.token_create(actor=member, user=member, name=name)
    assert exc.value.field == "name"
    assert not ApiToken.objects.exists()


def test_at_most_twenty_active_tokens(member: User) -> None:
    tokens = [services.token_create(actor=member, user=member, name=f"t{n}") for n in range(20)]
    with pytest.raises(DomainError):
        services.token_create(actor=member, user=member, name="one too many")
    services.token_revoke(actor=member, token_id=tokens[0].token.pk)
    services.token_create(actor=member, user=member, name="now fine")
    assert member.api_tokens.filter(revoked_at__isnull=True).count() == 20


# --- Terms -------------------------------------------------------------------------------------------


def test_accepting_terms_is_recorded_once(member: User) -> None:
    terms = TermsVersion.objects.create(version=1, title="Terms", body="Be kind.")
    assert not selectors.terms_accepted(user=member, terms=terms)
    first = services.terms_accept(actor=member, terms=terms)
    again = services.terms_accept(actor=member, terms=terms)
    assert first.pk == again.pk and TermsAcceptance.objects.count() == 1
    assert selectors.terms_accepted(user=member, terms=terms)
