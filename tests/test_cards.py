"""/api/cards: a card photo in, a draft contact out; the kept photo; replays; bad uploads.

Real OCR runs on two fixture cards and a few odd-format photos, each once per test session:
the SQLite and PostgreSQL runs share the reading (see `ocr_runs`), and the one RapidOCR engine
is process-wide. Tests about storage and ownership use a stand-in reader (`fake_ocr`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import uuid
import zlib
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from PIL import ExifTags
from PIL import Image
from PIL import ImageCms
from PIL import ImageDraw
from PIL import ImageFont
from PIL import ImageOps

from server import cards
from server.db import db
from server.models import CardScan
from server.models import Contact
from server.ocr import CardScan as OcrScan
from server.ocr import get_engine
from server.ocr import read_card

CARDS = Path(__file__).parent / "fixtures" / "cards"
MB = 1024 * 1024

# (sha256 of the photo, region, engine) -> what real OCR read, for the whole session.
_readings: dict[tuple[str, str | None, str], OcrScan] = {}


@pytest.fixture(scope="session")
def rapidocr():
    """The process's one RapidOCR engine, loaded once (test_ocr.py shares the same object)."""
    engine = get_engine("rapidocr")
    engine.warm_up()
    return engine


@pytest.fixture
def ocr_runs(monkeypatch, rapidocr):
    """Real OCR behind the API, each distinct photo read once per session; the list it returns
    records the region of every call the API made (a replay must make none)."""
    calls: list[str | None] = []

    def reading(photo, *, default_region=None, engine="rapidocr"):
        calls.append(default_region)
        key = (hashlib.sha256(photo.image.tobytes()).hexdigest(), default_region, engine)
        if key not in _readings:
            _readings[key] = read_card(photo, default_region=default_region, engine=engine)
        return _readings[key]

    monkeypatch.setattr(cards, "read_card", reading)
    return calls


@pytest.fixture
def fake_ocr(monkeypatch):
    """A stand-in reader (no model): Dana Reyes of Acme, whatever the photo shows."""
    calls: list[str | None] = []

    def reading(photo, *, default_region=None, engine="rapidocr"):
        calls.append(default_region)
        return OcrScan(
            fields={
                "name": "Dana Reyes", "title": "Recruiter", "company": "Acme",
                "emails": ["dana@acme.example"],
                "phones": [{"number": "+1 617 555 0199", "type": "mobile"}],
                "website": None, "address": None, "notes": "",
            },
            confidence={"name": 0.9, "title": 0.8, "company": 0.5, "emails": 1.0,
                        "phones": 0.9, "website": 0.0, "address": 0.0},
            flagged=["company", "website", "address"],
            lines=[{"text": "Dana Reyes", "box": [10.0, 10.0, 200.0, 40.0], "confidence": 0.99}],
            engine=engine,
            qr=False,
        )

    monkeypatch.setattr(cards, "read_card", reading)
    return calls


def upload(client, data: bytes | None, filename: str = "card.jpg", **fields):
    form: dict = {key: str(value) for key, value in fields.items()}
    if data is not None:
        form["image"] = (io.BytesIO(data), filename)
    return client.post("/api/cards", data=form, content_type="multipart/form-data")


def count(app, model=CardScan) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fixture_photo(card_id: str) -> bytes:
    return (CARDS / f"{card_id}.jpg").read_bytes()


def truth(card_id: str) -> dict:
    return json.loads((CARDS / f"{card_id}.json").read_text(encoding="utf-8"))


def digits(phones: list[dict]) -> set[str]:
    return {re.sub(r"\D", "", phone["number"])[-9:] for phone in phones}


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def small_photo(size=(640, 400)) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((40, 40, 300, 90), fill="black")
    return encoded(image, "JPEG", quality=90)


def kept_photo(client, scan: dict) -> Image.Image:
    response = client.get(scan["photo_url"])
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert max(image.size) <= 1600
    return image


# --- real cards ----------------------------------------------------------------------------


@pytest.mark.parametrize("card_id", ["s001", "s012"])
def test_card_photo_becomes_a_draft_and_a_replay_reads_nothing(app, new_user, ocr_runs, card_id):
    """s001 is upright (US numbers); s012 is stored sideways with an EXIF orientation tag
    and is a German card (its numbers must not be taken for the user's country's)."""
    ann = new_user()
    assert ann.patch("/api/account", json={"country": "US"}).status_code == 200
    scan_id = str(uuid.uuid4())
    response = upload(ann, fixture_photo(card_id), id=scan_id)
    assert response.status_code == 201, response.get_json()
    scan = response.get_json()
    assert {"id", "fields", "confidence", "flagged", "lines", "engine", "created_at",
            "interview_id"} <= set(scan)
    assert scan["id"] == scan_id and scan["engine"] == "rapidocr" and scan["lines"]
    assert scan["interview_id"] is None and scan["contact_id"] is None
    expected = truth(card_id)
    assert [e.lower() for e in scan["fields"]["emails"]] == expected["emails"]
    assert digits(scan["fields"]["phones"]) == digits(expected["phones"])
    assert ocr_runs == ["US"], "the user's country is the reader's fallback region"
    numbers = [phone["number"] for phone in scan["fields"]["phones"]]
    if card_id == "s001":
        assert all(number.startswith("+1 ") for number in numbers)
    else:
        assert not any(number.startswith("+1") for number in numbers)

    upright = ImageOps.exif_transpose(Image.open(CARDS / f"{card_id}.jpg")).size
    assert kept_photo(ann, scan).size == upright, "the EXIF turn is applied to the kept photo"
    assert ann.get(f"/api/cards/{scan_id}").get_json() == scan

    replay = upload(ann, fixture_photo(card_id), id=scan_id)
    assert replay.status_code == 200
    assert replay.get_json() == scan
    assert ocr_runs == ["US"], "a replay must not read the photo again"
    assert count(app) == 1


@pytest.fixture
def odd_photos():
    """Photos in the formats phones and scanners also produce; each is still a card."""
    source = Image.open(CARDS / "s001.jpg")
    grey = np.asarray(source.convert("L"), dtype=np.uint16)
    sixteen = Image.fromarray((grey * 257).astype("<u2"))
    card = Image.new("RGBA", (1000, 560), (0, 0, 0, 0))
    ImageDraw.Draw(card).text((60, 80), "Jane Doe", fill=(0, 0, 0, 255),
                              font=ImageFont.load_default(size=64))
    rng = np.random.default_rng(7)
    noise = rng.normal(128, 6, (900, 1200, 3)).clip(0, 255).astype(np.uint8)
    return {
        "cmyk.jpg": (encoded(source.convert("CMYK"), "JPEG", quality=90), "Brandon Thompson"),
        "sixteen.png": (encoded(sixteen, "PNG"), "Brandon Thompson"),
        "alpha.png": (encoded(card, "PNG"), "Jane Doe"),
        "blank.jpg": (encoded(Image.fromarray(noise), "JPEG", quality=85), None),
    }


def test_cmyk_sixteen_bit_alpha_and_blank_photos_are_read(app, ann, ocr_runs, odd_photos):
    for filename, (data, name) in odd_photos.items():
        response = upload(ann, data, filename=filename)
        assert response.status_code == 201, (filename, response.get_json())
        scan = response.get_json()
        kept_photo(ann, scan)
        if name is not None:
            assert scan["fields"]["name"] == name, filename
        else:
            # A readable photo with nothing on it: an empty draft, every field flagged.
            fields = scan["fields"]
            assert not any(fields[key] for key in ("name", "title", "company", "emails",
                                                   "phones", "website", "address"))
            assert set(scan["flagged"]) == set(scan["confidence"]) != set()
    assert count(app) == len(odd_photos)


# --- the kept photo ------------------------------------------------------------------------


def photo_with_metadata() -> bytes:
    """A 2400 x 1600 JPEG stored sideways (EXIF orientation 6) carrying GPS, a camera make,
    XMP, an ICC profile and a comment, like a phone photo with location on."""
    image = Image.new("RGB", (2400, 1600), "white")
    ImageDraw.Draw(image).rectangle((100, 100, 900, 300), fill=(200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>SecretPlace</rdf:RDF></x:xmpmeta>'
    data = encoded(image, "JPEG", quality=90, exif=exif, icc_profile=icc, xmp=xmp,
                   comment=b"SecretComment")
    check = Image.open(io.BytesIO(data))
    assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo carries GPS"
    assert "icc_profile" in check.info and "xmp" in check.info and "comment" in check.info
    return data


def test_kept_photo_is_upright_downscaled_and_has_no_metadata(ann, fake_ocr):
    scan = upload(ann, photo_with_metadata()).get_json()
    response = ann.get(scan["photo_url"])
    image = kept_photo(ann, scan)
    assert image.size == (1067, 1600), "turned upright by EXIF, long edge 1600"
    exif = image.getexif()
    assert len(exif) == 0 and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    for secret in (b"Exif", b"SecretPhone", b"SecretPlace", b"SecretComment", b"ICC_PROFILE"):
        assert secret not in response.data
    # The browser may revalidate its private copy.
    again = ann.get(scan["photo_url"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# --- ownership, links, deletes -------------------------------------------------------------


def test_scans_belong_to_their_user(app, ann, bob, client, fake_ocr):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    scan_id = str(uuid.uuid4())
    response = upload(ann, small_photo(), id=scan_id, interview_id=interview["id"])
    assert response.status_code == 201
    assert response.get_json()["interview_id"] == interview["id"]

    stolen = upload(bob, small_photo(), id=scan_id)
    assert stolen.status_code == 409
    assert set(stolen.get_json()) == {"error", "message"}
    assert upload(bob, small_photo(), interview_id=interview["id"]).status_code == 404
    for path in (f"/api/cards/{scan_id}", f"/api/cards/{scan_id}/photo"):
        answer = bob.get(path)
        assert answer.status_code == 404 and b"Dana" not in answer.data
    assert bob.delete(f"/api/cards/{scan_id}").status_code == 404
    assert upload(client, small_photo()).status_code == 401
    other_photo = upload(ann, small_photo((700, 400)), id=scan_id)
    assert other_photo.status_code == 409, "the same id with another photo is a conflict"
    assert count(app) == 1 and len(fake_ocr) == 1


def test_delete_a_scan(app, ann, fake_ocr):
    scan = upload(ann, small_photo()).get_json()
    assert ann.delete(f"/api/cards/{scan['id']}").status_code == 204
    assert ann.get(f"/api/cards/{scan['id']}").status_code == 404
    assert ann.get(scan["photo_url"]).status_code == 404
    assert count(app) == 0


def test_contact_keeps_its_card_photo_and_deletes_it(app, ann, bob, fake_ocr):
    scan = upload(ann, small_photo()).get_json()
    body = {"id": str(uuid.uuid4()), "name": "Dana Reyes", "card_id": scan["id"]}
    response = ann.post("/api/contacts", json=body)
    assert response.status_code == 201, response.get_json()
    contact = response.get_json()
    assert contact["card_id"] == scan["id"]
    assert contact["photo_url"] == scan["photo_url"]
    kept_photo(ann, contact)
    replay = ann.post("/api/contacts", json=body)
    assert replay.status_code == 200 and replay.get_json() == contact
    assert ann.get(f"/api/cards/{scan['id']}").get_json()["contact_id"] == contact["id"]
    assert ann.get("/api/contacts").get_json()[0]["photo_url"] == scan["photo_url"]

    second = ann.post("/api/contacts", json={"name": "Someone Else", "card_id": scan["id"]})
    assert second.status_code == 409
    assert bob.post("/api/contacts", json={"name": "Spy", "card_id": scan["id"]}).status_code == 404
    unknown = ann.post("/api/contacts", json={"name": "X", "card_id": str(uuid.uuid4())})
    assert unknown.status_code == 404
    assert count(app, Contact) == 1

    assert ann.delete(f"/api/contacts/{contact['id']}").status_code == 204
    assert ann.get(f"/api/cards/{scan['id']}").status_code == 404
    assert ann.get(scan["photo_url"]).status_code == 404
    assert count(app) == 0


# --- bad input -----------------------------------------------------------------------------


def png_claiming(width: int, height: int, depth: int = 1, colour: int = 0) -> bytes:
    """A few hundred bytes of PNG (1-bit grey unless said) whose header claims width x height
    pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width // 8 + 2) * 8, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (200, 120), color) for color in ("white", "black")]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


BAD_UPLOADS = {
    "empty body": (lambda c: c.post("/api/cards"), 400),
    "json instead of a form": (lambda c: c.post("/api/cards", json={"image": "x"}), 400),
    "empty form": (lambda c: c.post("/api/cards", data={}, content_type="multipart/form-data"),
                   400),
    "no image field": (lambda c: upload(c, None, id=uuid.uuid4()), 400),
    "empty image file": (lambda c: upload(c, b""), 400),
    "image sent as text": (
        lambda c: c.post(
            "/api/cards", data={"image": "aGVsbG8="}, content_type="multipart/form-data"
        ),
        400,
    ),
    "text file named .jpg": (lambda c: upload(c, b"Dear recruiter,\nthank you.\n" * 40), 415),
    "truncated jpeg": (lambda c: upload(c, fixture_photo("s001")[:60_000]), 422),
    "decompression bomb": (lambda c: upload(c, png_claiming(30000, 30000), "bomb.png"), 413),
    "over 20 MB": (lambda c: upload(c, b"\xff\xd8\xff" + bytes(21 * MB)), 413),
    # Shapes no card has: refused from the header, before a detector scales them up.
    "a 16 x 5000 strip": (lambda c: upload(c, encoded(Image.new("L", (16, 5000), 255), "PNG"),
                                           "strip.png"), 422),
    "a 6.5:1 banner": (lambda c: upload(c, encoded(Image.new("RGB", (1300, 200), "white"),
                                                   "PNG"), "banner.png"), 422),
    "a 60 px thumbnail": (lambda c: upload(c, small_photo((96, 60))), 422),
    # Under the pixel limit, over what the decoded pixels may take (no reduced decoding).
    "16-bit 7071 x 7071 png": (lambda c: upload(c, png_claiming(7071, 7071, 16), "big.png"), 413),
    "rgba 7000 x 7000 png": (lambda c: upload(c, png_claiming(7000, 7000, 8, 6), "big.png"), 413),
    "animated gif": (lambda c: upload(c, animated_gif(), "card.gif"), 415),
    "id that is no uuid": (lambda c: upload(c, small_photo(), id="card-1"), 422),
    "unknown form field": (lambda c: upload(c, small_photo(), region="GB"), 422),
    "unknown interview": (lambda c: upload(c, small_photo(), interview_id=uuid.uuid4()), 404),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_uploads_get_a_clear_4xx_and_store_nothing(app, ann, fake_ocr, case):
    send, status = BAD_UPLOADS[case]
    response = send(ann)
    assert response.status_code == status, response.get_json()
    error = response.get_json()
    assert error["error"] and len(error["message"]) > 15 and error["message"].endswith(".")
    assert count(app) == 0 and fake_ocr == []


def test_bomb_is_refused_from_its_header():
    assert len(png_claiming(30000, 30000)) < 5_000


def test_busy_reader_answers_503_with_retry_after(app, ann):
    """The reader's queue is simulated as full by setting the real engine's waiting count to
    its limit (the model is never loaded): read_card itself raises EngineBusy."""
    engine = get_engine("rapidocr")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_waiting", engine.max_waiting)
        response = upload(ann, small_photo())
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "busy" in response.get_json()["message"]
    assert count(app) == 0
