"""A new brand manager's path through the real UI: a profile question, a persona built on it, a journey with
a touchpoint, a participation point embedded on a shop page served from another port, a contribution
through that widget, and the journey map that counts it. A page on a port the point does not allow gets
nothing counted."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from .conftest import LiveServer, _free_port

pytestmark = pytest.mark.browser

EMAIL = "mira@example.com"
NAME = "Mira Manager"
PASSWORD = "quartz-meadow-ladder-93"
QUESTION = "How often do you build with our sets?"
PERSONA = "Weekend builders"
JOURNEY = "Builders' journey"
TOUCHPOINT = "Product page"
POINT = "What should we build next?"
IDEA = "A lighthouse with a working lamp"
# The height widget.js gives a new frame before the frame reports its own.
FIRST_HEIGHT = "420px"


@dataclass(frozen=True)
class Site:
    url: str
    folder: Path


def _wait_serving(url: str, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"python -m http.server for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/", timeout=2):  # noqa: S310 (local URL)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"python -m http.server did not answer on {url} within {timeout:.0f}s")


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """Two plain web servers on other ports: the brand's shop (allowed to embed) and a stranger's page."""
    procs: list[subprocess.Popen[bytes]] = []
    served: list[Site] = []
    try:
        for name in ("shop", "elsewhere"):
            folder = tmp_path / name
            folder.mkdir()
            port = _free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            procs.append(proc)
            url = f"http://127.0.0.1:{port}"
            _wait_serving(url, proc)
            served.append(Site(url=url, folder=folder))
        yield served[0], served[1]
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _page_html(title: str, body: str) -> str:
    head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
    return f'<!DOCTYPE html>\n<html lang="en">{head}\n<body>{body}</body></html>\n'


def _name(text: str) -> re.Pattern[str]:
    """A field's whole label: Django's label tags end with a colon, and a choice's label holds its input and
    the line break before the text."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _submit(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.click()


def _log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.get_by_label(_name("Email")).fill(EMAIL)
    form.get_by_label(_name("Password")).fill(PASSWORD)
    _submit(page, form.locator("button[type=submit]"))
    expect(page.locator(".account-nav").get_by_role("button", name="Log out")).to_be_visible()


def _define_question(page: Page, base: str) -> None:
    page.goto(f"{base}/personas/questions/new/")
    form = page.locator("main form")
    form.get_by_label(_name("Question")).fill(QUESTION)
    form.get_by_label(_name("One answer")).check()
    form.get_by_label(_name("Answers to choose from")).fill("Every weekend\nRarely")
    _submit(page, form.get_by_role("button", name="Save the question"))
    expect(page).to_have_url(f"{base}/personas/questions/")
    expect(page.locator("main")).to_contain_text(QUESTION)


def _create_persona(page: Page, base: str) -> str:
    page.goto(f"{base}/personas/new/")
    form = page.locator("main form")
    form.get_by_label(_name("Name")).fill(PERSONA)
    rule = form.get_by_role("group", name="Rule 1")
    # Choosing the question redraws the rule (htmx) with that question's answers to tick.
    rule.get_by_label(_name("Profile question")).select_option(label=QUESTION)
    rule.get_by_label(_name("Every weekend")).check()
    expect(rule.get_by_label(_name("Condition"))).to_have_value("any_of")
    _submit(page, form.get_by_role("button", name="Save the persona"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PERSONA)
    expect(page.locator("main")).to_contain_text(f"{QUESTION} is any of: Every weekend")
    return page.url


def _answer_question(page: Page, base: str) -> None:
    page.goto(f"{base}/account/about-you/")
    form = page.locator("main form")
    form.get_by_label(_name("Every weekend")).check()
    _submit(page, form.get_by_role("button", name="Save my answers"))
    expect(page.locator("main")).to_contain_text("your answers are saved")
    expect(page.locator("main form").get_by_label(_name("Every weekend"))).to_be_checked()


def _create_journey(page: Page, base: str) -> str:
    page.goto(f"{base}/journeys/new/")
    form = page.locator("main form")
    form.get_by_label(_name("Name")).fill(JOURNEY)
    expect(form.get_by_label(re.compile("Start from the template"))).to_be_checked()
    _submit(page, form.get_by_role("button", name="Create the journey"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Design “{JOURNEY}”")
    match = re.search(r"/journeys/(\d+)/edit/", page.url)
    assert match, page.url
    return f"{base}/journeys/{match.group(1)}/"


def _awareness(page: Page) -> Locator:
    return page.locator("li.d-stage").filter(has=page.get_by_role("heading", name="1. Awareness"))


def _add_touchpoint(page: Page) -> None:
    stage = _awareness(page)
    stage.get_by_label(_name("Touchpoint")).fill(TOUCHPOINT)
    stage.get_by_label(_name("Channel")).select_option(label="Website")
    stage.get_by_role("button", name="Add touchpoint").click()
    # htmx swaps the stage's panel in place.
    expect(_awareness(page).locator("ul.d-touchpoints")).to_contain_text(TOUCHPOINT)


def _place_point(page: Page, shop: str) -> None:
    _submit(page, _awareness(page).get_by_role("link", name="Place a point here (Awareness)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New participation point")
    form = page.locator("main form")
    form.get_by_label(_name("Kind of participation")).select_option(label="Idea solicitation")
    form.get_by_label(_name("Title")).fill(POINT)
    expect(form.get_by_label(_name("Stage"))).to_have_value(re.compile(r"\d+"))
    form.get_by_label(_name("Touchpoint")).select_option(label=f"{TOUCHPOINT} (Website)")
    form.get_by_label(_name(PERSONA)).check()
    form.get_by_label(_name("Goal")).fill("10")
    form.get_by_label(_name("Sites allowed to embed it")).fill(shop)
    _submit(page, form.get_by_role("button", name="Place the point"))
    expect(page.get_by_role("heading", level=1)).to_have_text(POINT)
    expect(page.locator("main")).to_contain_text(f"Touchpoint: {TOUCHPOINT} (Website)")


def _frame_height(page: Page, title: str) -> str:
    return str(page.get_by_title(title).evaluate("el => el.style.height"))


def _main_text(page: Page) -> str:
    try:
        return page.locator("body").inner_text(timeout=2_000)[:3000]
    except Exception as exc:  # only a diagnostic: never hide the real failure
        return f"(no text: {exc})"


def test_a_brand_manager_embeds_a_point_on_the_shop_and_sees_it_counted_on_the_map(
    browser_page: Page,
    live_server_proc: LiveServer,
    add_account: Callable[..., None],
    sites: tuple[Site, Site],
) -> None:
    try:
        _story(browser_page, live_server_proc, add_account, *sites)
    except BaseException:
        # Shown with the server log tail when the test fails: where the browser was and what it showed.
        print(f"--- browser at failure: {browser_page.url}\n{_main_text(browser_page)}")
        raise


def _story(
    page: Page, live_server_proc: LiveServer, add_account: Callable[..., None], shop: Site, elsewhere: Site
) -> None:
    base = live_server_proc.url
    server_errors: list[str] = []

    def note_5xx(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_5xx)

    # 1-4: the manager logs in, asks members a question, builds a persona on it and answers it themself.
    add_account(EMAIL, password=PASSWORD, role="admin", name=NAME)
    _log_in(page, base)
    _define_question(page, base)
    persona_url = _create_persona(page, base)
    _answer_question(page, base)
    page.goto(persona_url)
    members = page.locator("#members")
    expect(members.get_by_role("heading", level=2)).to_have_text("The 1 real member")
    expect(members.get_by_role("row", name=NAME)).to_contain_text("their answers")
    assert not server_errors, server_errors

    # 5-7: a journey from the template, a touchpoint at Awareness, a point there, and its embed snippet.
    map_url = _create_journey(page, base)
    _add_touchpoint(page)
    _place_point(page, shop.url)
    embed = page.get_by_role("region", name="Embed it on a site")
    expect(embed).to_contain_text(f"These sites may embed it: {shop.url}.")
    snippet = page.locator("#embed-snippet").inner_text()
    assert "data-cocreate-widget=" in snippet and "/static/cocreate/widget.js" in snippet, snippet
    assert not server_errors, server_errors

    # 8-9: the shop pastes the snippet; the manager, still logged in, sends an idea through the frame.
    (shop.folder / "shop.html").write_text(_page_html("Lighthouse set", f"<h1>Lighthouse set</h1>{snippet}"))
    page.goto(f"{shop.url}/shop.html")
    frame_el = page.get_by_title(POINT)
    expect(frame_el).to_have_attribute("src", re.compile(rf"^{re.escape(base)}/w/"))
    widget_url = frame_el.get_attribute("src")
    assert widget_url
    frame = page.frame_locator(f"iframe[title='{POINT}']")
    # The form showing at all means frame-ancestors let the shop frame it.
    expect(frame.get_by_role("heading", name=POINT)).to_be_visible()
    expect(frame.locator("main")).to_contain_text(f"Sending as {NAME}")
    # The frame reported its height and the loader applied it.
    expect(frame_el).not_to_have_attribute("style", re.compile(rf"height:\s*{FIRST_HEIGHT}"))
    form_height = _frame_height(page, POINT)
    frame.get_by_label(_name("Your idea in a few words")).fill(IDEA)
    frame.get_by_label(_name("Describe it")).fill("Its lamp turns with a small crank at the back.")
    frame.get_by_role("button", name="Send my idea").click()
    thanks = frame.get_by_role("status")
    expect(thanks).to_contain_text("Thank you!")
    expect(thanks).to_contain_text("Your contribution counts.")
    # The shorter thank-you resized the frame again, to fit it exactly.
    expect(frame_el).not_to_have_attribute("style", re.compile(rf"height:\s*{form_height}"))
    fits = frame.locator("html").evaluate("el => Math.ceil(el.getBoundingClientRect().height)")
    expect(frame_el).to_have_attribute("style", re.compile(rf"height:\s*{fits}px"))
    assert not server_errors, server_errors

    # 10: the map counts it at Awareness for the persona, and names the stages no point reaches.
    page.goto(map_url)
    card = page.get_by_role("article", name=POINT)
    expect(card).to_contain_text("1 / 10 contributions")
    expect(card).to_contain_text(f"{TOUCHPOINT} (Website)")
    page.get_by_text("Coverage as a table").click()
    caption = "Participants from each persona at each stage, and the participation points reaching them"
    coverage = page.get_by_role("table", name=caption)
    expect(coverage.get_by_role("columnheader").nth(1)).to_have_text("Awareness")
    row = coverage.get_by_role("row").filter(has=page.get_by_role("rowheader", name=PERSONA))
    expect(row.get_by_role("cell").first).to_have_text("1 participant · 1 point")
    gaps = page.get_by_role("list", name="Gaps")
    expect(gaps).to_contain_text(f"No participation point reaches ‘{PERSONA}’ at Usage.")
    assert not server_errors, server_errors

    # 11: a page on a port the point does not allow gets a refusal, and nothing it sends counts.
    stripped = "Framed without a referrer"
    (elsewhere.folder / "copy.html").write_text(
        _page_html(
            "Copycat",
            f"<h1>Copycat</h1>{snippet}"
            # Without a Referer the server cannot tell who frames it; frame-ancestors in the browser must.
            f'<iframe src="{widget_url}" title="{stripped}" referrerpolicy="no-referrer"></iframe>'
            f'<form method="post" action="{widget_url}"><input name="title" value="Forged idea">'
            f'<button type="submit">Send from here</button></form>',
        )
    )
    widget_answers: list[Response] = []
    page.on("response", lambda r: widget_answers.append(r) if r.url == widget_url else None)
    page.goto(f"{elsewhere.url}/copy.html")
    refused = page.frame_locator(f"iframe[title='{POINT}']")
    expect(refused.get_by_role("alert")).to_have_text(f"This form is not enabled on {elsewhere.url}.")
    expect(refused.get_by_role("button", name="Send my idea")).to_have_count(0)
    handle = page.get_by_title(stripped).element_handle()
    blocked = handle.content_frame() if handle else None
    assert blocked is not None
    blocked.wait_for_url(re.compile(r"^chrome-error://"))
    unnamed = [r for r in widget_answers if r.request.all_headers().get("referer") is None]
    assert len(unnamed) == 1, [(r.status, r.request.all_headers().get("referer")) for r in widget_answers]
    policy = unnamed[0].all_headers().get("content-security-policy", "")
    assert f"frame-ancestors 'self' {shop.url}" in policy, policy
    _submit(page, page.get_by_role("button", name="Send from here"))
    expect(page.get_by_role("alert")).to_have_text("This form can only be sent from its own page.")
    assert not server_errors, server_errors

    page.goto(map_url)
    expect(page.get_by_role("article", name=POINT)).to_contain_text("1 / 10 contributions")
