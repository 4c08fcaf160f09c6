"""Draw the journey map's charts: the emotion curve, the coverage matrix and the printable poster.

Pure functions: they take what the selectors returned and give back SVG text, CSV text or PNG/PDF bytes,
without queries or requests. Each chart is first laid out once as a `Scene` of simple shapes, then written
out by one of two back ends (SVG text, or a Pillow image), so the poster looks the same in every format.
SVG colours and fonts are presentation attributes, never `style`, so the strict Content-Security-Policy
lets them through both inline and as a standalone file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from html import escape
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageColor, ImageDraw, ImageFont

from .models import ParticipationPoint, Persona, Stage
from .selectors import CoverageMatrix, PointFigures

INK = "#1c2126"
MUTED = "#535c66"
LINE = "#c9d0d7"
GRID = "#e3e7eb"
WHITE = "#ffffff"
GAP_FILL = "#fbe9e5"
GAP_HATCH = "#b8432f"
# Level 0 is a gap (hatched); 1…4 a sequential blue scale, dark enough at 3 and 4 for white text.
LEVEL_FILL = {0: GAP_FILL, 1: "#e2ecf7", 2: "#aac7e8", 3: "#3f73b0", 4: "#1b3d6e"}
LEVEL_INK = {0: INK, 1: INK, 2: INK, 3: WHITE, 4: WHITE}
FALLBACK_COLOURS = ("#1f4e8c", "#a3361f", "#1d6b3a", "#6b3fa0", "#8a5300", "#0f6e75")
SHAPES = ("circle", "square", "triangle", "diamond")
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


# --- Shapes -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 13
    fill: str = INK
    anchor: str = "start"  # start, middle or end
    bold: bool = False


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    hatch: bool = False  # the gap pattern, so a gap never depends on colour alone
    title: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2.5
    label: str = ""


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    shape: str
    fill: str
    size: float = 6
    title: str = ""


Shape = Text | Rect | Line | Polyline | Marker


@dataclass
class Scene:
    width: float
    height: float
    items: list[Shape] = field(default_factory=list)

    def add(self, *items: Shape) -> None:
        self.items.extend(items)

    def place(self, other: Scene, dx: float, dy: float) -> None:
        """Copy another scene's shapes in, moved by (dx, dy)."""
        for item in other.items:
            self.items.append(_moved(item, dx, dy))


def _moved(item: Shape, dx: float, dy: float) -> Shape:
    if isinstance(item, Line):
        return replace(item, x1=item.x1 + dx, y1=item.y1 + dy, x2=item.x2 + dx, y2=item.y2 + dy)
    if isinstance(item, Polyline):
        return replace(item, points=tuple((x + dx, y + dy) for x, y in item.points))
    return replace(item, x=item.x + dx, y=item.y + dy)


def safe_colour(value: str, index: int = 0) -> str:
    """A persona's colour if it is a plain hex colour, else one of ours: it lands in SVG and Pillow."""
    return value if _HEX.match(value or "") else FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]


def fit(text: str, size: float, width: float) -> str:
    """Shorten text to about `width` units at `size` (an estimate: the browser measures nothing for us)."""
    text = " ".join((text or "").split())
    room = max(1, int(width / (0.57 * size)))
    return text if len(text) <= room else text[: max(1, room - 1)].rstrip() + "…"


def wrap(text: str, size: float, width: float) -> list[str]:
    room = max(8, int(width / (0.55 * size)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > room:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def signed(score: int) -> str:
    return f"+{score}" if score > 0 else ("−" + str(-score) if score < 0 else "0")


# --- The emotion curve --------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmotionSeries:
    persona_id: int
    name: str
    colour: str
    shape: str
    scores: tuple[int | None, ...]  # one per stage, None where no score was given
    notes: tuple[str, ...]

    @property
    def scored(self) -> int:
        return sum(1 for s in self.scores if s is not None)


def emotion_series(stages: Sequence[Stage], personas: Sequence[Persona]) -> list[EmotionSeries]:
    """One series per persona that has at least one score, from the emotions prefetched on the stages."""
    found = {(e.persona_id, s.pk): e for s in stages for e in s.emotions.all()}
    series: list[EmotionSeries] = []
    for index, persona in enumerate(personas):
        emotions = [found.get((persona.pk, s.pk)) for s in stages]
        if not any(emotions):
            continue
        series.append(
            EmotionSeries(
                persona_id=persona.pk,
                name=persona.name,
                colour=safe_colour(persona.colour, index),
                shape=SHAPES[len(series) % len(SHAPES)],
                scores=tuple(e.score if e else None for e in emotions),
                notes=tuple(e.note if e else "" for e in emotions),
            )
        )
    return series


def emotion_scene(
    stage_names: Sequence[str],
    series: Sequence[EmotionSeries],
    *,
    col_width: float = 150,
    plot_height: float = 130,
    gutter: float = 0,
) -> Scene:
    """The curve over stage columns of `col_width`, after a left `gutter` for the axis words.

    Without a gutter (the page, where the curve sits under the map's own columns) the axis keeps its
    numbers only, inside the first column, and the words go in the row's heading.
    """
    n = max(1, len(stage_names))
    top, label_size = 18.0, 12.0
    width = gutter + n * col_width
    bottom = top + plot_height
    scene = Scene(width=width, height=0)

    def y_of(score: float) -> float:
        return top + (2 - score) / 4 * plot_height

    for i in range(n + 1):
        x = gutter + i * col_width
        scene.add(Line(x, top - 8, x, bottom + 8, stroke=GRID))
    words = {2: _("delighted"), 0: _("neutral"), -2: _("frustrated")}
    for score in (2, 1, 0, -1, -2):
        y = y_of(score)
        scene.add(
            Line(gutter, y, width, y, stroke=LINE if score == 0 else GRID, width=1.5 if score == 0 else 1)
        )
        if gutter:
            word = words.get(score)
            label = f"{signed(score)} {word}" if word else signed(score)
            scene.add(Text(gutter - 8, y + 4, fit(label, label_size, gutter - 12), label_size, MUTED, "end"))
        else:
            scene.add(Text(4, y - 3, signed(score), 10, MUTED))
    for i, name in enumerate(stage_names):
        scene.add(
            Text(
                gutter + (i + 0.5) * col_width,
                bottom + 26,
                fit(name, label_size, col_width - 10),
                label_size,
                INK,
                "middle",
                bold=True,
            )
        )
    m = len(series)
    for k, s in enumerate(series):
        # Personas sharing a score at a stage sit side by side rather than on top of each other.
        nudge = (k - (m - 1) / 2) * 7 if m > 1 else 0
        points = []
        markers = []
        for i, value in enumerate(s.scores):
            if value is None:
                continue  # no score: the line skips this stage and no marker is drawn
            x, y = gutter + (i + 0.5) * col_width + nudge, y_of(value)
            points.append((x, y))
            stage = stage_names[i] if i < len(stage_names) else ""
            title = _("%(persona)s at %(stage)s: %(score)s") % {
                "persona": s.name,
                "stage": stage,
                "score": signed(value),
            }
            if s.notes[i]:
                title = f"{title} — {s.notes[i]}"
            markers.append(Marker(x, y, s.shape, s.colour, title=title))
        scene.add(Polyline(tuple(points), s.colour, label=s.name))
        scene.add(*markers)
    y = bottom + 40
    legend = _legend_scene(series, width - gutter)
    scene.place(legend, gutter, y)
    scene.height = y + legend.height
    return scene


def _legend_scene(series: Sequence[EmotionSeries], width: float) -> Scene:
    scene = Scene(width=width, height=0)
    x, y, size = 6.0, 14.0, 12.0
    for s in series:
        label = fit(s.name, size, 200)
        item_width = 44 + len(label) * 0.57 * size + 18
        if x > 6 and x + item_width > width:
            x, y = 6.0, y + 22
        scene.add(
            Line(x, y - 4, x + 30, y - 4, stroke=s.colour, width=2.5),
            Marker(x + 15, y - 4, s.shape, s.colour, size=5),
            Text(x + 38, y, label, size, INK),
        )
        x += item_width
    scene.height = y + 10
    return scene


def emotion_svg(stages: Sequence[Stage], series: Sequence[EmotionSeries], *, id_prefix: str = "emo") -> str:
    """The inline curve for the map page: one column per stage, as wide as the map's columns."""
    scene = emotion_scene([s.name for s in stages], series)
    return to_svg(
        scene,
        title=_("Emotion curve by persona"),
        desc=emotion_desc(stages, series),
        id_prefix=id_prefix,
        css_class="emotion-chart",
    )


def emotion_desc(stages: Sequence[Stage], series: Sequence[EmotionSeries]) -> str:
    parts = [_("How each persona feels at each stage, from −2 (frustrated) to +2 (delighted).")]
    for s in series:
        values = ", ".join(
            f"{stage.name} {signed(score)}"
            for stage, score in zip(stages, s.scores, strict=False)
            if score is not None
        )
        parts.append(f"{s.name}: {values}.")
    return " ".join(parts)


# --- The coverage matrix ------------------------------------------------------------------------------
def participants_text(n: int) -> str:
    return ngettext("%(n)s participant", "%(n)s participants", n) % {"n": n}


def points_text(n: int) -> str:
    if n == 0:
        return _("no point")
    return ngettext("%(n)s point", "%(n)s points", n) % {"n": n}


def cell_summary(persona: str, stage: str, participants: int, points: int) -> str:
    return _("%(persona)s at %(stage)s: %(participants)s, %(points)s reaching them") % {
        "persona": persona,
        "stage": stage,
        "participants": participants_text(participants),
        "points": points_text(points),
    }


def matrix_scene(
    matrix: CoverageMatrix, *, label_width: float = 190, col_width: float = 150, row_height: float = 62
) -> Scene:
    n = max(1, len(matrix.stages))
    header = 34.0
    width = label_width + n * col_width
    scene = Scene(width=width, height=0)
    for i, stage in enumerate(matrix.stages):
        scene.add(
            Text(
                label_width + (i + 0.5) * col_width,
                22,
                fit(stage.name, 13, col_width - 10),
                13,
                INK,
                "middle",
                bold=True,
            )
        )
    y = header
    for r, row in enumerate(matrix.rows):
        persona = matrix.personas[r]
        colour = safe_colour(persona.colour, r)
        scene.add(
            Rect(6, y + row_height / 2 - 7, 14, 14, colour),
            Text(28, y + row_height / 2 + 5, fit(persona.name, 13, label_width - 34), 13, INK, bold=True),
        )
        for i, cell in enumerate(row):
            x = label_width + i * col_width
            summary = cell_summary(persona.name, cell.stage.name, cell.participants, cell.points)
            level = max(0, min(4, cell.level))
            scene.add(
                Rect(
                    x + 2,
                    y + 2,
                    col_width - 4,
                    row_height - 4,
                    LEVEL_FILL[level],
                    hatch=level == 0,
                    title=summary,
                )
            )
            cx = x + col_width / 2
            if level == 0:
                # A white label on the hatching: the word says "gap" to those who do not see the colour.
                scene.add(Rect(x + 10, y + 7, col_width - 20, row_height - 14, WHITE, stroke=GAP_HATCH))
                room = col_width - 26
                scene.add(
                    Text(cx, y + 21, fit(_("Gap"), 12, room), 12, GAP_HATCH, "middle", bold=True),
                    Text(cx, y + 35, fit(participants_text(cell.participants), 11, room), 11, INK, "middle"),
                    Text(cx, y + 49, fit(points_text(cell.points), 11, room), 11, MUTED, "middle"),
                )
            else:
                ink = LEVEL_INK[level]
                scene.add(
                    Text(
                        cx,
                        y + 28,
                        fit(participants_text(cell.participants), 13, col_width - 14),
                        13,
                        ink,
                        "middle",
                        bold=True,
                    ),
                    Text(cx, y + 45, fit(points_text(cell.points), 12, col_width - 14), 12, ink, "middle"),
                )
        y += row_height
    if matrix.stages:
        scene.add(Text(6, y + 24, fit(_("All participants"), 12, label_width - 10), 12, MUTED))
        for i, stage in enumerate(matrix.stages):
            total = matrix.stage_participants.get(stage.pk, 0)
            scene.add(Text(label_width + (i + 0.5) * col_width, y + 24, str(total), 12, MUTED, "middle"))
        y += 34
    key = _matrix_key_scene(width)
    scene.place(key, 0, y + 6)
    scene.height = y + 6 + key.height
    return scene


def _matrix_key_scene(width: float) -> Scene:
    scene = Scene(width=width, height=34)
    labels = [
        _("Gap: nobody from the persona took part"),
        _("Few"),
        _("Some"),
        _("Many"),
        _("Most in this journey"),
    ]
    x = 6.0
    for level, label in enumerate(labels):
        scene.add(
            Rect(x, 8, 22, 16, LEVEL_FILL[level], stroke=LINE, hatch=level == 0),
            Text(x + 28, 21, label, 11, INK),
        )
        x += 28 + len(label) * 0.57 * 11 + 16
    return scene


def matrix_svg(matrix: CoverageMatrix, *, id_prefix: str = "cov") -> str:
    return to_svg(
        matrix_scene(matrix),
        title=_("Coverage by persona and stage"),
        desc=matrix_desc(matrix),
        id_prefix=id_prefix,
        css_class="coverage-chart",
    )


def matrix_desc(matrix: CoverageMatrix) -> str:
    parts = [_("Measured participation of each persona at each stage; hatched cells are gaps.")]
    for row in matrix.rows:
        for cell in row:
            parts.append(
                cell_summary(cell.persona.name, cell.stage.name, cell.participants, cell.points) + "."
            )
    return " ".join(parts)


# --- The poster ---------------------------------------------------------------------------------------
def poster_scene(
    journey_name: str,
    stages: Sequence[Stage],
    series: Sequence[EmotionSeries],
    matrix: CoverageMatrix,
    *,
    today: date | None = None,
    max_gaps: int = 14,
) -> Scene:
    """Emotion curve above the coverage matrix, with stage columns lined up, then the gaps in words."""
    margin, label_width, col_width = 32.0, 190.0, 150.0
    names = [s.name for s in stages]
    width = margin * 2 + label_width + max(1, len(names)) * col_width
    width = max(width, 900)
    scene = Scene(width=width, height=0)
    scene.add(Text(margin, 44, fit(journey_name, 26, width - 2 * margin), 26, INK, bold=True))
    subtitle = _("Journey map · %(date)s") % {"date": (today or date.today()).isoformat()}
    scene.add(Text(margin, 68, subtitle, 13, MUTED))
    y = 104.0
    scene.add(Text(margin, y, _("Emotion curve"), 17, INK, bold=True))
    y += 16
    if series:
        chart = emotion_scene(names, series, col_width=col_width, gutter=label_width)
        scene.place(chart, margin, y)
        y += chart.height + 24
    else:
        scene.add(Text(margin, y + 16, _("No emotions recorded yet."), 13, MUTED))
        y += 44
    scene.add(Text(margin, y, _("Coverage by persona and stage"), 17, INK, bold=True))
    y += 10
    if matrix.personas and matrix.stages:
        grid = matrix_scene(matrix, label_width=label_width, col_width=col_width)
        scene.place(grid, margin, y)
        y += grid.height + 28
    else:
        scene.add(Text(margin, y + 22, _("Add personas and stages to see the coverage."), 13, MUTED))
        y += 50
    if matrix.gaps:
        scene.add(Text(margin, y, _("Gaps"), 17, INK, bold=True))
        y += 24
        for gap in matrix.gaps[:max_gaps]:
            for j, line in enumerate(wrap(gap, 13, width - 2 * margin - 20)):
                scene.add(Text(margin + (20 if j else 0), y, ("• " if not j else "") + line, 13, INK))
                y += 20
        if len(matrix.gaps) > max_gaps:
            more = len(matrix.gaps) - max_gaps
            scene.add(
                Text(
                    margin,
                    y,
                    ngettext("… and %(n)s more gap", "… and %(n)s more gaps", more) % {"n": more},
                    13,
                    MUTED,
                )
            )
            y += 20
    scene.height = y + margin
    return scene


def poster_svg(scene: Scene, *, title: str, desc: str) -> str:
    return to_svg(scene, title=title, desc=desc, id_prefix="poster", standalone=True)


def poster_png(scene: Scene, *, scale: float = 2) -> bytes:
    buf = io.BytesIO()
    raster(scene, scale=scale).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def poster_pdf(scene: Scene, *, scale: float = 2, title: str = "") -> bytes:
    """One landscape page: the resolution is chosen so the poster fits A4 landscape (29.7 × 21 cm)."""
    image = raster(scene, scale=scale)
    resolution = max(image.width / 11.69, image.height / 8.27, 72.0)
    buf = io.BytesIO()
    image.save(buf, "PDF", resolution=resolution, title=title or None, producer="Cocreate")
    return buf.getvalue()


# --- SVG back end -------------------------------------------------------------------------------------
def _num(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(value: str) -> str:
    return escape(value, quote=True)


def to_svg(
    scene: Scene,
    *,
    title: str,
    desc: str,
    id_prefix: str,
    css_class: str = "",
    standalone: bool = False,
) -> str:
    w, h = _num(scene.width), _num(scene.height)
    title_id, desc_id, hatch_id = f"{id_prefix}-title", f"{id_prefix}-desc", f"{id_prefix}-gap"
    out: list[str] = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    size = f' width="{w}" height="{h}"' if standalone else ""
    klass = f' class="{_attr(css_class)}"' if css_class else ""
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}"{size}{klass} role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{_attr(FONT_FAMILY)}">'
    )
    out.append(f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>')
    if any(isinstance(i, Rect) and i.hatch for i in scene.items):
        out.append(
            f'<defs><pattern id="{hatch_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{GAP_FILL}"/>'
            f'<line x1="0" y1="0" x2="0" y2="8" stroke="{GAP_HATCH}" stroke-width="2.5"/></pattern></defs>'
        )
    if standalone:
        out.append(f'<rect width="{w}" height="{h}" fill="{WHITE}"/>')
    for item in scene.items:
        out.append(_svg_item(item, hatch_id))
    out.append("</svg>")
    return "".join(out)


def _svg_title(title: str) -> str:
    return f"<title>{escape(title)}</title>" if title else ""


def _svg_item(item: Shape, hatch_id: str) -> str:
    if isinstance(item, Text):
        anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
        weight = ' font-weight="700"' if item.bold else ""
        return (
            f'<text x="{_num(item.x)}" y="{_num(item.y)}" font-size="{_num(item.size)}" '
            f'fill="{_attr(item.fill)}"{anchor}{weight}>{escape(item.text)}</text>'
        )
    if isinstance(item, Rect):
        fill = f"url(#{hatch_id})" if item.hatch else item.fill
        stroke = f' stroke="{_attr(item.stroke)}"' if item.stroke else ""
        body = _svg_title(item.title)
        geometry = f'x="{_num(item.x)}" y="{_num(item.y)}" width="{_num(item.w)}" height="{_num(item.h)}"'
        if body:
            return f'<rect {geometry} fill="{_attr(fill)}"{stroke}>{body}</rect>'
        return f'<rect {geometry} fill="{_attr(fill)}"{stroke}/>'
    if isinstance(item, Line):
        return (
            f'<line x1="{_num(item.x1)}" y1="{_num(item.y1)}" x2="{_num(item.x2)}" y2="{_num(item.y2)}" '
            f'stroke="{_attr(item.stroke)}" stroke-width="{_num(item.width)}"/>'
        )
    if isinstance(item, Polyline):
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in item.points)
        label = f' data-persona="{_attr(item.label)}"' if item.label else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{_attr(item.stroke)}" '
            f'stroke-width="{_num(item.width)}" stroke-linejoin="round" stroke-linecap="round"{label}/>'
        )
    return _svg_marker(item)


def _svg_marker(m: Marker) -> str:
    body = _svg_title(m.title)
    common = f'fill="{_attr(m.fill)}" stroke="{WHITE}" stroke-width="1.5"'
    s = m.size
    if m.shape == "square":
        return (
            f'<rect x="{_num(m.x - s)}" y="{_num(m.y - s)}" width="{_num(2 * s)}" height="{_num(2 * s)}" '
            f"{common}>{body}</rect>"
        )
    if m.shape in ("triangle", "diamond"):
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in _marker_polygon(m))
        return f'<polygon points="{pts}" {common}>{body}</polygon>'
    return f'<circle cx="{_num(m.x)}" cy="{_num(m.y)}" r="{_num(s)}" {common}>{body}</circle>'


def _marker_polygon(m: Marker) -> list[tuple[float, float]]:
    s = m.size * 1.25
    if m.shape == "triangle":
        return [(m.x, m.y - s), (m.x + s, m.y + s * 0.8), (m.x - s, m.y + s * 0.8)]
    return [(m.x, m.y - s), (m.x + s, m.y), (m.x, m.y + s), (m.x - s, m.y)]


# --- Pillow back end ----------------------------------------------------------------------------------
@cache
def _font(size: int) -> Any:
    # The font that ships inside Pillow: no system fonts, nothing fetched.
    return ImageFont.load_default(size=size)


@cache
def _has_glyph(size: int, char: str) -> bool:
    font = _font(size)
    missing = font.getmask("\ue000")
    mask = font.getmask(char)
    return not (mask.size == missing.size and bytes(mask) == bytes(missing))


_ASCII_FOR = {"−": "-", "–": "-", "—": "-", "×": "x", "“": '"', "”": '"', "•": "·", "→": "->"}


def printable(text: str, size: int) -> str:
    """Replace characters the bundled font lacks by a close ASCII form (é → e), else '?'."""
    out = []
    for char in text:
        if char.isspace() or _has_glyph(size, char):
            out.append(char)
            continue
        substitute = _ASCII_FOR.get(char)
        if substitute is None:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            substitute = base or "?"
        out.append(substitute)
    return "".join(out)


def _rgb(colour: str) -> tuple[int, int, int]:
    try:
        r, g, b = ImageColor.getrgb(colour)[:3]
    except ValueError:
        r, g, b = ImageColor.getrgb(INK)[:3]
    return r, g, b


def raster(scene: Scene, *, scale: float = 2) -> Image.Image:
    width, height = max(1, round(scene.width * scale)), max(1, round(scene.height * scale))
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)

    def s(v: float) -> float:
        return v * scale

    for item in scene.items:
        if isinstance(item, Rect):
            box = (s(item.x), s(item.y), s(item.x + item.w), s(item.y + item.h))
            draw.rectangle(box, fill=_rgb(item.fill))
            if item.hatch:
                _hatch(draw, box, spacing=s(8) / 1.41, width=max(1, round(s(1.6))))
            if item.stroke:
                draw.rectangle(box, outline=_rgb(item.stroke), width=max(1, round(s(1))))
        elif isinstance(item, Line):
            draw.line(
                [(s(item.x1), s(item.y1)), (s(item.x2), s(item.y2))],
                fill=_rgb(item.stroke),
                width=max(1, round(s(item.width))),
            )
        elif isinstance(item, Polyline):
            if len(item.points) > 1:
                draw.line(
                    [(s(x), s(y)) for x, y in item.points],
                    fill=_rgb(item.stroke),
                    width=max(1, round(s(item.width))),
                    joint="curve",
                )
        elif isinstance(item, Marker):
            _raster_marker(draw, item, scale)
        elif isinstance(item, Text):
            size = max(6, round(s(item.size)))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            draw.text(
                (s(item.x), s(item.y)),
                printable(item.text, size),
                font=_font(size),
                fill=_rgb(item.fill),
                anchor=anchor,
                # The bundled font has no bold face: a hairline outline in the same colour stands in.
                stroke_width=max(1, round(scale / 2)) if item.bold and scale >= 2 else 0,
                stroke_fill=_rgb(item.fill),
            )
    return image


def _hatch(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], spacing: float, width: int
) -> None:
    """Diagonal lines clipped to the box, like the SVG pattern."""
    x0, y0, x1, y1 = box
    c = y0 - x1
    while c < y1 - x0:
        # The line y = x + c, kept inside the box.
        start = max(x0, y0 - c)
        end = min(x1, y1 - c)
        if start < end:
            draw.line([(start, start + c), (end, end + c)], fill=_rgb(GAP_HATCH), width=width)
        c += spacing * 1.41


def _raster_marker(draw: ImageDraw.ImageDraw, m: Marker, scale: float) -> None:
    fill, outline, width = _rgb(m.fill), _rgb(WHITE), max(1, round(1.5 * scale))
    r = m.size * scale
    x, y = m.x * scale, m.y * scale
    if m.shape == "square":
        draw.rectangle((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=width)
    elif m.shape in ("triangle", "diamond"):
        pts = [(px * scale, py * scale) for px, py in _marker_polygon(m)]
        draw.polygon(pts, fill=fill, outline=outline, width=width)
    else:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=width)


# --- CSV ----------------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _writerow(writer: Any, row: Iterable[Any]) -> None:
    writer.writerow([csv_safe(v) for v in row])


def journey_csv(
    matrix: CoverageMatrix, points: Sequence[ParticipationPoint], figures: dict[int, PointFigures]
) -> str:
    """Two blocks separated by an empty line: the coverage matrix, then the participation points."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    _writerow(writer, [_("Persona"), _("Stage"), _("Points reaching"), _("Participants")])
    for row in matrix.rows:
        for cell in row:
            _writerow(writer, [cell.persona.name, cell.stage.name, cell.points, cell.participants])
    writer.writerow([])
    _writerow(
        writer,
        [
            _("Stage"),
            _("Touchpoint"),
            _("Kind"),
            _("Title"),
            _("Personas"),
            _("Owner"),
            _("Goal"),
            _("Contributions"),
            _("Participants"),
            _("Pending"),
        ],
    )
    for point in points:
        f = figures.get(point.pk) or PointFigures(point=point)
        touchpoint = point.touchpoint
        _writerow(
            writer,
            [
                point.stage.name,
                f"{touchpoint.name} ({touchpoint.get_channel_display()})" if touchpoint else "",
                point.get_kind_display(),
                point.title,
                "; ".join(p.name for p in point.personas.all()),
                point.owner.public_name if point.owner else "",
                point.goal if point.goal is not None else "",
                f.contributions,
                f.participants,
                f.pending,
            ],
        )
    return buf.getvalue()
