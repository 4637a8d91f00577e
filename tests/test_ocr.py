"""The OCR layer with both real engines: card photos, QR codes, and every kind of bad upload."""

from __future__ import annotations

import io
import json
import re
import struct
import threading
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
import segno
from click.testing import CliRunner
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

from server.ocr import EngineBusy
from server.ocr import get_engine
from server.ocr import ImageRejected
from server.ocr import read_card
from server.ocr.engine import Engine
from server.ocr.geometry import page_turn
from server.ocr.geometry import TURN_CCW
from server.ocr.geometry import TURN_CW
from server.ocr.geometry import UPRIGHT
from server.ocr.geometry import UPSIDE_DOWN
from server.ocr.images import load_photo
from server.ocr.images import to_rgb
from server.ocr.qr import decode_qr
from server.ocr_cli import eval_command
from server.ocr_cli import scan_command

CARDS = Path(__file__).parent / "fixtures" / "cards"
CARD_IDS = sorted(p.stem for p in CARDS.glob("*.jpg"))


@pytest.fixture(scope="session")
def rapidocr():
    """The RapidOCR engine, loaded once for the whole test session."""
    engine = get_engine("rapidocr")
    engine.warm_up()
    return engine


def photo_bytes(card_id: str) -> bytes:
    return (CARDS / f"{card_id}.jpg").read_bytes()


def truth(card_id: str) -> dict:
    return json.loads((CARDS / f"{card_id}.json").read_text(encoding="utf-8"))


def same_text(a: str | None, b: str | None) -> bool:
    def norm(v):
        return " ".join((v or "").casefold().split()).strip(".,;:")

    return norm(a) == norm(b)


def digit_set(phones: list[dict]) -> set[str]:
    return {re.sub(r"\D", "", p["number"])[-9:] for p in phones}


def tokens(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").casefold())


# --- the default engine on real-looking photos ---------------------------------------------


@pytest.mark.parametrize("card_id", CARD_IDS)
def test_rapidocr_reads_the_fixture_cards(rapidocr, card_id):
    """Upright, EXIF-rotated (s012), turned 270 degrees (s030) and upside down (s042)."""
    scan = read_card(photo_bytes(card_id))
    expected = truth(card_id)
    fields = scan.fields
    for key in ("name", "title", "company"):
        assert same_text(fields[key], expected[key]), key
    assert {e.lower() for e in fields["emails"]} == {e.lower() for e in expected["emails"]}
    assert digit_set(fields["phones"]) == digit_set(expected["phones"])
    by_digits = {re.sub(r"\D", "", p["number"])[-9:]: p["type"] for p in fields["phones"]}
    for phone in expected["phones"]:
        assert by_digits[re.sub(r"\D", "", phone["number"])[-9:]] == phone["type"]
    assert tokens(fields["address"]) == tokens(expected["address"])
    assert scan.engine == "rapidocr" and scan.lines
    assert all(0 <= v <= 1 for v in scan.confidence.values())
    assert json.dumps(scan.to_json())  # JSON-ready as it is


def test_lines_come_in_the_cards_own_frame(rapidocr):
    """s030 lies turned in the photo: its name must still be above its title, left to right."""
    scan = read_card(photo_bytes("s030"))
    boxes = {line["text"]: line["box"] for line in scan.lines}
    name_box = next(box for text, box in boxes.items() if "Aarav Kumar" in text)
    title_box = boxes["Office Manager"]
    assert name_box[1] < title_box[1]
    assert name_box[2] - name_box[0] > name_box[3] - name_box[1]


def test_tesseract_engine_reads_a_card():
    """Tesseract's pipeline: s012 is stored sideways with an EXIF tag, like a phone photo."""
    scan = read_card(photo_bytes("s012"), engine="tesseract")
    expected = truth("s012")
    assert scan.engine == "tesseract"
    assert {e.lower() for e in scan.fields["emails"]} == set(expected["emails"])
    assert digit_set(scan.fields["phones"]) == digit_set(expected["phones"])
    assert same_text(scan.fields["title"], expected["title"])


def test_unknown_engine_and_region_are_refused():
    with pytest.raises(ValueError):
        read_card(photo_bytes("s001"), engine="easyocr")
    with pytest.raises(ValueError):
        read_card(photo_bytes("s001"), default_region="Germany")


# --- QR codes ------------------------------------------------------------------------------


def card_with_qr(payload: str | None, lines: list[str]) -> bytes:
    """A white card with printed lines and (optionally) a QR code, on a dark desk."""
    card = Image.new("RGB", (1050, 600), "white")
    draw = ImageDraw.Draw(card)
    for i, text in enumerate(lines):
        size = 56 if i == 0 else 34
        draw.text((60, 70 + i * 70), text, fill="black", font=ImageFont.load_default(size=size))
    if payload:
        buffer = io.BytesIO()
        segno.make(payload, error="m").save(buffer, kind="png", scale=5, border=2)
        code = Image.open(buffer).convert("RGB")
        card.paste(code, (1000 - code.width, 560 - code.height))
    photo = Image.new("RGB", (1600, 1200), (70, 55, 45))
    photo.paste(card, (250, 300))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_vcard_qr_is_decoded_and_wins(rapidocr):
    vcard = ("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nORG:Acme Robotics Inc.\n"
             "TITLE:Head of People\nTEL;TYPE=CELL:+1 617 555 0199\n"
             "EMAIL:jane.doe@acme-robotics.com\nURL:https://acme-robotics.com\nEND:VCARD")
    scan = read_card(card_with_qr(vcard, ["Jane Doe", "Head of People"]))
    assert scan.qr
    assert scan.fields["name"] == "Jane Doe"
    assert scan.fields["company"] == "Acme Robotics Inc."
    assert scan.fields["phones"] == [{"number": "+1 617 555 0199", "type": "mobile"}]
    assert scan.fields["emails"] == ["jane.doe@acme-robotics.com"]
    assert scan.confidence["phones"] == 1.0


def test_mecard_and_url_qr_codes(rapidocr):
    scan = read_card(card_with_qr("MECARD:N:Silva,Ana;TEL:+351912345678;;", ["Ana Silva"]))
    assert scan.fields["name"] == "Ana Silva"
    assert scan.fields["phones"][0]["number"] == "+351912345678"
    scan = read_card(card_with_qr("https://example.org/ana", ["Ana Silva"]))
    assert scan.fields["website"] == "https://example.org/ana"


def test_qr_decoder_skips_cards_without_finder_patterns():
    photo = load_photo(photo_bytes("s048"), max_side=1200)  # a QR-like decoy shape
    assert decode_qr(photo.image) is None
    photo = load_photo(card_with_qr(None, ["Ana Silva"]), max_side=1200)
    assert decode_qr(photo.image) is None


# --- bad input -----------------------------------------------------------------------------


def rejected(data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        read_card(data)
    error = caught.value
    assert error.message and error.message.endswith(".")
    return error


def png_claiming(width: int, height: int, depth: int = 8, colour: int = 0) -> bytes:
    """A few hundred bytes of PNG (8-bit grey unless said) whose header claims width x height
    pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_empty_upload():
    assert rejected(b"").status == 400


def test_text_file_named_jpg():
    assert rejected(b"Dear recruiter,\nthanks for the interview.\n" * 20).status == 415


def test_truncated_jpeg():
    data = photo_bytes("s001")
    assert rejected(data[: len(data) // 3]).status == 422


@pytest.mark.parametrize("side", [30000, 10000, 8000])
def test_decompression_bombs_are_refused_before_decoding(side):
    """30000^2 trips Pillow's error, 10000^2 its warning (an error here), 8000^2 our limit."""
    data = png_claiming(side, side)
    assert len(data) < 10_000
    # pytest resets warning filters per test; restore the app's own rule (set at import).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        assert rejected(data).status == 413


@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
@pytest.mark.parametrize("size", [(16, 5000), (5000, 16), (1300, 200), (90, 60)])
def test_shapes_no_card_has_are_refused_by_every_engine(engine, size):
    """A strip or a thumbnail is answered from its header (the engine is never asked)."""
    with pytest.raises(ImageRejected) as caught:
        read_card(encoded(Image.new("L", size, 255), "PNG"), engine=engine)
    assert caught.value.status == 422 and "card" in caught.value.message


def test_sixteen_bit_and_rgba_pngs_past_the_decode_budget_are_refused():
    """Under the pixel limit, but their decoded pixels would not fit the per-photo budget."""
    for depth, colour in ((16, 0), (8, 6)):
        data = png_claiming(7071, 7071, depth, colour)
        assert rejected(data).status == 413


def test_a_large_jpeg_is_decoded_reduced_within_the_budget():
    """A 48 MP JPEG is read at a fraction of its size by the decoder itself."""
    big = encoded(Image.new("RGB", (8000, 6000), "white"), "JPEG", quality=50)
    photo = load_photo(big, max_side=1600)
    assert photo.stored_size == (8000, 6000) and max(photo.image.size) == 1600


def test_upload_over_the_size_limit():
    assert rejected(b"\xff\xd8\xff" + b"\0" * (21 * 1024 * 1024)).status == 413


def test_animated_gif():
    frames = [Image.new("RGB", (200, 120), color) for color in ("white", "black")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    error = rejected(data)
    assert error.status == 415


def test_cmyk_jpeg_is_read(rapidocr):
    image = Image.open(io.BytesIO(photo_bytes("s001"))).convert("CMYK")
    scan = read_card(encoded(image, "JPEG", quality=90))
    assert scan.fields["name"] == truth("s001")["name"]


def test_sixteen_bit_png_is_scaled_not_clipped(rapidocr):
    grey = np.asarray(Image.open(io.BytesIO(photo_bytes("s001"))).convert("L"), dtype=np.uint16)
    image = Image.fromarray((grey * 257).astype("<u2"))
    assert image.mode.startswith("I")
    rgb = to_rgb(Image.open(io.BytesIO(encoded(image, "PNG"))))
    assert rgb.mode == "RGB" and 60 < np.asarray(rgb).mean() < 200
    scan = read_card(encoded(image, "PNG"))
    assert scan.fields["name"] == truth("s001")["name"]


def test_alpha_png_is_put_on_white(rapidocr):
    card = Image.new("RGBA", (1000, 560), (0, 0, 0, 0))
    ImageDraw.Draw(card).text((60, 80), "Jane Doe", fill=(0, 0, 0, 255),
                              font=ImageFont.load_default(size=64))
    rgb = to_rgb(card)
    assert rgb.getpixel((5, 5)) == (255, 255, 255)
    scan = read_card(encoded(card, "PNG"))
    assert scan.fields["name"] == "Jane Doe"


def test_photo_without_text_gives_an_empty_all_flagged_draft(rapidocr):
    rng = np.random.default_rng(7)
    noise = rng.normal(128, 6, (900, 1200, 3)).clip(0, 255).astype(np.uint8)
    scan = read_card(encoded(Image.fromarray(noise), "JPEG", quality=85))
    assert not any(scan.fields[k] for k in ("name", "title", "company", "emails", "phones",
                                            "website", "address"))
    assert set(scan.flagged) == set(scan.confidence)


# --- one job at a time ---------------------------------------------------------------------


class SlowEngine(Engine):
    """A stand-in engine that blocks until released (no model)."""

    name = "slow"
    max_waiting = 2

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.running = 0
        self.most_at_once = 0
        self.counter_lock = threading.Lock()

    def _load(self) -> None:
        pass

    def _read(self, image):
        with self.counter_lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(5)
        with self.counter_lock:
            self.running -= 1
        return []


def test_one_job_at_a_time_and_a_short_queue():
    engine = SlowEngine()
    image = Image.new("RGB", (50, 50))
    workers = [threading.Thread(target=engine.read, args=(image,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    while engine._waiting < 2:
        threading.Event().wait(0.01)
    with pytest.raises(EngineBusy) as busy:
        engine.read(image)
    assert busy.value.status == 503 and busy.value.retry_after > 0
    engine.release.set()
    for worker in workers:
        worker.join()
    assert engine.most_at_once == 1


# --- geometry ------------------------------------------------------------------------------


def test_page_turn_votes_from_line_shapes_and_classifier_flips():
    wide = np.array([[0, 0], [300, 0], [300, 40], [0, 40]], dtype=float)
    tall = np.array([[0, 0], [40, 0], [40, 300], [0, 300]], dtype=float)
    assert page_turn([wide, wide], [False, False]) == UPRIGHT
    assert page_turn([wide, wide], [True, True]) == UPSIDE_DOWN
    assert page_turn([tall, tall], [False, False]) == TURN_CW
    assert page_turn([tall, tall], [True, True]) == TURN_CCW


# --- command line --------------------------------------------------------------------------


def test_scan_command_prints_json(rapidocr):
    result = CliRunner().invoke(scan_command, [str(CARDS / "s042.jpg")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["fields"]["name"] == truth("s042")["name"]


def test_eval_command_writes_a_prediction_per_image_and_goes_on(rapidocr, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    (images / "c1.JPG").write_bytes(photo_bytes("s001"))
    (images / "c2.jpeg").write_bytes(photo_bytes("s001")[:20000])  # broken: fails, run goes on
    (images / "notes.txt").write_text("not an image")
    (images / "c1.json").write_text(json.dumps(truth("s001")))  # truth beside the image
    out = tmp_path / "pred"
    result = CliRunner().invoke(eval_command, [str(images), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["c1.json", "c2.json"]
    assert json.loads((out / "c1.json").read_text())["name"] == truth("s001")["name"]
    assert json.loads((out / "c2.json").read_text())["phones"] == []
    assert "median" in result.output and "peak memory" in result.output
    first = json.loads((out / "c1.json").read_text())
    assert set(first["confidence"]) >= {"name", "phones"} and isinstance(first["flagged"], list)
    assert "accuracy over 1 cards with truth" in result.output
    assert "cards with every field right: " in result.output
    assert "right fields flagged" in result.output
