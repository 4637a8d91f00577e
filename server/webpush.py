"""The web-push sender: VAPID keys, the push-service allow-list, and fast, careful sending.

Speed comes from doing once what plain `pywebpush.webpush()` does per message: one `Vapid`
object, one signed VAPID header per push-service origin (re-signed well before it expires),
one aiohttp session whose keep-alive connections are reused, many messages in flight. Only
the per-message work is left: pywebpush's aes128gcm encryption (an ephemeral ECDH key each).

The sender owns an asyncio loop in a thread of its own, so that synchronous callers (the
dispatcher, a Flask view) hand it a batch and wait for the outcomes.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPusher

from .config import instance_secret

log = logging.getLogger(__name__)

# Push services refuse bodies over ~4 KB after encryption; the issue holds payloads to 3 KB.
MAX_PAYLOAD_BYTES = 3 * 1024
# A VAPID JWT may live 24 h at most; sign for 12 h and re-sign once less than 1 h is left.
VAPID_LIFETIME = 12 * 60 * 60
VAPID_REFRESH_BEFORE = 60 * 60
URGENCIES = ("very-low", "low", "normal", "high")
LOOPBACK_NAMES = ("localhost",)
# Retry-After is honoured, within reason: a service asking for a day is asked again in an hour.
MAX_RETRY_AFTER = 60 * 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys -----------------------------------------------------------------------------------


def _new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def load_vapid(instance_path: Path) -> Vapid:
    """The server's VAPID key: made on first run in the instance folder (0600), then reused."""
    raw = instance_secret(Path(instance_path), "vapid_private_key", _new_private_key)
    return Vapid.from_raw(raw.encode())


def public_key_b64(vapid: Vapid) -> str:
    """What the browser's `applicationServerKey` wants: the raw 65-byte P-256 point."""
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


# --- the allow-list -------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Entry:
    host: str  # lower case; "*.example.com" matches any subdomain of example.com
    port: int | None  # loopback entries may pin a port

    def matches(self, host: str, port: int | None) -> bool:
        if self.host.startswith("*."):
            found = host.endswith(self.host[1:])
        else:
            found = host == self.host
        return found and (self.port is None or self.port == port)


class PushHosts:
    """Which endpoints the server may POST to: https to a known push service; plain http (or
    https) to loopback only when a loopback entry is configured (tests, the benchmark)."""

    def __init__(self, entries: Iterable[str]):
        self.remote: list[_Entry] = []
        self.loopback: list[_Entry] = []
        for entry in entries:
            entry = entry.strip().lower()
            if not entry:
                continue
            host, port = entry, None
            if entry.startswith("["):  # [::1]:8443
                host, _, rest = entry[1:].partition("]")
                port = int(rest[1:]) if rest.startswith(":") else None
            elif entry.count(":") == 1:
                host, _, number = entry.partition(":")
                port = int(number)
            target = self.loopback if _is_loopback(host) else self.remote
            target.append(_Entry(host, port if _is_loopback(host) else None))

    def refusal(self, url: str) -> str | None:
        """None when the URL may be POSTed to; otherwise why not, in a sentence."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return "is not a valid URL"
        host = (parts.hostname or "").lower()
        if parts.username or parts.password or parts.fragment or not host:
            return "is not a push-service URL"
        if _is_loopback(host):
            if parts.scheme not in ("http", "https"):
                return "must be an https URL"
            if any(entry.matches(host, port) for entry in self.loopback):
                return None
            return "is not a known push service"
        if parts.scheme != "https":
            return "must be an https URL"
        if port not in (None, 443):
            return "must use the push service's standard port"
        if any(entry.matches(host, None) for entry in self.remote):
            return None
        return "is not a known push service"


# --- messages and outcomes ------------------------------------------------------------------


def notification(
    title: str,
    body: str,
    url: str,
    tag: str,
    task_id: str | None = None,
    actions: bool = True,
) -> bytes:
    """The JSON the service worker shows as a notification (every push must show one: iOS
    drops a subscription whose pushes show nothing). Kept under 3 KB by trimming the body."""
    data = {
        "title": title[:120],
        "body": body[:600],
        "url": url,
        "tag": tag,
        "task_id": task_id,
        "actions": (
            [{"action": "done", "title": "Done"}, {"action": "snooze", "title": "Snooze 1 h"}]
            if actions
            else []
        ),
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    while len(encoded) >= MAX_PAYLOAD_BYTES and data["body"]:
        data["body"] = data["body"][: len(data["body"]) // 2]
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return encoded


@dataclass
class Push:
    """One message to one device."""

    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    topic: str  # <= 32 URL-safe base64 characters; a newer push with it replaces an older one
    urgency: str = "normal"
    ttl: int | None = None
    key: object = None  # the caller's handle (a subscription id), handed back in the outcome


@dataclass
class Outcome:
    """What became of one push. kind: sent | gone (delete the subscription) | retry | failed."""

    kind: str
    status: int | None = None
    error: str = ""
    retry_after: float | None = None
    key: object = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def classify(status: int, headers, text: str = "", now: float | None = None) -> Outcome:
    """An HTTP answer from a push service, as an Outcome."""
    if 200 <= status < 300:
        return Outcome("sent", status)
    if status in (404, 410):
        return Outcome("gone", status, f"the device unsubscribed (push service said {status})")
    if status == 413:
        return Outcome("failed", status, "the push service refused the message as too large")
    if status == 429:
        delay = retry_after_seconds(headers.get("Retry-After"), now)
        return Outcome("retry", status, "the push service asked to slow down", delay)
    if status >= 500:
        return Outcome("retry", status, f"the push service had an error ({status})")
    detail = " ".join(text.split())[:120]
    return Outcome("failed", status, f"the push service refused the message ({status} {detail})")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After in seconds, from either of its forms (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


# --- the sender -----------------------------------------------------------------------------


class Sender:
    """Sends batches of pushes over one aiohttp session, on a loop thread of its own."""

    def __init__(
        self,
        vapid: Vapid,
        subject: str,
        hosts: PushHosts,
        *,
        ttl: int = 24 * 60 * 60,
        timeout: float = 10.0,
        concurrency: int = 64,
        wall: Callable[[], float] = time.time,
    ):
        if not subject.startswith(("mailto:", "https://")):
            raise ValueError("the VAPID subject must be a mailto: or https: URL")
        self.vapid = vapid
        self.subject = subject
        self.hosts = hosts
        self.ttl = ttl
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.concurrency = concurrency
        self.wall = wall
        self._headers: dict[str, tuple[str, float]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    # The loop thread starts on first use, so that a server process forks before it exists.
    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    ready.set()
                    loop.run_forever()

                self._thread = threading.Thread(target=run, name="push-sender", daemon=True)
                self._thread.start()
                ready.wait()
                self._session = asyncio.run_coroutine_threadsafe(
                    self._make_session(), loop
                ).result()
                self._loop = loop
            return self._loop

    async def _make_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.concurrency, limit_per_host=self.concurrency, ttl_dns_cache=300
        )
        return aiohttp.ClientSession(
            connector=connector, timeout=self.timeout, skip_auto_headers=("User-Agent",)
        )

    def authorization(self, endpoint: str) -> str:
        """The VAPID Authorization header for the endpoint's origin, signed once per origin
        and re-signed well before it expires (a fresh claims dict each time: signing with a
        shared dict is how stale `aud`/`exp` claims leak between services)."""
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        now = self.wall()
        cached = self._headers.get(origin)
        if cached is not None and cached[1] - now > VAPID_REFRESH_BEFORE:
            return cached[0]
        expires = int(now) + VAPID_LIFETIME
        claims = {"aud": origin, "exp": expires, "sub": self.subject}
        header = self.vapid.sign(claims)["Authorization"]
        self._headers[origin] = (header, expires)
        return header

    def send_many(self, pushes: list[Push]) -> list[Outcome]:
        """Send every push (at most `concurrency` in flight); outcomes in the same order."""
        return self.submit(pushes).result()

    def submit(self, pushes: list[Push]) -> Future:
        """Start sending and return at once; the future's result is send_many's."""
        if not pushes:
            done: Future = Future()
            done.set_result([])
            return done
        loop = self._ensure_started()
        return asyncio.run_coroutine_threadsafe(self._send_all(pushes), loop)

    async def _send_all(self, pushes: list[Push]) -> list[Outcome]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(push: Push) -> Outcome:
            async with gate:
                outcome = await self._send_one(push)
            outcome.key = push.key
            return outcome

        return await asyncio.gather(*(one(push) for push in pushes))

    async def _send_one(self, push: Push) -> Outcome:
        refusal = self.hosts.refusal(push.endpoint)
        if refusal:
            # Checked again at send time: the allow-list may have shrunk since subscribing.
            return Outcome("failed", None, f"the push endpoint {refusal}")
        if len(push.payload) >= MAX_PAYLOAD_BYTES:
            return Outcome("failed", None, "the message is over 3 KB")
        try:
            info = {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
            body = WebPusher(info).encode(push.payload, "aes128gcm")["body"]
        except Exception as exc:  # a corrupt key: this device can never be reached
            return Outcome("failed", None, f"the device's keys are unusable ({exc})"[:200])
        headers = {
            "Authorization": self.authorization(push.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self.ttl if push.ttl is None else push.ttl),
            "Urgency": push.urgency,
            "Topic": push.topic,
        }
        try:
            # No redirects: a push service that answers 3xx must not lead us anywhere else.
            async with self._session.post(
                push.endpoint, data=body, headers=headers, allow_redirects=False
            ) as response:
                text = await response.text(errors="replace") if response.status >= 300 else ""
                if response.status < 300:
                    await response.read()  # drain, so the connection is reused
                return classify(response.status, response.headers, text, self.wall())
        except TimeoutError:
            return Outcome("retry", None, "the push service did not answer in time")
        except (aiohttp.ClientError, OSError) as exc:
            return Outcome("retry", None, f"the push service could not be reached ({exc})"[:200])

    def close(self) -> None:
        """Close the session and stop the loop thread (idempotent)."""
        with self._start_lock:
            loop, self._loop = self._loop, None
            if loop is None:
                return
            session, self._session = self._session, None
            try:
                asyncio.run_coroutine_threadsafe(session.close(), loop).result(timeout=5)
            except Exception:  # closing is best effort; the thread is a daemon
                log.debug("closing the push session failed", exc_info=True)
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)


def sender_for(app) -> Sender:
    """The app's one sender (created on first use, after any fork)."""
    from . import config as settings

    sender = app.extensions.get("afterview_sender")
    if sender is None:
        with _sender_lock:
            sender = app.extensions.get("afterview_sender")
            if sender is None:
                sender = Sender(
                    vapid_for(app),
                    settings.vapid_subject(app.config),
                    PushHosts(app.config["PUSH_HOSTS"]),
                    ttl=app.config["PUSH_TTL"],
                    timeout=app.config["PUSH_TIMEOUT"],
                    concurrency=app.config["PUSH_CONCURRENCY"],
                )
                app.extensions["afterview_sender"] = sender
    return sender


def vapid_for(app) -> Vapid:
    vapid = app.extensions.get("afterview_vapid")
    if vapid is None:
        vapid = app.extensions["afterview_vapid"] = load_vapid(Path(app.instance_path))
    return vapid


_sender_lock = threading.Lock()
