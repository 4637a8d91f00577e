"""Draw the app's PNG icons from static/img/logo.svg's design, with Pillow.

    .venv/bin/python scripts/make_icons.py

Writes static/img/: icon-192.png and icon-512.png (rounded, like the SVG), icon-maskable-512.png
(full bleed, the mark inside the 80 % safe zone), apple-touch-icon.png (180, full bleed: iOS
rounds the corners itself), favicon-32.png, and badge-96.png (the white mark alone on
transparency: Android draws notification badges from the alpha channel). The shapes below are
the SVG's, in its 64-unit coordinates; keep the two in step when the logo changes.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PIL import ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
GREEN = "#1f6f5c"
WHITE = "#ffffff"
MINT = "#c9f2e4"
SUPERSAMPLE = 4


def draw_mark(draw: ImageDraw.ImageDraw, scale: float, offset: float, white=WHITE, mint=MINT):
    """The open circle, its dot and the check mark, in the SVG's 64-unit space."""

    def p(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    def dot(x: float, y: float, radius: float, fill: str) -> None:
        cx, cy = p(x, y)
        r = radius * scale
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)

    stroke = round(5 * scale)
    # M32 13 a19 19 0 1 1 -16.5 9.5: from the top, clockwise round to the upper left.
    # Pillow strokes an arc inside its box: grow the box by half the stroke.
    box = (*p(32 - 21.5, 32 - 21.5), *p(32 + 21.5, 32 + 21.5))
    draw.arc(box, start=-90, end=210, fill=white, width=stroke)
    dot(32, 13, 2.5, white)  # round line caps
    dot(15.5, 22.5, 2.5, white)
    dot(22.5, 15.7, 2.8, white)
    check = [p(23.5, 32.5), p(29.5, 38.5), p(40.5, 26.5)]
    draw.line(check, fill=mint, width=stroke, joint="curve")
    for x, y in ((23.5, 32.5), (40.5, 26.5)):
        dot(x, y, 2.5, mint)


def icon(size: int, *, rounded: bool, mark: float = 1.0, background: str | None = GREEN):
    """A square icon; `mark` is the mark's size relative to the full-bleed SVG design."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if background:
        if rounded:
            draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 14 / 64, fill=background)
        else:
            draw.rectangle((0, 0, big, big), fill=background)
    scale = big / 64 * mark
    offset = (big - 64 * scale) / 2
    if background:
        draw_mark(draw, scale, offset)
    else:
        draw_mark(draw, scale, offset, WHITE, WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {
        "icon-192.png": icon(192, rounded=True),
        "icon-512.png": icon(512, rounded=True),
        # The maskable safe zone is a circle of 40 % radius: the mark's circle must fit in it.
        "icon-maskable-512.png": icon(512, rounded=False, mark=0.72),
        "apple-touch-icon.png": icon(180, rounded=False, mark=0.86).convert("RGB"),
        "favicon-32.png": icon(32, rounded=True),
        "badge-96.png": icon(96, rounded=False, mark=1.25, background=None),
    }
    for name, image in icons.items():
        image.save(OUT / name, optimize=True)
        print(f"{OUT / name}: {image.size[0]}x{image.size[1]}")


if __name__ == "__main__":
    main()
