"""Tesseract (via pytesseract): the second engine, with a pipeline that suits it.

Steps: card found and warped flat (OpenCV), turned upright (Tesseract's OSD, trusted only
when it is confident), grayscale with the light evened out, long edge 1600 px, then one
`image_to_data` call whose words are grouped into lines.
"""

from __future__ import annotations

import os
import re

import cv2
import numpy as np
from PIL import Image

from ..domain.card_text import OcrLine
from .engine import Engine
from .warp import find_card
from .warp import flatten_light
from .warp import warp_card

LANGUAGES = "eng+por+deu+fra+spa"
CARD_SIDE = 1600
# OSD's orientation confidence below this is a guess. On the cropped card it is right well
# below Tesseract's usual 2-3; on raw photos it turns upright cards, hence the crop first.
MIN_OSD_CONFIDENCE = 1.5
OSD_SIDE = 1000
MIN_WORD_CONFIDENCE = 30


class TesseractEngine(Engine):
    """Tesseract 5 (LSTM) on the flattened card, one thread per call."""

    name = "tesseract"
    max_side = 2000

    def _load(self) -> None:
        import pytesseract

        # Tesseract's OpenMP threads fight each other on a small machine: one is faster.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        available = set(pytesseract.get_languages(config=""))
        wanted = [lang for lang in LANGUAGES.split("+") if lang in available]
        self.languages = "+".join(wanted) or "eng"
        self.has_osd = "osd" in available

    def _read(self, image: Image.Image) -> list[OcrLine]:
        card = self.prepare(image)
        return self._lines(card)

    def prepare(self, image: Image.Image) -> np.ndarray:
        """The flat, upright, grayscale card at CARD_SIDE px (long edge)."""
        rgb = np.asarray(image.convert("RGB"))
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        corners = find_card(gray)
        card = warp_card(gray, corners) if corners is not None else gray
        scale = CARD_SIDE / max(card.shape[:2])
        card = cv2.resize(card, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        if np.median(card) < 110:  # light text on a dark card: Tesseract wants dark on light
            card = 255 - card
        card = flatten_light(card)
        return self._upright(card)

    def _upright(self, card: np.ndarray) -> np.ndarray:
        if not self.has_osd:
            return card
        import pytesseract

        scale = OSD_SIDE / max(card.shape[:2])
        small = cv2.resize(card, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        try:
            osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=10")
        except pytesseract.TesseractError:
            return card  # too little text to judge: leave it as it is
        rotate = re.search(r"Rotate:\s*(\d+)", osd)
        sure = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
        if not rotate or not sure or float(sure.group(1)) < MIN_OSD_CONFIDENCE:
            return card
        turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
        code = turns.get(int(rotate.group(1)))
        return cv2.rotate(card, code) if code is not None else card

    def _lines(self, card: np.ndarray) -> list[OcrLine]:
        import pytesseract

        data = pytesseract.image_to_data(
            card, lang=self.languages, config="--oem 1 --psm 3",
            output_type=pytesseract.Output.DICT,
        )
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if not word.strip() or float(data["conf"][i]) < MIN_WORD_CONFIDENCE:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            groups.setdefault(key, []).append(i)
        lines = []
        for members in self._split_columns(groups.values(), data):
            left = min(data["left"][i] for i in members)
            top = min(data["top"][i] for i in members)
            right = max(data["left"][i] + data["width"][i] for i in members)
            bottom = max(data["top"][i] + data["height"][i] for i in members)
            heights = sorted(data["height"][i] for i in members)
            lines.append(OcrLine(
                text=" ".join(data["text"][i] for i in members),
                box=(float(left), float(top), float(right), float(bottom)),
                confidence=sum(float(data["conf"][i]) for i in members) / len(members) / 100,
                height=float(heights[len(heights) // 2]),
            ))
        lines.sort(key=lambda line: (line.top, line.left))
        return lines

    @staticmethod
    def _split_columns(groups, data) -> list[list[int]]:
        """Split a Tesseract line where the gap between two words is a column gap."""
        result = []
        for members in groups:
            members = sorted(members, key=lambda i: data["left"][i])
            height = sorted(data["height"][i] for i in members)[len(members) // 2]
            current = [members[0]]
            for previous, word in zip(members, members[1:], strict=False):
                gap = data["left"][word] - (data["left"][previous] + data["width"][previous])
                if gap > 2.5 * height:
                    result.append(current)
                    current = []
                current.append(word)
            result.append(current)
        return result
