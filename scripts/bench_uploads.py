"""Card uploads against a real server: how fast hostile images are answered, and how much
memory the server holds while the largest photos it accepts arrive four at a time.

    .venv/bin/python scripts/bench_uploads.py [--engine rapidocr|tesseract] [--rounds 3]

Starts `afterview serve` on a throwaway SQLite instance (the OCR engine warmed up), signs
up, sends each hostile image once and prints its status and time, then sends `--rounds` times
four accepted photos at once while sampling the resident memory of the server's processes.
Figures, not a test: the targets (hostile answers under 2 s, under 1.2 GB resident) are
judged by a person reading them.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image
from PIL import ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402


def png_claiming(width: int, height: int, depth: int, colour: int) -> bytes:
    """A small PNG whose header claims width x height pixels (its data is a few rows)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width * 8 + 1) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(
        b"IEND", b""
    )


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def card(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A white card with a few dark lines of 'text', at `size`."""
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    step = size[1] // 12
    for row in range(2, 10):
        draw.rectangle((size[0] // 10, row * step, size[0] // 2, row * step + step // 3), "black")
    return image


def hostile_images() -> dict[str, bytes]:
    return {
        "16 x 5000 PNG (strip)": encoded(Image.new("L", (16, 5000), 255), "PNG"),
        "7071 x 7071 16-bit PNG": png_claiming(7071, 7071, 16, 0),
        "7000 x 7000 RGBA PNG": png_claiming(7000, 7000, 8, 6),
        "30000 x 30000 PNG (bomb)": png_claiming(30000, 30000, 1, 0),
        "truncated JPEG": encoded(card((4000, 3000)), "JPEG", quality=80)[:50_000],
        "text named .jpg": b"Dear recruiter,\n" * 500,
    }


def accepted_images() -> dict[str, bytes]:
    return {
        "48 MP JPEG": encoded(card((8000, 6000)), "JPEG", quality=85),
        "12 MP JPEG": encoded(card((4032, 3024)), "JPEG", quality=85),
        "12 MP RGBA PNG": encoded(card((4032, 3024), "RGBA"), "PNG"),
        "16 MP RGB PNG": encoded(card((4600, 3450)), "PNG"),
    }


def resident_mb(pid: int) -> float:
    """Resident memory of `pid` and its children (gunicorn's worker), in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="rapidocr", choices=["rapidocr", "tesseract"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="afterview-bench-") as folder:
        server = LiveServer(Path(folder) / "instance", AFTERVIEW_OCR_ENGINE=args.engine).start()
        try:
            run(server, args.rounds)
        finally:
            server.stop()


def run(server: LiveServer, rounds: int) -> None:
    session = requests.Session()
    session.post(
        server.url + "/api/account",
        json={"email": "bench@example.org", "password": "a long bench password"},
    ).raise_for_status()

    def send(data: bytes, name: str = "card.jpg") -> tuple[int, float]:
        started = time.perf_counter()
        response = session.post(server.url + "/api/cards", files={"image": (name, data)})
        return response.status_code, time.perf_counter() - started

    send(encoded(card((1600, 1000)), "JPEG"))  # the engine is loaded before measuring
    print(f"{'hostile image':32} {'bytes':>9} {'status':>6} {'seconds':>8}")
    for label, data in hostile_images().items():
        status, seconds = send(data, "card.png")
        print(f"{label:32} {len(data):>9} {status:>6} {seconds:>8.3f}")

    peak = resident_mb(server.process.pid)
    idle = peak
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, resident_mb(server.process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    images = accepted_images()
    print(f"\n{'accepted photo, 4 at once':32} {'bytes':>9} {'status':>6} {'max s':>8}")
    with ThreadPoolExecutor(max_workers=4) as pool:
        for label, data in images.items():
            for _ in range(rounds):
                results = list(pool.map(send, [data] * 4))
            statuses = sorted({status for status, _ in results})
            slowest = max(seconds for _, seconds in results)
            print(f"{label:32} {len(data):>9} {statuses!s:>6} {slowest:>8.2f}")
    done.set()
    sampler.join()
    print(f"\nserver resident memory: {idle:.0f} MB idle (engine loaded), {peak:.0f} MB peak")


if __name__ == "__main__":
    main()
