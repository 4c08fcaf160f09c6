"""A workshop in a real browser: a member registers, staff take attendance once the session took place,
the member answers the satisfaction survey, and the session shows on the satisfaction trend."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response, expect

from .conftest import LiveServer, log_in, run_cocreate

pytestmark = pytest.mark.browser

MEMBER = ("lena@example.com", "Lena Shipper")
STAFF = ("omar@example.com", "Omar Facilitator")
PASSWORD = "parcel-harbour-violet-73"
TITLE = "Returns without the queue"
SLUG = "returns-without-the-queue"
SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from cocreate.accounts.models import User
from cocreate.workshops import services
staff = User.objects.get(email={STAFF[0]!r})
centre = services.centre_create(
    actor=staff, name="Innovation Centre Troisdorf", city="Troisdorf", capacity=40
)
starts = timezone.now() + timedelta(days=2)
services.workshop_create(
    actor=staff, title={TITLE!r}, goal="Design a return that takes a minute.", starts_at=starts,
    ends_at=starts + timedelta(hours=3), capacity=8, centre=centre, room="Lab 1", status="published",
    facilitators=[staff],
)
"""
# Time passes: the session took place this morning.
HELD = f"""
from datetime import timedelta
from django.utils import timezone
from cocreate.workshops.models import Workshop
now = timezone.now()
Workshop.objects.filter(slug={SLUG!r}).update(
    starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=1)
)
"""


def test_register_attend_answer_and_see_the_trend(
    browser_page: Page, live_server_proc: LiveServer, add_account: Callable[..., None]
) -> None:
    page, base = browser_page, live_server_proc.url
    errors: list[str] = []

    def note_5xx(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_5xx)
    add_account(MEMBER[0], password=PASSWORD, name=MEMBER[1])
    add_account(STAFF[0], password=PASSWORD, name=STAFF[1], role="admin")
    run_cocreate(live_server_proc, "shell", "-c", SETUP)

    # The member finds the workshop in the programme and registers.
    log_in(page, base, MEMBER[0], PASSWORD)
    page.goto(f"{base}/workshops/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    expect(page.locator("#place-status")).to_contain_text("You are registered")
    expect(page.locator("#places")).to_contain_text("1 of 8 taken")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Add to calendar")).click()
    ics = download.value.path().read_bytes().decode()
    assert "BEGIN:VEVENT\r\n" in ics and f"SUMMARY:{TITLE}" in ics

    run_cocreate(live_server_proc, "shell", "-c", HELD)

    # The facilitator takes attendance.
    log_in(page, base, STAFF[0], PASSWORD)
    page.goto(f"{base}/workshops/{SLUG}/")
    page.get_by_role("link", name="Take attendance").click()
    page.get_by_label(f"{MEMBER[1]}: Present").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("1 newly present")).to_be_visible()
    expect(page.get_by_label(f"{MEMBER[1]}: Present")).to_be_checked()

    # The member answers the survey; a score out of range is impossible in the form, so it is complete.
    log_in(page, base, MEMBER[0], PASSWORD)
    page.goto(f"{base}/workshops/{SLUG}/")
    page.get_by_role("link", name=re.compile("Tell us how it went")).click()
    survey = page.locator("#survey")
    survey.locator("input[name=csat][value='4']").check()
    survey.locator("input[name=nps][value='9']").check()
    survey.get_by_label(re.compile("Anything to add")).fill("Short, practical, and the coffee was good.")
    with page.expect_navigation():
        survey.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you for your answers")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Tell us how it went"))).to_have_count(0)

    # Everyone sees the session on the satisfaction trend.
    page.context.clear_cookies()
    page.goto(f"{base}/workshops/satisfaction/")
    row = page.locator("#sessions tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Innovation Centre Troisdorf")
    expect(row.locator("td").nth(5)).to_have_text("4.0")  # CSAT
    expect(row.locator("td").nth(6)).to_have_text("100")  # NPS: one promoter
    expect(page.locator("#trend-chart rect")).to_have_count(1)
    expect(page.locator("#centres")).to_contain_text("Innovation Centre Troisdorf")
    assert not errors, errors
