// A tablet camera's photo made small enough for an andon before it is sent: drawn smaller on a canvas
// and encoded as JPEG, stepping down quality and then size until it fits the andon subgraph's limit
// (ANDON_PHOTO_MAX_BYTES, 192 KiB by default; the server refuses anything larger in words anyway).
export const PHOTO_MAX_BYTES = 192 * 1024;
const LONGEST_SIDE = [1600, 1280, 1024, 800, 640];
const QUALITIES = [0.85, 0.72, 0.6, 0.5];

export type DownscaledPhoto = {
  contentType: "image/jpeg";
  base64: string;
  sizeBytes: number;
  width: number;
  height: number;
};

async function encode(bitmap: ImageBitmap, longestSide: number, quality: number) {
  const scale = Math.min(1, longestSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
  if (!blob) throw new Error("This browser could not encode the photo.");
  return { blob, width, height };
}

function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The photo as a JPEG of at most `maxBytes`, or an Error saying it could not be made that small. */
export async function downscalePhoto(file: Blob, maxBytes = PHOTO_MAX_BYTES): Promise<DownscaledPhoto> {
  const bitmap = await createImageBitmap(file);
  try {
    for (const side of LONGEST_SIDE) {
      for (const quality of QUALITIES) {
        const { blob, width, height } = await encode(bitmap, side, quality);
        if (blob.size <= maxBytes) {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          return { contentType: "image/jpeg", base64: base64Of(bytes), sizeBytes: blob.size, width, height };
        }
      }
    }
  } finally {
    bitmap.close();
  }
  throw new Error(`The photo cannot be made smaller than ${Math.round(maxBytes / 1024)} KiB.`);
}
