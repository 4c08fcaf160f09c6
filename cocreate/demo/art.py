"""Product pictures for the demo brand, drawn with Pillow: stacked bricks in the category's colours."""

from __future__ import annotations

import io
import random
import zlib

from PIL import Image, ImageDraw, ImageFont

PALETTES = {
    "Modular buildings": ["#b5533c", "#e2c290", "#6b7f3a", "#f3efe4"],
    "Vehicles": ["#c0392b", "#f1c40f", "#2c3e50", "#ecf0f1"],
    "Junior": ["#e67e22", "#3498db", "#2ecc71", "#fdf6e3"],
    "Home décor": ["#5b8c5a", "#cfe0c3", "#8e6c4a", "#f6f4ee"],
    "Space": ["#34495e", "#95a5a6", "#e74c3c", "#e9eef2"],
}
DEFAULT = ["#1f4e8c", "#a3361f", "#f2b134", "#f3f5f8"]


def _brick(draw: ImageDraw.ImageDraw, x: int, y: int, studs: int, unit: int, colour: str) -> None:
    width, height = studs * unit, int(unit * 1.2)
    draw.rounded_rectangle([x, y, x + width, y + height], radius=6, fill=colour, outline="#00000033", width=2)
    for i in range(studs):
        cx = x + unit // 2 + i * unit
        draw.ellipse(
            [cx - unit // 3, y - unit // 5, cx + unit // 3, y + unit // 5],
            fill=colour,
            outline="#00000033",
            width=2,
        )


def product_art(name: str, category: str, size: tuple[int, int] = (960, 600)) -> bytes:
    """A deterministic PNG for a product (same name, same picture)."""
    rng = random.Random(zlib.crc32(name.encode()))
    palette = PALETTES.get(category, DEFAULT)
    image = Image.new("RGB", size, palette[3])
    draw = ImageDraw.Draw(image, "RGBA")
    unit = 48
    ground = size[1] - 185
    # A little stacked model: wider at the bottom, narrowing upwards.
    x0, width = size[0] // 2 - 5 * unit, 10
    y = ground
    for _row in range(rng.randint(5, 7)):
        x = x0
        remaining = width
        while remaining > 0:
            studs = min(remaining, rng.choice([2, 2, 3, 4]))
            _brick(draw, x, y, studs, unit, rng.choice(palette[:3]))
            x += studs * unit
            remaining -= studs
        shrink = rng.choice([0, 1, 1, 2]) if width > 3 else 0
        x0 += shrink * unit // 2
        width -= shrink
        y -= int(unit * 1.2)
    font = ImageFont.load_default(size=44)
    draw.rectangle([0, size[1] - 110, size[0], size[1]], fill="#ffffffd9")
    draw.text((40, size[1] - 88), name, fill="#1c2126", font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
