// Verified access tokens kept until they expire: the same answers as verifying every time, with the
// signature checked once per token.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as accessTokens from "./access-tokens.ts";
import { type AccessTokenSubject, issueAccessToken, verifyAccessToken } from "./access-tokens.ts";
import { refusal } from "./auth-test-fixtures.ts";
import { identifyRequest } from "./request-identity.ts";
import {
  createSigningKeyRing,
  generateSigningKey,
  type SigningKeyRing,
  type VerificationKeys,
} from "./signing-keys.ts";
import { VerifiedAccessTokens } from "./verified-access-tokens.ts";

vi.mock(import("./access-tokens.ts"), async (original) => {
  const actual = await original();
  return { ...actual, verifyAccessTokenInDetail: vi.fn(actual.verifyAccessTokenInDetail) };
});

const fullVerifications = vi.mocked(accessTokens.verifyAccessTokenInDetail);

const operator: AccessTokenSubject = {
  kind: "user",
  userId: "5f0c3f4e-8a0e-4d43-9f43-0a4a4c1d2b11",
  name: "Sipho Dlamini",
  roles: ["OPERATOR"],
};

/** A clock the test moves. */
function movableClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advanceSeconds(seconds: number) {
      now += seconds * 1000;
    },
  };
}

describe("verified access tokens", () => {
  let keys: SigningKeyRing;
  beforeAll(async () => {
    keys = await createSigningKeyRing([await generateSigningKey("EdDSA")]);
  });

  it("verify a token once and answer again with the same claims without checking the signature again", async () => {
    const { token } = await issueAccessToken(keys, operator);
    const everyTime = await verifyAccessToken(keys, token);
    const verified = new VerifiedAccessTokens(keys);
    fullVerifications.mockClear();

    const first = await verified.verify(token);
    const again = await verified.verify(token);

    expect(first).toEqual(everyTime);
    expect(again).toBe(first);
    expect(fullVerifications).toHaveBeenCalledTimes(1);
    expect(verified.size).toBe(1);
  });

  it("refuse a kept token once it has expired, exactly when verification would", async () => {
    const clock = movableClock();
    const { token } = await issueAccessToken(keys, operator, { now: clock.now });
    const verified = new VerifiedAccessTokens(keys, { now: clock.now });
    await verified.verify(token);

    // 600 s of lifetime and 30 s of clock tolerance, as verifyAccessToken counts them.
    clock.advanceSeconds(629);
    await expect(verified.verify(token)).resolves.toMatchObject({
      userId: operator.kind === "user" && operator.userId,
    });
    await expect(verifyAccessToken(keys, token, { now: clock.now })).resolves.toBeDefined();
    clock.advanceSeconds(1);
    await refusal(verifyAccessToken(keys, token, { now: clock.now }), "UNAUTHENTICATED", "expired");
    await refusal(verified.verify(token), "UNAUTHENTICATED", "expired");
    expect(verified.size).toBe(0);
  });

  it("stop a kept token as soon as its key is dropped from the key set", async () => {
    const byKid = new Map(keys.keys.map((key) => [key.kid, key.publicKey]));
    const changingKeys: VerificationKeys = { publicKeyFor: async ({ kid }) => byKid.get(kid) };
    const { token } = await issueAccessToken(keys, operator);
    const verified = new VerifiedAccessTokens(changingKeys);
    await verified.verify(token);

    byKid.clear();
    await refusal(verified.verify(token), "UNAUTHENTICATED", "unknown-kid");
  });

  it("never keep a refused token: each attempt is verified in full", async () => {
    const { token } = await issueAccessToken(keys, { ...operator, roles: ["QUALITY_INSPECTOR"] });
    const [header, , signature] = token.split(".");
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(atob(token.split(".")[1]!)), roles: ["ADMIN"] }));
    const tampered = `${header}.${payload.toString("base64url")}.${signature}`;
    const verified = new VerifiedAccessTokens(keys);
    fullVerifications.mockClear();

    await refusal(verified.verify(tampered), "UNAUTHENTICATED", "bad-signature");
    await refusal(verified.verify(tampered), "UNAUTHENTICATED", "bad-signature");
    expect(fullVerifications).toHaveBeenCalledTimes(2);
    expect(verified.size).toBe(0);
  });

  it("keep at most maxTokens, dropping the oldest first", async () => {
    const tokens = await Promise.all([1, 2, 3].map(async () => (await issueAccessToken(keys, operator)).token));
    const verified = new VerifiedAccessTokens(keys, {}, { maxTokens: 2 });
    for (const token of tokens) await verified.verify(token);
    expect(verified.size).toBe(2);

    fullVerifications.mockClear();
    await verified.verify(tokens[2]!);
    expect(fullVerifications).not.toHaveBeenCalled();
    await verified.verify(tokens[0]!);
    expect(fullVerifications).toHaveBeenCalledTimes(1);
    expect(verified.size).toBe(2);
  });

  it("hand out claims that no request can change for the next one", async () => {
    const { token } = await issueAccessToken(keys, operator);
    const claims = await new VerifiedAccessTokens(keys).verify(token);
    expect(Object.isFrozen(claims)).toBe(true);
    expect(claims.kind === "user" && Object.isFrozen(claims.roles)).toBe(true);
  });

  it("give identifyRequest the same identity as verifying every time", async () => {
    const { token } = await issueAccessToken(keys, operator);
    const verifiedAccessTokens = new VerifiedAccessTokens(keys);
    const everyTime = await identifyRequest(`Bearer ${token}`, { verificationKeys: keys });
    for (let request = 0; request < 2; request++) {
      expect(await identifyRequest(`Bearer ${token}`, { verificationKeys: keys, verifiedAccessTokens })).toEqual(
        everyTime,
      );
    }
  });
});
