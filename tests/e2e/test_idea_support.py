"""The LEGO Ideas loop in a real browser: a member shares an idea, another supports it, the idea reaches
its first milestone, and the creator finds the milestone in their notifications once the worker ran."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response, expect

from .conftest import LiveServer, log_in, run_cocreate

pytestmark = pytest.mark.browser

CREATOR = ("creator@example.com", "Cora Creator")
FAN = ("fan@example.com", "Fin Fan")
PASSWORD = "harbour-lamp-quartz-42"
TITLE = "A lighthouse with a working lamp"
CHALLENGE = "Harbour test"
# A short ladder: the first support is a milestone.
SETUP = (
    "from cocreate.challenges.services.ideas import challenge_create\n"
    f"challenge_create(actor=None, title={CHALLENGE!r}, "
    "ladder=[{'at': 0, 'days': 60}, {'at': 1, 'days': 30}], allow_self_support=False)\n"
)


def test_submit_support_milestone_notification(
    browser_page: Page, live_server_proc: LiveServer, add_account: Callable[..., None]
) -> None:
    page, base = browser_page, live_server_proc.url
    errors: list[str] = []

    def note_5xx(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_5xx)
    add_account(CREATOR[0], password=PASSWORD, name=CREATOR[1])
    add_account(FAN[0], password=PASSWORD, name=FAN[1])
    run_cocreate(live_server_proc, "shell", "-c", SETUP)

    # The creator shares an idea in the challenge.
    log_in(page, base, CREATOR[0], PASSWORD)
    page.goto(f"{base}/challenges/")
    page.get_by_role("link", name=CHALLENGE).first.click()
    page.get_by_role("link", name="Share an idea").first.click()
    form = page.locator("main form").first
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill(
        "A tall lighthouse whose lamp really turns, with a keeper's cottage that opens like a dollhouse."
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gathering support")
    idea_url = page.url
    # Creators cannot support their own idea in this challenge.
    expect(page.get_by_role("button", name="Support this idea")).to_have_count(0)

    # A fan supports it; the support box answers in place.
    log_in(page, base, FAN[0], PASSWORD)
    page.goto(idea_url)
    page.get_by_role("button", name="Support this idea").click()
    expect(page.locator("main")).to_contain_text("You support this idea")
    # Supporting again is harmless: the button is gone and the count stays at one.
    page.reload()
    expect(page.get_by_role("button", name="Support this idea")).to_have_count(0)

    # The worker runs the queued notification tasks; the creator sees the milestone.
    run_cocreate(live_server_proc, "worker", "--batch")
    log_in(page, base, CREATOR[0], PASSWORD)
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text("Your idea reached 1 supports")
    assert not errors, errors
