"""Cards: a photo of a business card in, a draft contact out; the photo is kept, cleaned.

The photo is stored in the database (downscaled, EXIF orientation applied, then every piece
of metadata dropped: EXIF with GPS, XMP, ICC, comments), so every server of a PostgreSQL
deployment serves it. OCR runs inside `read_card`, one job at a time under the engine's own
lock; past its short queue the upload answers 503 with Retry-After.
"""

from __future__ import annotations

import hashlib
import io
import uuid

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import request
from flask import Response
from flask import url_for
from PIL import Image
from PIL import ImageCms
from pydantic import ValidationError

from .api import answer_replay
from .api import body_digest
from .api import create_once
from .api import documented
from .api import owned
from .api import validation_error
from .db import db
from .domain.times import as_local
from .errors import ApiError
from .errors import error_response
from .models import CardScan
from .models import Interview
from .ocr import EngineBusy
from .ocr import get_engine
from .ocr import ImageRejected
from .ocr import read_card
from .ocr.images import fit
from .ocr.images import load_photo
from .ocr.images import MAX_BYTES
from .ocr.images import Photo
from .schemas import CardCreate
from .schemas import CardForm
from .schemas import CardOut
from .security import current_user
from .security import login_required

bp = Blueprint("cards", __name__, url_prefix="/api/cards")

# The kept photo: long edge and JPEG quality (~150-400 KB for a card photo).
PHOTO_SIDE = 1600
PHOTO_QUALITY = 85
# A person's own card photo: their browser may keep it a day; nobody else's cache may.
PHOTO_CACHE = "private, max-age=86400"


@bp.errorhandler(ImageRejected)
def image_rejected(exc: ImageRejected):
    return error_response(exc.status, "image_rejected", exc.message)


@bp.errorhandler(EngineBusy)
def engine_busy(exc: EngineBusy):
    return error_response(
        503, "busy", exc.message, {"Retry-After": str(exc.retry_after)}, retry_after=exc.retry_after
    )


def card_json(scan: CardScan) -> dict:
    result = scan.result
    return CardOut(
        id=scan.id,
        fields=result["fields"],
        confidence=result["confidence"],
        flagged=result["flagged"],
        lines=result["lines"],
        engine=scan.engine,
        qr=result.get("qr", False),
        interview_id=scan.interview_id,
        contact_id=scan.contact_id,
        photo_url=photo_url(scan.id),
        created_at=as_local(scan.created_at, current_user().timezone),
    ).model_dump(mode="json")


def photo_url(card_id: uuid.UUID) -> str:
    return url_for("cards.card_photo", card_id=card_id)


def card_form() -> CardForm:
    """The upload's form fields, validated; 400 for anything but multipart/form-data."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(
            400,
            "not_multipart",
            'Send the card photo as multipart/form-data, with the photo in a file field named '
            '"image".',
        )
    # An empty field (a form that sends id="") means "not given"; an `image` sent as text
    # instead of a file is answered by uploaded_image(), which says what to send.
    fields = {
        key: value for key, value in request.form.items() if key != "image" and value.strip()
    }
    try:
        return CardForm.model_validate(fields)
    except ValidationError as exc:
        raise validation_error(exc) from None


def uploaded_image() -> bytes:
    upload = request.files.get("image")
    if upload is None:
        raise ApiError(
            400,
            "no_image",
            'The upload has no photo: attach the card photo as a file field named "image".',
            field="image",
        )
    # One byte over the limit is enough for the image layer to say "too large".
    return upload.read(MAX_BYTES + 1)


def clean_photo(photo: Photo) -> bytes:
    """The photo to keep: upright, long edge <= PHOTO_SIDE, sRGB, JPEG, no metadata at all."""
    image = _to_srgb(fit(photo.image, PHOTO_SIDE))
    # New pixels, empty .info: Pillow would otherwise write the source's comment/XMP/ICC back.
    bare = Image.new("RGB", image.size)
    bare.paste(image)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an RGB ICC profile (Display P3 on iPhones) before it is dropped; else keep as is."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if profile.profile.xcolor_space.strip() != "RGB":
            return image
        return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


@bp.post("")
@login_required
@documented(
    "Read a card photo into a draft contact. multipart/form-data: `image` (JPEG, PNG, WebP), "
    "optional `id` (a UUID minted on the phone; a replay answers 200) and `interview_id`",
    response=CardOut,
    status=201,
)
def upload_card():
    form = card_form()
    data = uploaded_image()
    user = current_user()
    if form.interview_id is not None:
        owned(Interview, form.interview_id, "interview")
    payload = CardCreate(
        **form.model_dump(exclude_unset=True), image_sha256=hashlib.sha256(data).hexdigest()
    )
    existing = db.session.get(CardScan, form.id) if form.id is not None else None
    if existing is not None:  # a replay: the same scan again, without a second OCR run
        scan, status = answer_replay(existing, body_digest(payload))
        return card_json(scan), status
    user_id, region, engine = user.id, user.country, current_app.config["OCR_ENGINE"]
    # End the transaction: no database connection is held while the photo waits for OCR.
    db.session.rollback()
    # Decoded once, bounded, at the size the larger of the kept photo and the reader needs.
    decoded = load_photo(data, max_side=max(PHOTO_SIDE, get_engine(engine).max_side))
    photo = clean_photo(decoded)
    read = read_card(decoded, default_region=region, engine=engine)

    def build(digest: str) -> CardScan:
        return CardScan(
            user_id=user_id,
            create_hash=digest,
            interview_id=form.interview_id,
            engine=read.engine,
            result=read.to_json(),
            photo=photo,
        )

    scan, status = create_once(CardScan, payload, build)
    return card_json(scan), status


def unreviewed_scans(user_id: uuid.UUID, limit: int = 50) -> list[CardScan]:
    """The user's card scans no contact keeps yet (read, but not reviewed), newest first."""
    return db.session.scalars(
        sa.select(CardScan)
        .where(CardScan.user_id == user_id, CardScan.contact_id.is_(None))
        .order_by(CardScan.created_at.desc())
        .limit(limit)
    ).all()


@bp.get("")
@login_required
@documented(
    "List card scans, newest first; ?unreviewed=1 lists only those no contact keeps yet "
    "(read by the server, not yet reviewed)",
    response=[CardOut],
)
def list_scans():
    user_id = current_user().id
    if request.args.get("unreviewed") in ("1", "true", "yes"):
        scans = unreviewed_scans(user_id)
    else:
        scans = db.session.scalars(
            sa.select(CardScan)
            .where(CardScan.user_id == user_id)
            .order_by(CardScan.created_at.desc())
            .limit(200)
        ).all()
    return [card_json(scan) for scan in scans]


@bp.get("/<uuid:card_id>")
@login_required
@documented("Read one card scan: the draft contact, confidences, flagged fields, OCR lines",
            response=CardOut)
def read_scan(card_id: uuid.UUID):
    return card_json(owned(CardScan, card_id, "card scan"))


@bp.get("/<uuid:card_id>/photo")
@login_required
@documented("The card photo as kept (JPEG, metadata removed)")
def card_photo(card_id: uuid.UUID):
    scan = owned(CardScan, card_id, "card scan")
    response = Response(scan.photo, mimetype="image/jpeg")
    response.headers["Cache-Control"] = PHOTO_CACHE
    response.headers["Content-Disposition"] = "inline; filename=card.jpg"
    response.add_etag()
    return response.make_conditional(request)


@bp.delete("/<uuid:card_id>")
@login_required
@documented("Delete a card scan and its photo (a contact made from it keeps its fields)",
            status=204)
def delete_scan(card_id: uuid.UUID):
    db.session.delete(owned(CardScan, card_id, "card scan"))
    db.session.commit()
    return "", 204
