// A card photo made small on the phone before it is stored and sent: the long edge at most
// ~1600 px (what the server keeps anyway), as JPEG, upright (the EXIF orientation applied).

const LONG_EDGE = 1600;
const QUALITY = 0.85;

/**
 * Resolve to a JPEG Blob no larger than LONG_EDGE on its long side. When the browser cannot
 * decode or draw the image (an old browser, a HEIC file it does not read), the original file
 * is returned: the server reads it, applies EXIF orientation and downscales it itself.
 */
export async function downscale(file, longEdge = LONG_EDGE) {
  if (typeof createImageBitmap !== 'function') return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, longEdge / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const blob = await draw(bitmap, width, height);
    // Nothing gained (a small PNG screenshot, say): keep the original.
    if (!blob || (scale === 1 && blob.size >= file.size && file.type === 'image/jpeg')) return file;
    return blob;
  } catch {
    return file;
  } finally {
    bitmap.close?.();
  }
}

async function draw(bitmap, width, height) {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
}
