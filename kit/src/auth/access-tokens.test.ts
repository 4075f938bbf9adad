// Access tokens: what a good one carries, and every forgery and misuse the verifier must refuse.
import { createHmac } from "node:crypto";
import { base64url, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AccessTokenSubject, issueAccessToken, verifyAccessToken } from "./access-tokens.ts";
import { refusal } from "./auth-test-fixtures.ts";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "./signing-keys.ts";

const operator: AccessTokenSubject = {
  kind: "user",
  userId: "5f0c3f4e-8a0e-4d43-9f43-0a4a4c1d2b11",
  name: "Sipho Dlamini",
  roles: ["OPERATOR"],
};
const mes: AccessTokenSubject = {
  kind: "service",
  serviceAccountId: "0b8f5a52-1d8c-4b55-8a3c-6d5e2f1a9c77",
  name: "MES",
  scopes: ["schedule:import", "plant:read"],
};

function minutesAgo(minutes: number): () => Date {
  return () => new Date(Date.now() - minutes * 60_000);
}

function decodeSegment(segment: string) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segment)));
}

function encodeSegment(value: object): string {
  return base64url.encode(JSON.stringify(value));
}

/** The payload of a valid token issued now, for hand-made forgeries. */
function validPayload(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "ms5-floor",
    aud: "ms5-floor-api",
    sub: operator.kind === "user" ? operator.userId : "",
    iat: now,
    exp: now + 600,
    jti: "forged",
    kind: "user",
    name: "Mallory",
    roles: ["ADMIN"],
  };
}

describe("access tokens", () => {
  let keys: SigningKeyRing;
  beforeAll(async () => {
    keys = await createSigningKeyRing([await generateSigningKey("EdDSA")]);
  });

  it("carry issuer, audience, subject, times, a token id, the access-token type and the user's roles", async () => {
    const issued = await issueAccessToken(keys, operator);
    const [header, payload] = issued.token
      .split(".")
      .slice(0, 2)
      .map((part) => decodeSegment(part));
    expect(header).toEqual({ alg: "EdDSA", kid: keys.current.kid, typ: "at+jwt" });
    expect(payload).toMatchObject({
      iss: "ms5-floor",
      aud: "ms5-floor-api",
      sub: operator.kind === "user" && operator.userId,
      jti: issued.tokenId,
      kind: "user",
      name: "Sipho Dlamini",
      roles: ["OPERATOR"],
    });
    expect(payload.exp - payload.iat).toBe(600);
    expect(issued.expiresInSeconds).toBe(600);

    const claims = await verifyAccessToken(keys, issued.token);
    expect(claims).toMatchObject({ ...operator, tokenId: issued.tokenId });
    expect(claims.expiresAt.getTime()).toBe(payload.exp * 1000);
  });

  it("carry a service account's scopes, not roles", async () => {
    const { token } = await issueAccessToken(keys, mes);
    expect(await verifyAccessToken(keys, token)).toMatchObject(mes);
  });

  it("verify with ES256 keys as well", async () => {
    const es256 = await createSigningKeyRing([await generateSigningKey("ES256")]);
    const { token } = await issueAccessToken(es256, operator);
    expect(await verifyAccessToken(es256, token)).toMatchObject(operator);
  });

  it("still verify a little after expiry, within the clock tolerance", async () => {
    const { token } = await issueAccessToken(keys, operator, { now: () => new Date(Date.now() - 610_000) });
    await expect(verifyAccessToken(keys, token)).resolves.toMatchObject(operator);
  });

  it("refuses a token with alg none", async () => {
    const forged = `${encodeSegment({ alg: "none", typ: "at+jwt", kid: keys.current.kid })}.${encodeSegment(validPayload())}.`;
    await refusal(verifyAccessToken(keys, forged), "UNAUTHENTICATED", "disallowed-algorithm");
  });

  it("refuses an HS256 token signed with the public key as the HMAC secret", async () => {
    const header = encodeSegment({ alg: "HS256", typ: "at+jwt", kid: keys.current.kid });
    const payload = encodeSegment(validPayload());
    const publicPem = await exportSPKI(keys.current.publicKey);
    for (const secret of [publicPem, JSON.stringify(keys.jwks().keys[0])]) {
      const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
      await refusal(
        verifyAccessToken(keys, `${header}.${payload}.${signature}`),
        "UNAUTHENTICATED",
        "disallowed-algorithm",
      );
    }
  });

  it("refuses an expired token", async () => {
    const { token } = await issueAccessToken(keys, operator, { now: minutesAgo(11) });
    const error = await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "expired");
    expect(error.message).toMatch(/expired/);
  });

  it("refuses a token issued for another audience", async () => {
    const { token } = await issueAccessToken(keys, operator, { audience: "another-plant-api" });
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "wrong-audience");
  });

  it("refuses a token from another issuer", async () => {
    const { token } = await issueAccessToken(keys, operator, { issuer: "someone-else" });
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "wrong-issuer");
  });

  it("refuses a token signed with a key whose kid it does not know", async () => {
    const attackerKeys = await createSigningKeyRing([await generateSigningKey("EdDSA")]);
    const { token } = await issueAccessToken(attackerKeys, operator);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "unknown-kid");
  });

  it("refuses a token without a kid", async () => {
    const token = await new SignJWT(validPayload())
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt" })
      .sign(keys.current.privateKey);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "unknown-kid");
  });

  it("refuses a token signed by an attacker's key that borrows a known kid", async () => {
    const { privateKey } = await generateKeyPair("EdDSA");
    const token = await new SignJWT(validPayload())
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: keys.current.kid })
      .sign(privateKey);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "bad-signature");
  });

  it("refuses a token whose kid names a key of another algorithm", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const token = await new SignJWT(validPayload())
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: keys.current.kid })
      .sign(privateKey);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "disallowed-algorithm");
  });

  it("refuses a token whose payload was changed to grant ADMIN", async () => {
    const { token } = await issueAccessToken(keys, operator);
    const [header, payload, signature] = token.split(".");
    const claims = decodeSegment(payload!);
    const tampered = encodeSegment({ ...claims, roles: ["ADMIN"] });
    await refusal(verifyAccessToken(keys, `${header}.${tampered}.${signature}`), "UNAUTHENTICATED", "bad-signature");
  });

  it("refuses a validly signed JWT of another type, and one without a type", async () => {
    for (const header of [{ typ: "JWT" }, {}]) {
      const token = await new SignJWT(validPayload())
        .setProtectedHeader({ alg: "EdDSA", kid: keys.current.kid, ...header })
        .sign(keys.current.privateKey);
      await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "wrong-type");
    }
  });

  it("refuses a validly signed token without an expiry", async () => {
    const { exp: _, ...payload } = validPayload();
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: keys.current.kid })
      .sign(keys.current.privateKey);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "malformed");
  });

  it("refuses a validly signed token that claims a role that does not exist", async () => {
    const token = await new SignJWT({ ...validPayload(), roles: ["SUPERUSER"] })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: keys.current.kid })
      .sign(keys.current.privateKey);
    await refusal(verifyAccessToken(keys, token), "UNAUTHENTICATED", "malformed");
  });

  it("refuses strings that are not tokens at all", async () => {
    for (const garbage of ["", "abc", "a.b.c", "a.b.c.d.e", `${"x".repeat(9000)}.y.z`]) {
      await refusal(verifyAccessToken(keys, garbage), "UNAUTHENTICATED", "malformed");
    }
  });

  it("keeps verifying tokens of the previous key after a rotation, and stops once that key is dropped", async () => {
    const oldJwk = await generateSigningKey("EdDSA");
    const before = await createSigningKeyRing([oldJwk]);
    const { token: oldToken } = await issueAccessToken(before, operator);

    const newJwk = await generateSigningKey("EdDSA");
    const rotated = await createSigningKeyRing([newJwk, oldJwk]);
    const { token: newToken } = await issueAccessToken(rotated, operator);
    expect(decodeSegment(newToken.split(".")[0]!).kid).toBe(rotated.current.kid);
    await expect(verifyAccessToken(rotated, oldToken)).resolves.toMatchObject(operator);
    await expect(verifyAccessToken(rotated, newToken)).resolves.toMatchObject(operator);

    const retired = await createSigningKeyRing([newJwk]);
    await refusal(verifyAccessToken(retired, oldToken), "UNAUTHENTICATED", "unknown-kid");
  });
});
