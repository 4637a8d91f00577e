"""A fake push service on loopback, for the benchmark (in its own process) and the tests.

It speaks just enough HTTP/1.1 (keep-alive, Content-Length bodies) to be cheap, so that the
benchmark measures the sender and not the sink. With verification on it checks what a real
push service checks (the VAPID JWT: ES256 with the server's key, `aud` = this origin, `exp`
within 24 h, `sub` mailto:/https:; TTL, Urgency, Topic) and decrypts every body (aes128gcm)
with the subscription's private key, as the phone would.

Each subscription may be scripted to answer 404, 410, 413, 429 (with Retry-After), 500 or
to hang, once or always.

    python -m server.pushsink [--port N] [--keys FILE --vapid-key B64]

prints `PORT <n>` on stdout, then serves until killed; `GET /stats` answers the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from dataclasses import field

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
URGENCIES = {"very-low", "low", "normal", "high"}
REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    404: "Not Found",
    410: "Gone",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class DeviceKeys:
    """A test device: the P-256 key pair and auth secret a browser would make."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def generate(cls) -> DeviceKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _b64(point)

    def dump(self) -> dict:
        value = self.private_key.private_numbers().private_value.to_bytes(32, "big")
        return {"private": _b64(value), "auth": _b64(self.auth)}

    @classmethod
    def load(cls, data: dict) -> DeviceKeys:
        value = int.from_bytes(_unb64(data["private"]), "big")
        return cls(ec.derive_private_key(value, ec.SECP256R1()), _unb64(data["auth"]))


@dataclass
class Delivery:
    """One accepted push, as the phone would see it."""

    device: str
    headers: dict
    payload: dict | None
    at: float


@dataclass
class _Device:
    keys: DeviceKeys | None
    mode: str = "ok"  # the answer when nothing is scripted
    script: deque = field(default_factory=deque)  # answers to give first, one per push


class PushSink:
    """The fake push service. Endpoints are `<origin>/push/<device id>`."""

    def __init__(self, vapid_public_key: str | None = None, verify: bool = True):
        self.verify = verify
        self.vapid_key = vapid_public_key
        self._public = (
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(vapid_public_key))
            if vapid_public_key
            else None
        )
        self.devices: dict[str, _Device] = {}
        self.deliveries: list[Delivery] = []
        self.errors: list[str] = []
        self.answered: dict[int, int] = {}
        self.received = 0
        self.hanging: list[asyncio.Transport] = []
        self.port = 0
        self._verified_tokens: dict[str, int] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._counter = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- devices ------------------------------------------------------------------------

    def add_device(self, mode: str = "ok", keys: DeviceKeys | None = None) -> dict:
        """A new device; returns its PushSubscription.toJSON()."""
        keys = keys or DeviceKeys.generate()
        with self._lock:
            self._counter += 1
            device_id = f"d{self._counter}-{os.urandom(4).hex()}"
            self.devices[device_id] = _Device(keys, mode)
        return {
            "endpoint": f"{self.origin}/push/{device_id}",
            "expirationTime": None,
            "keys": {"p256dh": keys.p256dh, "auth": _b64(keys.auth)},
        }

    def set_mode(self, endpoint: str, mode: str, *script: str) -> None:
        """mode: ok | 404 | 410 | 413 | 429 | 429:<seconds> | 500 | hang; `script` answers
        come first, one per push (e.g. set_mode(e, "ok", "500", "500"): two errors, then ok)."""
        device = self.devices[endpoint.rsplit("/", 1)[-1]]
        device.mode = mode
        device.script = deque(script)

    def deliveries_to(self, endpoint: str) -> list[Delivery]:
        device_id = endpoint.rsplit("/", 1)[-1]
        return [item for item in self.deliveries if item.device == device_id]

    # --- serving ------------------------------------------------------------------------

    def start(self, port: int = 0) -> PushSink:
        """Serve on 127.0.0.1 from a thread of this process (for tests)."""
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._listen(port))
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="push-sink", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    async def _listen(self, port: int) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self), "127.0.0.1", port, backlog=1024
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is None:
            return

        def close() -> None:
            for transport in self.hanging:
                transport.close()
            self._server.close()
            self._loop.stop()

        self._loop.call_soon_threadsafe(close)
        self._thread.join(timeout=5)
        self._loop = None

    # --- one request --------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict, body: bytes):
        """(status, extra headers, body) to answer, or None to hang."""
        if method == "GET" and path == "/stats":
            stats = {
                "received": self.received,
                "verified": len(self.deliveries) if self.verify else 0,
                "answered": self.answered,
                "errors": self.errors[:20],
                "error_count": len(self.errors),
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(stats).encode()
        if method != "POST" or not path.startswith("/push/"):
            return 404, {}, b""
        self.received += 1
        device_id = path[len("/push/") :]
        device = self.devices.get(device_id)
        if device is None and self.verify:
            return self._refuse(f"unknown device {device_id}")
        answer = "ok"
        if device is not None:
            answer = device.script.popleft() if device.script else device.mode
        if answer == "hang":
            return None
        if answer != "ok":
            code, _, seconds = answer.partition(":")
            extra = {"Retry-After": seconds or "7"} if code == "429" else {}
            self.answered[int(code)] = self.answered.get(int(code), 0) + 1
            return int(code), extra, b"scripted"
        payload = None
        if self.verify:
            problem = self._check_headers(headers)
            if problem:
                return self._refuse(problem)
            try:
                plain = http_ece.decrypt(
                    body,
                    private_key=device.keys.private_key,
                    auth_secret=device.keys.auth,
                    version="aes128gcm",
                )
                payload = json.loads(plain)
            except Exception as exc:
                return self._refuse(f"undecryptable body: {exc!r}")
            if len(plain) >= 3 * 1024:
                return self._refuse(f"payload of {len(plain)} bytes is over 3 KB")
            self.deliveries.append(Delivery(device_id, headers, payload, time.time()))
        self.answered[201] = self.answered.get(201, 0) + 1
        return 201, {"Location": f"/message/{self.received}"}, b""

    def _refuse(self, problem: str):
        self.errors.append(problem)
        self.answered[400] = self.answered.get(400, 0) + 1
        return 400, {}, problem.encode()

    def _check_headers(self, headers: dict) -> str | None:
        if headers.get("content-encoding") != "aes128gcm":
            return "Content-Encoding is not aes128gcm"
        if not headers.get("ttl", "").isdigit():
            return "TTL is missing"
        if headers.get("urgency", "normal") not in URGENCIES:
            return "bad Urgency"
        topic = headers.get("topic")
        if topic is not None and not TOPIC.match(topic):
            return f"bad Topic {topic!r}"
        return self._check_vapid(headers.get("authorization", ""))

    def _check_vapid(self, header: str) -> str | None:
        match = re.match(r"^vapid t=([\w.-]+), ?k=([\w-]+)$", header)
        if not match:
            return f"no VAPID Authorization header: {header[:60]!r}"
        token, key = match.groups()
        if self.vapid_key and key != self.vapid_key:
            return "VAPID key is not the server's"
        exp = self._verified_tokens.get(token)
        if exp is None:
            try:
                signing_input, _, signature = token.rpartition(".")
                header_part, _, claims_part = signing_input.partition(".")
                head = json.loads(_unb64(header_part))
                claims = json.loads(_unb64(claims_part))
                raw = _unb64(signature)
                public = self._public or ec.EllipticCurvePublicKey.from_encoded_point(
                    ec.SECP256R1(), _unb64(key)
                )
                der = encode_dss_signature(
                    int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
                )
                public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
            except (InvalidSignature, ValueError, KeyError) as exc:
                return f"bad VAPID JWT signature: {exc!r}"
            if head.get("alg") != "ES256":
                return "VAPID JWT is not ES256"
            if claims.get("aud") != self.origin:
                return f"VAPID aud {claims.get('aud')!r} is not {self.origin}"
            if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
                return f"VAPID sub {claims.get('sub')!r} is not mailto:/https:"
            exp = int(claims.get("exp", 0))
            # The signature and claims of a token never change: verify each token once.
            self._verified_tokens[token] = exp
        now = time.time()
        if not now < exp <= now + 24 * 60 * 60:
            return f"VAPID exp {exp} is not within 24 h"
        return None


class _Connection(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies: what push clients send."""

    def __init__(self, sink: PushSink):
        self.sink = sink
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, path, _ = (head[0].split(" ") + ["", ""])[:3]
            answer = self.sink.handle(method, path, headers, body)
            if answer is None:
                self.sink.hanging.append(self.transport)
                return  # never answers; the client's timeout is what is being tested
            status, extra, content = answer
            lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
            lines += [f"{name}: {value}" for name, value in extra.items()]
            lines.append(f"Content-Length: {len(content)}")
            self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode() + content)


def main(argv: list[str] | None = None) -> None:
    """Run the sink alone (the benchmark starts it in its own process)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keys", help="JSON file {device id: {private, auth}}: verify all")
    parser.add_argument("--vapid-key", help="the server's VAPID public key (base64url)")
    args = parser.parse_args(argv)
    sink = PushSink(args.vapid_key, verify=bool(args.keys))
    if args.keys:
        with open(args.keys) as handle:
            for device_id, data in json.load(handle).items():
                sink.devices[device_id] = _Device(DeviceKeys.load(data))

    async def serve() -> None:
        await sink._listen(args.port)
        print(f"PORT {sink.port}", flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
