"""What every OCR engine shares: a name, lazy loading, one job at a time, a short queue."""

from __future__ import annotations

import threading
from abc import ABC
from abc import abstractmethod

from PIL import Image

from ..domain.card_text import OcrLine
from .errors import EngineBusy


class Engine(ABC):
    """An OCR engine: upright RGB image in, OCR lines in the card's frame out.

    The model behind it is loaded once, on first use or by `warm_up`; `read` runs one job at a
    time (the engines use every thread they are given, and two jobs at once would only make
    both slower) and refuses with EngineBusy once `max_waiting` jobs are already queued.
    """

    name: str = ""
    # Long edge the engine reads best at: the image module downscales to it before reading.
    max_side: int = 1200
    max_waiting: int = 4

    def __init__(self) -> None:
        self._load_lock = threading.Lock()
        self._job_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._waiting = 0
        self._loaded = False

    def ensure_loaded(self) -> None:
        """Load the model (once per process, thread-safe)."""
        if self._loaded:
            return
        with self._load_lock:
            if not self._loaded:
                self._load()
                self._loaded = True

    def read(self, image: Image.Image) -> list[OcrLine]:
        """The lines of text in `image`, read under the engine's one-job lock."""
        with self._queue_lock:
            if self._waiting >= self.max_waiting:
                raise EngineBusy()
            self._waiting += 1
        try:
            with self._job_lock:
                self.ensure_loaded()
                return self._read(image)
        finally:
            with self._queue_lock:
                self._waiting -= 1

    def warm_up(self) -> None:
        """Load the model and run it once on a small drawn card, so the first scan is fast."""
        from PIL import ImageDraw
        from PIL import ImageFont

        image = Image.new("RGB", (480, 160), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=36)
        draw.text((20, 20), "Afterview 0123", fill="black", font=font)
        draw.text((20, 90), "M: +1 555 0100", fill="black", font=font)
        self.read(image)

    @abstractmethod
    def _load(self) -> None:
        """Load the model; called once, under a lock."""

    @abstractmethod
    def _read(self, image: Image.Image) -> list[OcrLine]:
        """Read `image` (already upright as far as EXIF goes, and downscaled)."""
