import { describe, expect, it } from "vitest";
import { hashSecret, verifySecret } from "./password-hash.ts";

const fast = { N: 1024, r: 8, p: 1, keyLength: 32 };

describe("password and PIN hashing", () => {
  it("verifies the right secret and refuses a wrong one", async () => {
    const stored = await hashSecret("floor-demo-2026", fast);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifySecret("floor-demo-2026", stored)).toBe(true);
    expect(await verifySecret("floor-demo-2027", stored)).toBe(false);
  });

  it("salts each hash, so equal PINs do not give equal hashes", async () => {
    expect(await hashSecret("1234", fast)).not.toBe(await hashSecret("1234", fast));
  });

  it("refuses a malformed stored hash instead of throwing", async () => {
    expect(await verifySecret("x", "md5$abc")).toBe(false);
  });
});
