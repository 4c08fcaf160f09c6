"""Sign-up, email confirmation, log-in, log-out and password reset through the real allauth views, as
configured by settings (mandatory verification, rate limits), the adapter and SignupExtraForm."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import TermsAcceptance, User
from cocreate.brand.models import TermsVersion
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orbit-lantern-47"
CONFIRM_LINK = re.compile(r"https?://[^\s/]+(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"https?://[^\s/]+(/accounts/password/reset/key/[^/\s]+/)")


@pytest.fixture
def terms() -> TermsVersion:
    return TermsVersion.objects.create(version=1, title="Participation terms", body="Be kind.")


def _signup(client: Client, **overrides: Any) -> Any:
    data = {
        "email": "ada@example.com",
        "display_name": "Ada Builder",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "accept_terms": "on",
        **overrides,
    }
    return client.post(reverse("account_signup"), {k: v for k, v in data.items() if v is not None})


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def _field_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_sign_up_sends_a_confirmation_and_login_waits_for_it(client: Client, terms: TermsVersion) -> None:
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="ada@example.com")
    assert user.display_name == "Ada Builder"
    assert user.role == "member" and not user.is_staff and not user.is_superuser
    assert not EmailAddress.objects.get(user=user).verified
    assert _logged_in_as(client) is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("[Cocreate] ")
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body

    # Logging in before following the link is refused: allauth sends the visitor to "check your email".
    other = Client()
    refused = _login(other, "ada@example.com", NEW_PASSWORD)
    assert refused.status_code == 302
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_as(other) is None

    # Confirming is a POST (a GET only shows the page, so mail scanners cannot confirm by prefetching).
    page = other.get(link.group(1))
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    confirmed = other.post(link.group(1))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    fresh = Client()
    assert _login(fresh, "ADA@example.com", NEW_PASSWORD).status_code == 302
    assert _logged_in_as(fresh) == user.pk


def test_the_display_name_given_at_sign_up_is_cleaned_like_the_profile(client: Client) -> None:
    assert _signup(client, display_name="  Ada    Builder ").status_code == 302
    assert User.objects.get(email="ada@example.com").display_name == "Ada Builder"


def test_sign_up_records_acceptance_of_the_current_terms(client: Client, terms: TermsVersion) -> None:
    current = TermsVersion.objects.create(version=2, title="Participation terms", body="Be kinder.")
    assert _signup(client).status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert list(TermsAcceptance.objects.filter(user=user).values_list("terms__version", flat=True)) == [
        current.version
    ]


def test_the_terms_checkbox_is_required(client: Client, terms: TermsVersion) -> None:
    response = _signup(client, accept_terms=None)
    assert response.status_code == 200
    assert _field_errors(response, "accept_terms") == ["Accept the participation terms to join."]
    assert "Accept the participation terms to join." in response.content.decode()
    assert not User.objects.filter(email="ada@example.com").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["member@example.com", "Member@EXAMPLE.com"])
def test_an_email_already_in_use_is_refused_in_place(client: Client, member: User, email: str) -> None:
    response = _signup(client, email=email)
    assert response.status_code == 200
    assert _field_errors(response, "email") == ["A user is already registered with this email address."]
    assert User.objects.filter(email__iexact="member@example.com").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("12345678901234", "This password is entirely numeric."),
    ],
)
def test_a_weak_password_is_refused_in_place(client: Client, password: str, message: str) -> None:
    response = _signup(client, password1=password, password2=password)
    assert response.status_code == 200
    assert message in _field_errors(response, "password1")
    assert message in response.content.decode()
    assert not User.objects.filter(email="ada@example.com").exists()


def test_log_in_and_log_out(client: Client, member: User) -> None:
    wrong = _login(client, "member@example.com", "not-the-password")
    assert wrong.status_code == 200
    assert "The email address and/or password you specified are not correct." in wrong.content.decode()
    assert _logged_in_as(client) is None

    response = _login(client, "member@example.com", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("brand:home")
    assert _logged_in_as(client) == member.pk
    assert "Log out" in client.get(reverse("brand:home")).content.decode()

    # Log-out is a POST (a GET shows a confirmation page and keeps the session).
    assert client.get(reverse("account_logout")).status_code == 200
    assert _logged_in_as(client) == member.pk
    assert client.post(reverse("account_logout")).status_code == 302
    assert _logged_in_as(client) is None
    assert "Log in" in client.get(reverse("brand:home")).content.decode()


def test_repeated_failed_logins_are_rate_limited(client: Client, member: User) -> None:
    for _attempt in range(5):
        response = _login(client, "member@example.com", "guess-" + str(_attempt))
        assert "Too many failed login attempts" not in response.content.decode()
    # The sixth attempt is refused even with the right password (and with the email in another case).
    blocked = _login(client, "MEMBER@example.com", PASSWORD)
    assert blocked.status_code == 200
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert _logged_in_as(client) is None
    # Another account from the same address is not locked out by the per-account limit.
    other = User.objects.create_user(email="someone@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    assert _login(Client(), "someone@example.com", PASSWORD).status_code == 302


def test_failed_logins_per_address_are_limited_across_accounts(client: Client, member: User) -> None:
    for n in range(10):
        _login(client, f"nobody{n}@example.com", "guess")
    blocked = _login(client, "member@example.com", PASSWORD)
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert _logged_in_as(client) is None


def test_password_reset_sends_a_working_link(client: Client, member: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "Member@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member@example.com"]
    link = RESET_LINK.search(mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert _login(Client(), "member@example.com", NEW_PASSWORD).status_code == 302


def test_sign_up_and_login_pages_render_for_visitors(client: Client) -> None:
    for name in ("account_signup", "account_login", "account_reset_password"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert 'name="accept_terms"' in client.get(reverse("account_signup")).content.decode()
