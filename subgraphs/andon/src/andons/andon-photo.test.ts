// Photo checks without a database: the bytes decide the type, never the declared name alone.
import { describe, expect, it } from "vitest";
import { PhotoRejected } from "./andon-errors.ts";
import { checkPhoto, PhotoStore, sniffPhotoType } from "./andon-photo.ts";

const webp = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 ")]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0x43]);

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PhotoRejected) return error.reason;
    throw error;
  }
  throw new Error("accepted");
}

describe("photo checks", () => {
  it("recognises JPEG, PNG and WebP by their magic numbers and nothing else", () => {
    expect(sniffPhotoType(jpeg)).toBe("image/jpeg");
    expect(sniffPhotoType(webp)).toBe("image/webp");
    expect(sniffPhotoType(Buffer.from("GIF89a"))).toBeNull();
    expect(sniffPhotoType(Buffer.from("RIFF\0\0\0\0WAVE"))).toBeNull();
  });

  it("accepts a WebP sent as image/webp, with its SHA-256", () => {
    const checked = checkPhoto({ contentType: "image/webp", base64: webp.toString("base64") });
    expect(checked).toMatchObject({ contentType: "image/webp", bytes: webp });
    expect(checked.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses malformed base64, a size over the cap before decoding, and a declared type that lies", () => {
    expect(rejection(() => checkPhoto({ contentType: "image/jpeg", base64: "not base64!" }))).toBe("MALFORMED");
    expect(rejection(() => checkPhoto({ contentType: "image/jpeg", base64: "A".repeat(4000) }, 100))).toBe("TOO_LARGE");
    expect(rejection(() => checkPhoto({ contentType: "image/png", base64: jpeg.toString("base64") }))).toBe(
      "TYPE_MISMATCH",
    );
    expect(rejection(() => checkPhoto({ contentType: "text/html", base64: jpeg.toString("base64") }))).toBe(
      "UNSUPPORTED_TYPE",
    );
  });

  it("never resolves a storage key that could leave the photo directory", () => {
    const store = new PhotoStore("/srv/photos");
    expect(() => store.pathOf("../../etc/passwd")).toThrow();
    expect(() => store.pathOf("x/../../a.jpg")).toThrow();
    expect(store.pathOf("0b7e9c3a-1f2d-4e5a-9b8c-7d6e5f4a3b2c.jpg")).toBe(
      "/srv/photos/0b7e9c3a-1f2d-4e5a-9b8c-7d6e5f4a3b2c.jpg",
    );
  });
});
