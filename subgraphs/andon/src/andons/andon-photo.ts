// Photos attached to andons: decoded from base64, checked by their first bytes (never by the name
// or the declared type alone), and stored under a random name in a directory outside any web root.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ANDON_DEFAULTS } from "../andon-defaults.ts";
import { PhotoRejected } from "./andon-errors.ts";

export const PHOTO_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];

export interface PhotoUpload {
  contentType: string;
  /** The file's bytes in standard base64. */
  base64: string;
}

export interface CheckedPhoto {
  contentType: PhotoContentType;
  bytes: Buffer;
  sha256: string;
}

const EXTENSIONS: Record<PhotoContentType, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The image type the bytes really are, from their magic number; null for anything else. */
export function sniffPhotoType(bytes: Uint8Array): PhotoContentType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((byte, i) => bytes[i] === byte)) return "image/png";
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

/** Decodes and checks an upload; throws PhotoRejected before anything is written. */
export function checkPhoto(upload: PhotoUpload, maxBytes: number = ANDON_DEFAULTS.maxPhotoBytes): CheckedPhoto {
  const declared = upload.contentType.trim().toLowerCase();
  if (!(PHOTO_CONTENT_TYPES as readonly string[]).includes(declared)) {
    throw new PhotoRejected("UNSUPPORTED_TYPE", `A photo must be JPEG, PNG or WebP, not "${upload.contentType}".`);
  }
  // Measured on the text first, so an oversized upload is never decoded into memory.
  const encoded = upload.base64.replace(/\s+/g, "");
  if (Math.floor((encoded.length * 3) / 4) - 2 > maxBytes) {
    throw new PhotoRejected("TOO_LARGE", `A photo may be at most ${maxBytes} bytes.`);
  }
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    throw new PhotoRejected("MALFORMED", "The photo is not valid base64.");
  }
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length > maxBytes) throw new PhotoRejected("TOO_LARGE", `A photo may be at most ${maxBytes} bytes.`);
  const actual = sniffPhotoType(bytes);
  if (!actual) throw new PhotoRejected("UNSUPPORTED_TYPE", "The file is not a JPEG, PNG or WebP image.");
  if (actual !== declared) {
    throw new PhotoRejected("TYPE_MISMATCH", `The file is a ${actual} image but was sent as ${declared}.`);
  }
  return { contentType: actual, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Where photos live; a storage key is a bare random file name inside it, never a caller's path. */
export class PhotoStore {
  constructor(readonly directory: string) {}

  /** Writes the photo under a new random name (written aside, then renamed) and returns its key. */
  async save(photo: CheckedPhoto): Promise<string> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const key = `${randomUUID()}.${EXTENSIONS[photo.contentType]}`;
    const partial = path.join(this.directory, `.${key}.partial`);
    await writeFile(partial, photo.bytes, { mode: 0o600, flag: "wx" });
    await rename(partial, this.pathOf(key));
    return key;
  }

  /** Removes a photo whose database row was not written. */
  async discard(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  pathOf(key: string): string {
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(key)) throw new Error(`"${key}" is not a photo storage key`);
    return path.join(this.directory, key);
  }
}
