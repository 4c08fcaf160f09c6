"""The "you said, we did" loop in a real browser: a member posts a suggestion, staff triage it in the inbox
and record the improvement it led to, and the member sees the status on their post, the notification and
the impact on their profile once the worker ran."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, Response, expect

from .conftest import LiveServer, log_in, run_cocreate

pytestmark = pytest.mark.browser

MEMBER = ("maya@example.com", "Maya Member")
STAFF = ("sam@example.com", "Sam Staff")
PASSWORD = "lantern-river-copper-58"
TITLE = "Let the lamp remember its last brightness"
BOARD = "Trail Lamp"
SETUP = (
    "from cocreate.community.models import Board\n"
    f"Board.objects.create(name={BOARD!r}, slug='trail-lamp', description='Everything about the lamp')\n"
)


def test_post_triage_improvement_and_the_contributor_sees_it(
    browser_page: Page, live_server_proc: LiveServer, add_account: Callable[..., None]
) -> None:
    page, base = browser_page, live_server_proc.url
    errors: list[str] = []

    def note_5xx(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_5xx)
    add_account(MEMBER[0], password=PASSWORD, name=MEMBER[1])
    add_account(STAFF[0], password=PASSWORD, name=STAFF[1], role="moderator")
    run_cocreate(live_server_proc, "shell", "-c", SETUP)

    # The member posts an improvement suggestion on the board.
    log_in(page, base, MEMBER[0], PASSWORD)
    page.goto(f"{base}/community/")
    page.get_by_role("link", name=BOARD).first.click()
    page.get_by_role("link", name="New post").first.click()
    form = page.locator("form.forum-form")
    form.get_by_label("What kind of post").select_option("suggestion")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Text").fill(
        "Every time I switch the lamp on it starts at full power. It should come back where I left it."
    )
    with page.expect_navigation():
        form.get_by_role("button", name=re.compile("Post", re.I)).first.click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    thread_url = page.url
    thread_id = int(re.search(r"/community/t/(\d+)/", thread_url).group(1))  # type: ignore[union-attr]

    # Staff find it in the triage inbox and plan it, with a public message.
    log_in(page, base, STAFF[0], PASSWORD)
    page.goto(f"{base}/community/triage/")
    page.get_by_role("link", name=TITLE).first.click()
    status = page.locator("#triage-panel form[action$='/status/']")
    status.get_by_label("Status").select_option("planned")
    status.get_by_label("Public message").fill("Good point: it is planned for the next firmware.")
    status.get_by_role("button", name="Set status").click()
    expect(page.locator("#triage-panel form[action$='/status/']").get_by_label("Status")).to_have_value(
        "planned"
    )

    # Staff record the improvement it led to, link the post and publish.
    page.goto(f"{base}/changelog/new/")
    form = page.locator("main form").first
    form.get_by_label("What changed").fill("The lamp remembers its brightness")
    form.get_by_label("Version").fill("2.1")
    form.get_by_label("Released on").fill(date.today().isoformat())
    with page.expect_navigation():
        form.get_by_role("button", name="Save the draft").click()
    links = page.locator("form[action$='/links/']")
    links.get_by_label("A post").fill(str(thread_id))
    # The link form answers in place (htmx).
    links.get_by_role("button", name="Link").click()
    expect(page.locator("#links")).to_contain_text(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish and tell the contributors").click()

    # The worker delivers the notifications; the member sees the status, the notice and the impact.
    run_cocreate(live_server_proc, "worker", "--batch")
    log_in(page, base, MEMBER[0], PASSWORD)
    page.goto(thread_url)
    main = page.locator("main")
    expect(main).to_contain_text("Planned")
    expect(main).to_contain_text("planned for the next firmware")
    expect(main).to_contain_text("The lamp remembers its brightness")
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text("led to this: The lamp remembers its brightness")
    expect(page.locator("main")).to_contain_text("is now Planned")
    page.goto(f"{base}/changelog/")
    expect(page.locator("main")).to_contain_text("The lamp remembers its brightness")
    member_id = run_cocreate(
        live_server_proc,
        "shell",
        "-c",
        f"from cocreate.accounts.models import User; print('id', User.objects.get(email={MEMBER[0]!r}).pk)",
    )
    member_id = re.findall(r"^id (\d+)$", member_id, re.M)[-1]
    page.goto(f"{base}/members/{member_id}/")
    expect(page.locator("main")).to_contain_text("The lamp remembers its brightness")
    assert not errors, errors
