"""Handwriting-like pen strokes for the digits 0-9, in a unit box (x right, y down).

Used to render drawn digits (thick strokes, any size and place on a large canvas) and to drive
the browser's mouse on the sketchpad, so both tests draw the same shapes a person would.
"""

import math

from PIL import Image, ImageDraw

Point = tuple[float, float]


def arc(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 16
) -> list[Point]:
    """Points on an ellipse from angle `start` to `end` (degrees, 0 = right, 90 = down)."""
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
        for a in (start + (end - start) * i / (n - 1) for i in range(n))
    ]


DIGIT_STROKES: dict[int, list[list[Point]]] = {
    0: [arc(0.5, 0.5, 0.32, 0.48, -90, 270, 24)],
    1: [[(0.32, 0.2), (0.55, 0.0), (0.55, 1.0)]],
    2: [arc(0.5, 0.28, 0.32, 0.26, 180, 380, 12) + [(0.12, 1.0), (0.9, 1.0)]],
    3: [arc(0.48, 0.26, 0.3, 0.24, 200, 450, 12) + arc(0.48, 0.74, 0.34, 0.26, -90, 160, 12)],
    4: [[(0.62, 1.0), (0.62, 0.0), (0.08, 0.68), (0.92, 0.68)]],
    5: [[(0.85, 0.0), (0.25, 0.0), (0.2, 0.45)] + arc(0.5, 0.7, 0.35, 0.3, -120, 150, 14)],
    6: [arc(0.52, 0.45, 0.38, 0.45, -60, -200, 8) + arc(0.5, 0.72, 0.32, 0.27, 180, 540, 18)],
    7: [[(0.08, 0.02), (0.92, 0.02), (0.4, 1.0)]],
    8: [arc(0.5, 0.26, 0.26, 0.25, 90, 450, 16), arc(0.5, 0.74, 0.32, 0.26, -90, 270, 18)],
    9: [arc(0.5, 0.3, 0.32, 0.29, 0, 360, 18) + [(0.8, 0.45), (0.72, 1.0)]],
}


def to_canvas(
    strokes: list[list[Point]], left: float, top: float, height: float
) -> list[list[Point]]:
    """Strokes placed on a canvas: the digit's box is `height` tall, 0.7 x height wide."""
    width = 0.7 * height
    return [[(left + x * width, top + y * height) for x, y in stroke] for stroke in strokes]


def render(
    digit: int,
    canvas: int = 800,
    left: float = 250,
    top: float = 150,
    height: float = 500,
    width: int = 40,
    transparent: bool = False,
) -> Image.Image:
    """A drawn digit: black strokes `width` px thick on white (or on transparent) RGBA."""
    image = Image.new(
        "RGBA", (canvas, canvas), (0, 0, 0, 0) if transparent else (255, 255, 255, 255)
    )
    draw = ImageDraw.Draw(image)
    for stroke in to_canvas(DIGIT_STROKES[digit], left, top, height):
        draw.line(stroke, fill=(0, 0, 0, 255), width=width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):  # round pen ends
            draw.ellipse(
                (x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=(0, 0, 0, 255)
            )
    return image
