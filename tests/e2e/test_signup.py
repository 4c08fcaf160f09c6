"""A newcomer joins through the real sign-up, email confirmation and log-in pages in a real browser."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from .conftest import LiveServer

pytestmark = pytest.mark.browser

EMAIL = "ada@example.com"
NAME = "Ada Builder"
PASSWORD = "plum-orbit-lantern-47"
CONFIRM_PATH = re.compile(r"https?://[^\s/]+(/accounts/confirm-email/[^/\s]+/)")
# Django's file backend ends every message with a line of 79 dashes.
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


def _newest_mail(mail_dir: Path) -> EmailMessage:
    files = sorted(mail_dir.glob("*.log"), key=lambda f: f.stat().st_mtime_ns)
    assert files, f"no mail was written to {mail_dir}"
    raw = [m for m in files[-1].read_text().split(MAIL_SEPARATOR) if m.strip()][-1]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, message
    return str(part.get_content())


def _sign_up(page: Page, base: str, *, name: str, password2: str = PASSWORD, email: str = EMAIL) -> None:
    page.goto(f"{base}/accounts/signup/")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=display_name]").fill(name)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(password2)
    form.locator("input[name=accept_terms]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _log_out_if_logged_in(page: Page) -> None:
    log_out = page.locator(".account-nav").get_by_role("button", name="Log out")
    if log_out.count():
        with page.expect_navigation():
            log_out.click()
    expect(page.locator(".account-nav").get_by_role("link", name="Log in")).to_be_visible()


def test_a_newcomer_signs_up_confirms_their_email_and_logs_in(
    browser_page: Page, live_server_proc: LiveServer
) -> None:
    page, base = browser_page, live_server_proc.url
    server_errors: list[str] = []

    def note_5xx(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_5xx)

    # A typing slip is answered in place on the form, keeping what was typed.
    _sign_up(page, base, name=NAME, password2=PASSWORD + "x")
    expect(page).to_have_url(f"{base}/accounts/signup/")
    expect(page.locator("main form")).to_contain_text("You must type the same password each time")
    expect(page.locator("main form input[name=email]")).to_have_value(EMAIL)

    _sign_up(page, base, name=NAME)
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    message = _newest_mail(live_server_proc.mail_dir)
    assert message["To"] == EMAIL
    link = CONFIRM_PATH.search(_body(message))
    assert link, _body(message)
    page.goto(base + link.group(1))
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Confirm").click()
    assert not server_errors, server_errors

    _log_out_if_logged_in(page)
    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert not server_errors, server_errors
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("main")).to_contain_text(f"Welcome back, {NAME}.")
    expect(page.locator(".account-nav").get_by_role("button", name="Log out")).to_be_visible()

    # The same email again is answered in place on the form, in another letter case too.
    _log_out_if_logged_in(page)
    _sign_up(page, base, name="Someone Else", email=EMAIL.upper())
    assert not server_errors, server_errors
    expect(page).to_have_url(f"{base}/accounts/signup/")
    expect(page.locator("main form")).to_contain_text("already registered")
