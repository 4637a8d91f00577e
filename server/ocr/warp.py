"""Find the card in a photo and warp it flat (OpenCV), for the Tesseract pipeline.

Tesseract reads flat, upright, evenly lit text; a card photographed at an angle on a desk is
none of these. RapidOCR does not need this step (its detector finds tilted lines itself).
"""

from __future__ import annotations

import cv2
import numpy as np

# Below this share of the photo, a quadrilateral is a detail (a logo, a QR code), not the card.
MIN_CARD_AREA = 0.12
WORK_SIDE = 800


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)],
         points[np.argmax(diffs)]],
        dtype=np.float32,
    )


def _candidates(small: np.ndarray) -> list[np.ndarray]:
    """Outlines that may be the card: from edges, and from bright (or dark) regions."""
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 30, 90), np.ones((3, 3), np.uint8), iterations=2)
    masks = [edges]
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = np.ones((9, 9), np.uint8)
    for mask in (bright, 255 - bright):
        masks.append(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2))
    contours = []
    for mask in masks:
        found, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contours.extend(found)
    return contours


def find_card(gray: np.ndarray) -> np.ndarray | None:
    """The card's four corners in `gray` (pixel coordinates), or None if no card is clear.

    The card is the most rectangular large outline: its area fills its rotated bounding box.
    """
    height, width = gray.shape[:2]
    scale = WORK_SIDE / max(height, width)
    size = (int(width * scale), int(height * scale))
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    area_total = small.shape[0] * small.shape[1]
    best, best_score = None, 0.0
    for contour in _candidates(small):
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if area < MIN_CARD_AREA * area_total or area > 0.95 * area_total:
            continue
        box = cv2.boxPoints(cv2.minAreaRect(hull))
        fill = area / max(1.0, cv2.contourArea(box))
        if fill < 0.85:
            continue
        perimeter = cv2.arcLength(hull, True)
        quad = cv2.approxPolyDP(hull, 0.02 * perimeter, True)
        corners = quad.reshape(-1, 2) if len(quad) == 4 else box
        score = fill * area
        if score > best_score:
            best, best_score = corners.astype(np.float32), score
    if best is None:
        return None
    return _order(best / scale)


def warp_card(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The card cut out and made rectangular."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
                      dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)


def flatten_light(gray: np.ndarray) -> np.ndarray:
    """Even out shadows and light gradients: divide by a heavily blurred copy."""
    size = max(31, (min(gray.shape[:2]) // 8) | 1)
    background = cv2.medianBlur(cv2.resize(gray, None, fx=0.25, fy=0.25), size // 4 | 1)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]))
    flat = cv2.divide(gray, background, scale=255)
    return flat
