"""QR codes on cards (vCard, MECARD, a URL), decoded with OpenCV's detector.

OpenCV's detector costs ~60 ms on a card without any QR code, so a cheap look for the three
nested-square finder patterns comes first (a few ms); only then does the decoder run, on the
already downscaled image.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

FINDER_SIDE = 800


def finder_patterns_likely(gray: np.ndarray) -> bool:
    """True when the image holds at least three square-ish contours nested three deep.

    A QR finder pattern is a dark square ring, a light ring and a dark centre: in the contour
    tree of a binarised image that is a contour with a child that has a child.
    """
    scale = FINDER_SIDE / max(gray.shape[:2])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) \
        if scale < 1 else gray
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                   cv2.THRESH_BINARY_INV, 31, 10)
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    tree = hierarchy[0]
    found = 0
    for index, contour in enumerate(contours):
        child = tree[index][2]
        if child < 0 or tree[child][2] < 0:
            continue
        x, y, width, height = cv2.boundingRect(contour)
        if width < 6 or height < 6 or not 0.6 <= width / height <= 1.6:
            continue
        inner = cv2.boundingRect(contours[tree[child][2]])
        # The centre square is about 3/7 of the outer one.
        if 0.2 <= inner[2] / width <= 0.65:
            found += 1
            if found >= 3:
                return True
    return False


def decode_qr(image: Image.Image) -> str | None:
    """The text of the QR code on the card, or None (no code, or one that does not decode)."""
    gray = np.asarray(image.convert("L"))
    if not finder_patterns_likely(gray):
        return None
    detector = cv2.QRCodeDetector()
    try:
        text, points, _ = detector.detectAndDecode(gray)
    except cv2.error:
        return None
    if text:
        return text
    if points is None:
        return None
    # A small code decodes better from an enlarged crop around where it was found.
    x, y, width, height = cv2.boundingRect(points.reshape(-1, 2).astype(np.float32))
    pad = max(width, height) // 4
    crop = gray[max(0, y - pad): y + height + pad, max(0, x - pad): x + width + pad]
    if crop.size == 0:
        return None
    crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    try:
        text, _, _ = detector.detectAndDecode(crop)
    except cv2.error:
        return None
    return text or None
