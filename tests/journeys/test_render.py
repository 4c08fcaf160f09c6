"""The renderer: SVG that parses and escapes, images that open, CSV that a spreadsheet cannot execute."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # parses only SVG this code wrote
from datetime import date
from typing import Any

import pytest
from PIL import Image

from cocreate.accounts.models import User
from cocreate.journeys import render, selectors, services
from cocreate.journeys.models import PointKind
from tests.journeys.test_map import SVG_NS, build_journey

pytestmark = pytest.mark.django_db


def _poster(admin: User, make_user: Any) -> tuple[Any, Any, Any]:
    built = build_journey(admin, make_user)
    stages = selectors.stages_of(built.journey)
    matrix = selectors.coverage_matrix(built.journey, stages)
    series = render.emotion_series(stages, matrix.personas)
    return built, stages, (series, matrix)


def test_emotion_series_follow_the_stages_and_leave_holes(brand_admin: User, make_user: Any) -> None:
    built, stages, (series, _matrix) = _poster(brand_admin, make_user)
    assert [s.name for s in series] == ["Weekend builders", "Gift buyers"]
    assert series[0].scores == (1, 0, 2, None, -1, 2)
    assert series[1].scores == (0, None, -2, None, None, None)
    assert series[1].notes[2] == "Price"
    assert series[0].shape != series[1].shape  # told apart by shape as well as colour
    # A persona without any score gets no line at all.
    services.persona_create(actor=brand_admin, name="Silent", colour="#000000")
    stages = selectors.stages_of(built.journey)
    again = render.emotion_series(stages, selectors.coverage_matrix(built.journey, stages).personas)
    assert [s.name for s in again] == ["Weekend builders", "Gift buyers"]


def test_the_poster_svg_is_well_formed_and_escapes_names(brand_admin: User, make_user: Any) -> None:
    built, stages, (series, matrix) = _poster(brand_admin, make_user)
    services.persona_update(actor=brand_admin, persona=built.gifts, name="<script>alert(1)</script>")
    services.stage_update(actor=brand_admin, stage=built.stages["Usage"], name='Use & "play"')
    stages = selectors.stages_of(built.journey)
    matrix = selectors.coverage_matrix(built.journey, stages)
    series = render.emotion_series(stages, matrix.personas)
    scene = render.poster_scene("Fan <journey>", stages, series, matrix, today=date(2026, 3, 1))
    text = render.poster_svg(scene, title="Fan <journey>", desc="A & B")
    assert "<script" not in text
    root = ET.fromstring(text.encode())  # noqa: S314
    assert root.findtext(f"{SVG_NS}title") == "Fan <journey>"
    assert root.findtext(f"{SVG_NS}desc") == "A & B"
    texts = [t.text or "" for t in root.iter(f"{SVG_NS}text")]
    assert "Fan <journey>" in texts and "<script>alert(1)</script>" in texts
    assert 'Use & "play"' in texts
    assert "Journey map · 2026-03-01" in texts
    assert len(list(root.iter(f"{SVG_NS}polyline"))) == 2
    assert float(root.get("width") or 0) == scene.width


def test_a_persona_colour_that_is_not_a_hex_colour_is_replaced() -> None:
    assert render.safe_colour("#2a6f3e") == "#2a6f3e"
    assert render.safe_colour('red" onload="x', 1) == render.FALLBACK_COLOURS[1]
    assert render.safe_colour("", 0) == render.FALLBACK_COLOURS[0]


def test_the_poster_rasterises_to_png_and_pdf(brand_admin: User, make_user: Any) -> None:
    _built, stages, (series, matrix) = _poster(brand_admin, make_user)
    scene = render.poster_scene("Fan journey", stages, series, matrix)
    png = render.poster_png(scene, scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (round(scene.width * 2), round(scene.height * 2))
    # The hatched gap cells are drawn: the hatch colour is on the image.
    colours = {c for _n, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (0xB8, 0x43, 0x2F) in colours
    pdf = render.poster_pdf(scene, title="Fan journey")
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-64:]


def test_text_the_bundled_font_lacks_is_replaced_not_boxed() -> None:
    assert render.printable("Café −2 × 3", 20) == "Cafe -2 x 3"
    assert render.printable("Plain ASCII ‘quotes’…", 20) == "Plain ASCII ‘quotes’…"


def test_long_labels_are_shortened() -> None:
    assert render.fit("Awareness", 13, 150) == "Awareness"
    short = render.fit("A very long stage name that cannot fit in a column", 13, 100)
    assert short.endswith("…") and len(short) < 20


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    for raw in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert render.csv_safe(raw) == "'" + raw
    assert render.csv_safe("Fine, with a comma") == "Fine, with a comma"
    assert render.csv_safe(-3) == -3  # a number stays a number


def test_journey_csv_quotes_and_orders_rows(brand_admin: User, make_user: Any) -> None:
    built = build_journey(brand_admin, make_user)
    services.point_create(
        actor=brand_admin,
        journey=built.journey,
        stage=built.stages["Purchase"],
        kind=PointKind.SUGGESTION,
        title='Line one\nand "two", three',
    )
    stages = selectors.stages_of(built.journey)
    points = selectors.points_of(built.journey)
    body = render.journey_csv(
        selectors.coverage_matrix(built.journey, stages), points, selectors.point_figures(points)
    )
    rows = list(csv.reader(io.StringIO(body)))
    points_rows = rows[rows.index([]) + 2 :]
    assert [r[0] for r in points_rows] == ["Awareness", "Purchase", "Usage"]
    purchase = points_rows[1]
    assert purchase[3] == 'Line one and "two", three'  # titles are kept on one line by the service
    assert purchase[4:] == ["", brand_admin.public_name, "", "0", "0", "0"]
