"""Detected text quads -> lines in the card's own upright, deskewed frame.

RapidOCR reads a card turned 90, 180 or 270 degrees (it turns each text crop), but its boxes
stay in the photo's frame. The parser needs "above", "left of" and "bigger than" as they are
on the card, so the boxes are turned and deskewed here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..domain.card_text import OcrLine

# Quarter turns the photo must be turned counter-clockwise to show the card upright.
UPRIGHT, TURN_CCW, UPSIDE_DOWN, TURN_CW = 0, 1, 2, 3


def quad_sides(quad: np.ndarray) -> tuple[float, float]:
    """(width, height) of a quad whose points run clockwise from its top-left."""
    width = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))
    return float(width), float(height)


def page_turn(quads: Sequence[np.ndarray], flipped: Sequence[bool]) -> int:
    """How the card lies in the photo, voted by the text lines (weighted by their length).

    `flipped[i]` says the angle classifier turned line i by 180 degrees. A tall line was first
    turned 90 degrees counter-clockwise by the reader; if that left it upright, its text runs
    top to bottom, so the card lies turned clockwise.
    """
    votes = [0.0, 0.0, 0.0, 0.0]
    for quad, flip in zip(quads, flipped, strict=True):
        width, height = quad_sides(quad)
        weight = max(width, height)
        if height >= 1.5 * width:
            votes[TURN_CCW if flip else TURN_CW] += weight
        else:
            votes[UPSIDE_DOWN if flip else UPRIGHT] += weight
    return int(np.argmax(votes)) if any(votes) else UPRIGHT


def turn_points(points: np.ndarray, turn: int, width: float, height: float) -> np.ndarray:
    """Points of a width x height photo, in the frame of the photo turned so the card is upright."""
    x, y = points[..., 0], points[..., 1]
    if turn == TURN_CW:  # card turned clockwise: turn the photo counter-clockwise
        return np.stack([y, width - x], axis=-1)
    if turn == TURN_CCW:
        return np.stack([height - y, x], axis=-1)
    if turn == UPSIDE_DOWN:
        return np.stack([width - x, height - y], axis=-1)
    return points


def _reading_angle(quad: np.ndarray) -> tuple[float, float]:
    """(angle of the quad's long side in radians, in -pi/2..pi/2; its length)."""
    candidates = [quad[1] - quad[0], quad[2] - quad[1]]
    vector = max(candidates, key=lambda v: float(np.hypot(*v)))
    angle = math.atan2(float(vector[1]), float(vector[0]))
    # A long side pointing left is the same line direction as one pointing right.
    if angle > math.pi / 2:
        angle -= math.pi
    elif angle < -math.pi / 2:
        angle += math.pi
    return angle, float(np.hypot(*vector))


def skew_angle(quads: Sequence[np.ndarray]) -> float:
    """The card's in-plane tilt: the length-weighted median angle of its wide lines."""
    angles = []
    for quad in quads:
        width, height = quad_sides(quad)
        if width >= 2 * height:
            angles.append(_reading_angle(quad))
    if not angles:
        return 0.0
    angles.sort()
    total = sum(length for _, length in angles)
    running = 0.0
    for angle, length in angles:
        running += length
        if running >= total / 2:
            # Small tilts only: a large angle means the quads were not what we assumed.
            return angle if abs(angle) < math.radians(30) else 0.0
    return 0.0


def to_lines(
    quads: Sequence[np.ndarray],
    texts: Sequence[str],
    scores: Sequence[float],
    flipped: Sequence[bool],
    image_size: tuple[int, int],
) -> list[OcrLine]:
    """OCR lines with boxes in the upright, deskewed card frame, top to bottom."""
    if not quads:
        return []
    width, height = image_size
    turn = page_turn(quads, flipped)
    turned = [turn_points(np.asarray(q, dtype=np.float64), turn, width, height) for q in quads]
    # After turning, reorder each quad's points so they start at the top-left again.
    turned = [np.roll(q, -int(np.argmin(q.sum(axis=1))), axis=0) for q in turned]
    angle = skew_angle(turned)
    cos, sin = math.cos(-angle), math.sin(-angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    lines = []
    for quad, text, score in zip(turned, texts, scores, strict=True):
        straight = quad @ rotation.T
        left, top = straight.min(axis=0)
        right, bottom = straight.max(axis=0)
        side_w, side_h = quad_sides(quad)
        lines.append(
            OcrLine(
                text=text.strip(),
                box=(float(left), float(top), float(right), float(bottom)),
                confidence=float(score),
                height=min(side_w, side_h),
            )
        )
    lines.sort(key=lambda line: (line.top, line.left))
    return lines
