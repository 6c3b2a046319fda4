"""Draws the web app's icons once: ``python tools/make_icons.py`` writes them into
tracker/static/web/icons/ (the PNGs are committed; run this again only to change them).

- icon-192.png, icon-512.png: "B12" in white on the site's blue, rounded corners ("any").
- maskable-512.png: full-bleed blue, the letters inside the central 80 % circle that every
  platform's mask keeps (https://w3c.github.io/manifest/#icon-masks).
- badge-96.png: white letters on transparency, for the small monochrome status-bar badge.

No health words or symbols: the icon sits on a home screen for anyone to see.
"""

from pathlib import Path

from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

BLUE = (11, 79, 156, 255)  # #0b4f9c, the theme colour (white on it: 8.6:1)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
OUT = Path(__file__).resolve().parent.parent / "tracker" / "static" / "web" / "icons"
# DejaVu Sans Bold ships with matplotlib: the same letters on every machine.
FONT = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
SUPERSAMPLE = 4  # drawn 4× larger and scaled down: smooth edges without antialias options


def _letters(draw: ImageDraw.ImageDraw, size: int, width_share: float, fill: tuple) -> None:
    """ "B12" centred, as wide as ``width_share`` of the image."""
    font_size = size
    font = ImageFont.truetype(FONT, font_size)
    left, top, right, bottom = draw.textbbox((0, 0), "B12", font=font)
    font_size = int(font_size * width_share * size / (right - left))
    font = ImageFont.truetype(FONT, font_size)
    left, top, right, bottom = draw.textbbox((0, 0), "B12", font=font)
    x = (size - (right - left)) / 2 - left
    y = (size - (bottom - top)) / 2 - top
    draw.text((x, y), "B12", font=font, fill=fill)


def draw_icon(size: int, *, maskable: bool = False, badge: bool = False) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), CLEAR)
    draw = ImageDraw.Draw(image)
    if badge:
        _letters(draw, big, 0.9, WHITE)
    elif maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        # The safe zone is a circle of 40 % radius: the word's diagonal stays well inside.
        _letters(draw, big, 0.56, WHITE)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=BLUE)
        _letters(draw, big, 0.72, WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon-192.png": draw_icon(192),
        "icon-512.png": draw_icon(512),
        "maskable-512.png": draw_icon(512, maskable=True),
        "badge-96.png": draw_icon(96, badge=True),
    }
    for name, image in outputs.items():
        image.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
