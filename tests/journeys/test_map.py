"""The journey map page, the journey list and the map's exports, as a brand team member sees them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET  # parses only SVG this code wrote
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, Role, User
from cocreate.journeys import services
from cocreate.journeys.models import (
    ContributionKind,
    ContributionStatus,
    Journey,
    ParticipationPoint,
    Persona,
    PointKind,
    Stage,
)

pytestmark = pytest.mark.django_db
SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass
class Built:
    journey: Journey
    stages: dict[str, Stage]
    weekend: Persona
    gifts: Persona
    ideas: ParticipationPoint
    reviews: ParticipationPoint
    members: list[User] = field(default_factory=list)
    pending_key: str = ""


def build_journey(admin: User, make_user: Callable[..., User], *, extra_points: int = 0) -> Built:
    """Two personas matched by real answers, six stages, emotions, two points with goals and
    contributions: three members, a confirmed visitor and a visitor still to confirm."""
    question = ProfileQuestion.objects.create(
        text="How often do you build?",
        kind=QuestionKind.CHOICE,
        choices=["Every weekend", "A few times a year", "Rarely"],
    )
    weekend = services.persona_create(actor=admin, name="Weekend builders", colour="#2a6f3e")
    gifts = services.persona_create(actor=admin, name="Gift buyers", colour="#a3361f")
    services.persona_rules_set(
        actor=admin,
        persona=weekend,
        rules=[{"question_id": question.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    services.persona_rules_set(
        actor=admin,
        persona=gifts,
        rules=[{"question_id": question.pk, "operator": "any_of", "values": ["A few times a year"]}],
    )
    w1, w2, g1 = make_user(Role.MEMBER), make_user(Role.MEMBER), make_user(Role.MEMBER)
    for user, answer in ((w1, "Every weekend"), (w2, "Every weekend"), (g1, "A few times a year")):
        ProfileAnswer.objects.create(user=user, question=question, choice=answer)

    journey = services.journey_create(actor=admin, name="Fan journey", description="From first set to fan")
    stages = {s.name: s for s in journey.stages.all()}
    services.stage_update(
        actor=admin,
        stage=stages["Awareness"],
        customer_goals="Find a set for the weekend",
        thoughts="Is this for adults too?",
        pain_points="Too many sets to choose from",
    )
    page = services.touchpoint_add(
        actor=admin, stage=stages["Awareness"], name="Product page", channel="website"
    )
    services.touchpoint_add(
        actor=admin, stage=stages["Usage"], name="Instruction booklet", channel="packaging"
    )
    for name, score in (
        ("Awareness", 1),
        ("Consideration", 0),
        ("Purchase", 2),
        ("Usage", -1),
        ("Advocacy", 2),
    ):
        services.emotion_set(actor=admin, stage=stages[name], persona=weekend, score=score, note="")
    services.emotion_set(actor=admin, stage=stages["Awareness"], persona=gifts, score=0, note="Unsure")
    services.emotion_set(actor=admin, stage=stages["Purchase"], persona=gifts, score=-2, note="Price")

    ideas = services.point_create(
        actor=admin,
        journey=journey,
        stage=stages["Awareness"],
        touchpoint=page,
        personas=[weekend, gifts],
        kind=PointKind.IDEA,
        title="What should we build next?",
        goal=500,
        goal_unit="ideas",
    )
    reviews = services.point_create(
        actor=admin,
        journey=journey,
        stage=stages["Usage"],
        personas=[weekend],
        kind=PointKind.REVIEW,
        title="Rate your set",
        goal=10,
        goal_unit="ratings",
    )
    via_ideas = services.Attribution(point=ideas, touchpoint=page)
    for user in (w1, w2, g1):
        services.contribution_record(
            attribution=via_ideas, kind=ContributionKind.IDEA, user=user, title="A ship"
        )
    confirmed = services.widget_contribute(
        point=ideas,
        user=None,
        data=services.WidgetInput(
            title="A castle", body="A castle with a drawbridge", email="fan@example.org"
        ),
    )
    services.contribution_confirm(key=confirmed.confirm_key)
    pending = services.widget_contribute(
        point=ideas,
        user=None,
        data=services.WidgetInput(title="A robot", body="A robot that really walks", email="new@example.org"),
    )
    services.widget_contribute(point=reviews, user=w1, data=services.WidgetInput(rating=4))
    for i in range(extra_points):
        extra = services.point_create(
            actor=admin,
            journey=journey,
            stage=stages["Advocacy"],
            personas=[weekend],
            kind=PointKind.SUGGESTION,
            title=f"Suggestion box {i}",
            goal=5,
        )
        services.contribution_record(
            attribution=services.Attribution(point=extra, touchpoint=None),
            kind=ContributionKind.SUGGESTION,
            user=w2,
            body="More pieces",
        )
    return Built(
        journey=journey,
        stages=stages,
        weekend=weekend,
        gifts=gifts,
        ideas=ideas,
        reviews=reviews,
        members=[w1, w2, g1],
        pending_key=pending.confirm_key,
    )


def _card(html: str, point: ParticipationPoint) -> str:
    match = re.search(
        rf'<article class="point-card[^"]*" aria-labelledby="point-{point.pk}-title">(.*?)</article>',
        html,
        re.S,
    )
    assert match, f"no card for point {point.pk}"
    return match.group(1)


def _figures(card: str) -> dict[str, str]:
    block = re.search(r'<dl class="point-figures">(.*?)</dl>', card, re.S)
    assert block
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(1)))


def _svg(html: str, css_class: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*class="{css_class}".*?</svg>', html, re.S)
    assert match, f"no {css_class} svg"
    return ET.fromstring(match.group(0))  # noqa: S314


def _map(client: Client, journey: Journey) -> str:
    response = client.get(f"/journeys/{journey.pk}/")
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_the_map_shows_stages_points_and_live_figures(
    admin_client_: Client, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    html = _map(admin_client_, built.journey)

    heads = re.findall(r'<th scope="col" class="stage-head">.*?</span> (\w+)', html, re.S)
    assert heads == ["Awareness", "Consideration", "Purchase", "Development", "Usage", "Advocacy"]
    assert "Product page" in html and "Website" in html and "Instruction booklet" in html
    assert "Find a set for the weekend" in html and "Too many sets to choose from" in html

    card = _card(html, built.ideas)
    # Three members and a confirmed visitor; the visitor still to confirm is shown apart, not counted.
    assert _figures(card) == {"Participants": "4", "Contributions": "4", "Awaiting confirmation": "1"}
    assert "4 / 500 ideas" in card
    assert 'value="1"' in card  # 4 of 500 rounds to 1 %
    assert "Idea solicitation" in card and "Product page (Website)" in card
    assert "Weekend builders" in card and "Gift buyers" in card and "Admin" in card
    reviews = _card(html, built.reviews)
    assert _figures(reviews) == {"Participants": "1", "Contributions": "1", "Awaiting confirmation": "0"}
    assert "1 / 10 ratings" in reviews

    services.contribution_confirm(key=built.pending_key)
    card = _card(_map(admin_client_, built.journey), built.ideas)
    assert _figures(card) == {"Participants": "5", "Contributions": "5", "Awaiting confirmation": "0"}
    assert "5 / 500 ideas" in card


def test_the_emotion_curve_has_one_line_per_persona_and_skips_unscored_stages(
    admin_client_: Client, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    html = _map(admin_client_, built.journey)
    svg = _svg(html, "emotion-chart")
    assert svg.findtext(f"{SVG_NS}title") == "Emotion curve by persona"
    assert "Weekend builders" in (svg.findtext(f"{SVG_NS}desc") or "")
    lines = {p.get("data-persona"): p for p in svg.iter(f"{SVG_NS}polyline")}
    assert set(lines) == {"Weekend builders", "Gift buyers"}
    assert lines["Weekend builders"].get("stroke") == "#2a6f3e"
    # Five scores (no score at Development): the line skips that stage.
    assert len((lines["Weekend builders"].get("points") or "").split()) == 5
    assert len((lines["Gift buyers"].get("points") or "").split()) == 2
    # +2 sits above 0, which sits above −2 (SVG y grows downwards).
    ys = [float(p.split(",")[1]) for p in (lines["Gift buyers"].get("points") or "").split()]
    assert ys[0] < ys[1]
    assert {t.text for t in svg.iter(f"{SVG_NS}text")} >= {"+2", "0", "−2"}
    # The same scores as a table, for screen readers and anyone who prefers numbers.
    assert "Emotion scores as a table" in html
    table = re.search(r'<details class="chart-table">.*?</details>', html, re.S)
    assert table and "−2" in table.group(0) and "Price" in table.group(0) and "not scored" in table.group(0)


def test_the_coverage_matrix_shows_measured_participation_and_the_gaps(
    admin_client_: Client, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    html = _map(admin_client_, built.journey)
    svg = _svg(html, "coverage-chart")
    titles = [t.text or "" for t in svg.iter(f"{SVG_NS}title")]
    assert "Weekend builders at Awareness: 2 participants, 1 point reaching them" in titles
    assert "Gift buyers at Awareness: 1 participant, 1 point reaching them" in titles
    assert "Gift buyers at Usage: 0 participants, no point reaching them" in titles
    # A gap is hatched, not only coloured.
    assert any((r.get("fill") or "").startswith("url(#cov-gap") for r in svg.iter(f"{SVG_NS}rect"))
    assert "No participation point reaches ‘Gift buyers’ at Usage." in html
    assert "No participation point reaches ‘Weekend builders’ at Usage." not in html
    table = re.search(r'<table class="table coverage-table">.*?</table>', html, re.S)
    assert table
    assert re.search(
        r"<th scope=\"row\">Gift buyers</th>\s*<td class=\"level-\d\">1 participant · 1 point", table.group(0)
    )
    assert "<strong>Gap</strong>" in table.group(0)


def test_staff_only(
    client: Client, member_client: Client, moderator: User, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    paths = [
        "/journeys/",
        f"/journeys/{built.journey.pk}/",
        f"/journeys/{built.journey.pk}/export.csv",
        f"/journeys/{built.journey.pk}/map.svg",
        f"/journeys/{built.journey.pk}/map.png",
        f"/journeys/{built.journey.pk}/map.pdf",
    ]
    for path in paths:
        assert member_client.get(path).status_code == 403, path
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], path
    mod = Client()
    mod.force_login(moderator)
    html = _map(mod, built.journey)
    assert "4 / 500 ideas" in html
    assert "Edit journey" not in html and "Add a participation point" not in html
    assert mod.get("/journeys/999999/").status_code == 404


def test_the_list_links_each_journey_to_its_map(
    admin_client_: Client, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    services.journey_create(actor=brand_admin, name="Empty journey", from_template=False)
    response = admin_client_.get("/journeys/")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf'<a href="/journeys/{built.journey.pk}/">Fan journey</a>.*?</tr>', html, re.S)
    assert row
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(0)) == ["6", "2"]
    assert "Empty journey" in html


def test_an_empty_journey_still_renders(admin_client_: Client, brand_admin: User) -> None:
    journey = services.journey_create(actor=brand_admin, name="Blank", from_template=False)
    html = _map(admin_client_, journey)
    assert "This journey has no stages yet." in html
    for suffix in ("export.csv", "map.svg", "map.png", "map.pdf"):
        assert admin_client_.get(f"/journeys/{journey.pk}/{suffix}").status_code == 200


def test_the_csv_export_parses_back_and_defuses_formulas(
    admin_client_: Client, brand_admin: User, make_user: Any
) -> None:
    built = build_journey(brand_admin, make_user)
    services.point_update(
        actor=brand_admin, point=built.reviews, title='=HYPERLINK("http://evil.example","x")'
    )
    services.persona_update(actor=brand_admin, persona=built.gifts, name='@Gift, "buyers"')
    response = admin_client_.get(f"/journeys/{built.journey.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="journey-fan-journey.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    split = rows.index([])
    matrix, points = rows[:split], rows[split + 1 :]
    assert matrix[0] == ["Persona", "Stage", "Points reaching", "Participants"]
    assert len(matrix) == 1 + 2 * 6
    assert ["Weekend builders", "Awareness", "1", "2"] in matrix
    assert ["Weekend builders", "Usage", "1", "1"] in matrix
    assert ['\'@Gift, "buyers"', "Usage", "0", "0"] in matrix
    assert points[0] == [
        "Stage",
        "Touchpoint",
        "Kind",
        "Title",
        "Personas",
        "Owner",
        "Goal",
        "Contributions",
        "Participants",
        "Pending",
    ]
    by_title = {row[3]: row for row in points[1:]}
    assert by_title["What should we build next?"] == [
        "Awareness",
        "Product page (Website)",
        "Idea solicitation",
        "What should we build next?",
        # Only a cell that starts like a formula is defused.
        'Weekend builders; @Gift, "buyers"',
        brand_admin.public_name,
        "500",
        "4",
        "4",
        "1",
    ]
    assert '\'=HYPERLINK("http://evil.example","x")' in by_title
    assert by_title['\'=HYPERLINK("http://evil.example","x")'][7:] == ["1", "1", "0"]


def test_poster_exports(admin_client_: Client, brand_admin: User, make_user: Any) -> None:
    built = build_journey(brand_admin, make_user)
    services.persona_update(actor=brand_admin, persona=built.gifts, name="<script>alert(1)</script>")
    base = f"/journeys/{built.journey.pk}"

    svg = admin_client_.get(f"{base}/map.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in svg.content
    root = ET.fromstring(svg.content)  # noqa: S314
    assert root.tag == f"{SVG_NS}svg"
    texts = {t.text for t in root.iter(f"{SVG_NS}text")}
    assert "<script>alert(1)</script>" in texts
    assert "Fan journey" in texts
    assert len(list(root.iter(f"{SVG_NS}polyline"))) == 2
    assert any(
        "No participation point reaches ‘<script>alert(1)</script>’ at Usage." in (t or "") for t in texts
    )

    html = _map(admin_client_, built.journey)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    png = admin_client_.get(f"{base}/map.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG"
    assert 1600 <= image.width <= 4000 and 800 <= image.height <= 4000

    pdf = admin_client_.get(f"{base}/map.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="journey-fan-journey.pdf"' in pdf["Content-Disposition"]


@pytest.mark.parametrize("extra_points", [1, 28])
def test_the_map_query_count_does_not_grow_with_points(
    admin_client_: Client,
    brand_admin: User,
    make_user: Any,
    django_assert_max_num_queries: Any,
    extra_points: int,
) -> None:
    built = build_journey(brand_admin, make_user, extra_points=extra_points)
    assert ParticipationPoint.objects.filter(journey=built.journey).count() == 2 + extra_points
    assert (
        ParticipationPoint.objects.get(pk=built.ideas.pk)
        .contributions.filter(status=ContributionStatus.PENDING)
        .count()
        == 1
    )
    _map(admin_client_, built.journey)  # fills the brand settings cache, as any earlier page would
    # Session, user, brand settings, terms; the journey, 4 for its stages, 2 for its points, 1 for all
    # figures; the matrix takes 4 plus one per persona (two here, in both cases).
    with django_assert_max_num_queries(19):  # 18 for the map, 1 for the unread-notifications badge
        html = _map(admin_client_, built.journey)
    assert html.count('class="point-card') == 2 + extra_points
