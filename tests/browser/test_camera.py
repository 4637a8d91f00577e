"""camera.js in Chromium: a big phone photo is made ~1600 px on the phone, upright."""

from __future__ import annotations

import base64
import io

from PIL import Image

TURN_RIGHT = 6  # EXIF orientation: the stored pixels must be turned 90° clockwise to show


def phone_photo() -> bytes:
    """3000 x 2000 stored sideways (EXIF 6) with a red block in the stored top-left corner."""
    image = Image.new("RGB", (3000, 2000), "white")
    image.paste((220, 0, 0), (0, 0, 600, 600))
    exif = Image.Exif()
    exif[0x0112] = TURN_RIGHT
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


DOWNSCALE = """async (data) => {
  const { downscale } = await import('/static/js/camera.js');
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], 'card.jpg', { type: 'image/jpeg' });
  const small = await downscale(file);
  // Read back the raw pixels, ignoring any orientation tag: what the server will receive.
  const bitmap = await createImageBitmap(small, { imageOrientation: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const corner = (x, y) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
  return {
    type: small.type, size: small.size, width: bitmap.width, height: bitmap.height,
    topLeft: corner(10, 10), topRight: corner(bitmap.width - 10, 10),
  };
}"""


def test_a_big_sideways_photo_is_sent_small_and_upright(page, live):
    photo = phone_photo()
    page.goto("/")
    result = page.evaluate(DOWNSCALE, base64.b64encode(photo).decode())
    assert result["type"] == "image/jpeg"
    # Turned upright: portrait, the long edge 1600 px.
    assert (result["width"], result["height"]) == (1067, 1600)
    assert result["size"] < len(photo)
    # The red corner moved from the stored top-left to the shown top-right.
    red, white = result["topRight"], result["topLeft"]
    assert red[0] > 180 and red[1] < 60 and red[2] < 60, result
    assert min(white) > 200, result
