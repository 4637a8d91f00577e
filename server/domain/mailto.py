"""mailto: links per RFC 6068, so the phone's mail app opens with everything filled in."""

from __future__ import annotations

from urllib.parse import quote

# RFC 6068: an addr-spec may keep unreserved characters and these sub-delims as they are;
# "," separates addresses, so one inside an address (a quoted local part) is encoded.
ADDRESS_SAFE = "!$'()*+;:@"


def encode_text(text: str) -> str:
    """Subject or body: UTF-8 percent-encoded, every line break as %0D%0A, space as %20."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return quote(lines.replace("\n", "\r\n"), safe="")


def encode_address(address: str) -> str:
    return quote(address.strip(), safe=ADDRESS_SAFE)


def mailto_url(to: list[str], subject: str = "", body: str = "") -> str:
    """mailto:a@x,b@y?subject=...&body=... (empty fields left out)."""
    recipients = ",".join(encode_address(address) for address in to if address.strip())
    fields = [
        f"{name}={encode_text(value)}"
        for name, value in (("subject", subject), ("body", body))
        if value
    ]
    return f"mailto:{recipients}" + (f"?{'&'.join(fields)}" if fields else "")
