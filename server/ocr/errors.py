"""The one error the OCR layer raises for input a person has to fix."""

from __future__ import annotations


class ImageRejected(Exception):
    """An upload that cannot be read as a card photo.

    `message` is written for the person holding the phone (what was wrong, what to do);
    `status` is the HTTP status an endpoint should answer with: 400 (nothing sent),
    413 (too large), 415 (not a supported image type) or 422 (an image, but unreadable).
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class EngineBusy(Exception):
    """Too many scans are already waiting for this engine; try again shortly."""

    def __init__(self, retry_after: int = 5) -> None:
        super().__init__("The card reader is busy; try again in a few seconds.")
        self.message = str(self)
        self.retry_after = retry_after
        self.status = 503
