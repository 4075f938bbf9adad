// The request identity every service builds from the Authorization header, and permission checks on it.
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueAccessToken } from "./access-tokens.ts";
import { issueApiKey } from "./api-keys.ts";
import { openTestDatabase, refusal } from "./auth-test-fixtures.ts";
import {
  ANONYMOUS_IDENTITY,
  hasPermission,
  identifyRequest,
  type RequestIdentity,
  requirePermission,
} from "./request-identity.ts";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "./signing-keys.ts";

describe("the request identity", () => {
  let db: TestDatabase;
  let keys: SigningKeyRing;

  beforeAll(async () => {
    db = await openTestDatabase();
    keys = await createSigningKeyRing([await generateSigningKey()]);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("is anonymous without credentials, and anonymous may do nothing", async () => {
    for (const header of [undefined, null, "", "   "]) {
      expect(await identifyRequest(header, { verificationKeys: keys })).toBe(ANONYMOUS_IDENTITY);
    }
    expect(hasPermission(ANONYMOUS_IDENTITY, "plant:read")).toBe(false);
    await refusal(
      (async () => requirePermission(ANONYMOUS_IDENTITY, "plant:read"))(),
      "UNAUTHENTICATED",
      "missing-permission",
    );
  });

  it("is the user of an access token, with the permissions of their roles", async () => {
    const { token } = await issueAccessToken(keys, {
      kind: "user",
      userId: "5f0c3f4e-8a0e-4d43-9f43-0a4a4c1d2b11",
      name: "Sipho Dlamini",
      roles: ["OPERATOR"],
    });
    const identity = await identifyRequest(`Bearer ${token}`, { verificationKeys: keys });
    expect(identity).toMatchObject({
      kind: "user",
      userId: "5f0c3f4e-8a0e-4d43-9f43-0a4a4c1d2b11",
      roles: ["OPERATOR"],
    });
    expect(hasPermission(identity, "andon:raise")).toBe(true);
    expect(hasPermission(identity, "job:execute")).toBe(true);
    expect(hasPermission(identity, "user:manage")).toBe(false);
    await refusal((async () => requirePermission(identity, "user:manage"))(), "FORBIDDEN", "missing-permission");
  });

  it("is the service account of an API key, with exactly the key's scopes", async () => {
    const bi = await db.prisma.serviceAccount.create({ data: { name: "Power BI" } });
    const { key } = await issueApiKey(db.prisma, { serviceAccountId: bi.id, scopes: ["oee:read", "downtime:read"] });
    const identity = await identifyRequest(`bearer ${key}`, { verificationKeys: keys, prisma: db.prisma });
    expect(identity).toMatchObject({ kind: "service", serviceAccountId: bi.id, name: "Power BI" });
    expect([...(identity as Exclude<RequestIdentity, { kind: "anonymous" }>).permissions].sort()).toEqual([
      "downtime:read",
      "oee:read",
    ]);
    expect(hasPermission(identity, "plant:read")).toBe(false);
  });

  it("is a service account for an access token issued to one", async () => {
    const { token } = await issueAccessToken(keys, {
      kind: "service",
      serviceAccountId: "0b8f5a52-1d8c-4b55-8a3c-6d5e2f1a9c77",
      name: "MES",
      scopes: ["schedule:import"],
    });
    const identity = await identifyRequest(`Bearer ${token}`, { verificationKeys: keys });
    expect(identity).toMatchObject({ kind: "service", name: "MES" });
    expect(hasPermission(identity, "schedule:import")).toBe(true);
    expect(hasPermission(identity, "schedule:read")).toBe(false);
  });

  it("refuses bad credentials instead of treating the caller as anonymous", async () => {
    await refusal(identifyRequest("Bearer not.a.token", { verificationKeys: keys }), "UNAUTHENTICATED", "malformed");
    await refusal(
      identifyRequest("Basic YWRtaW46YWRtaW4=", { verificationKeys: keys }),
      "UNAUTHENTICATED",
      "malformed",
    );
    await refusal(
      identifyRequest(`Bearer ms5_${"0".repeat(12)}_${"0".repeat(64)}`, { verificationKeys: keys, prisma: db.prisma }),
      "UNAUTHENTICATED",
      "api-key-invalid",
    );
  });

  it("refuses API keys where no database is given", async () => {
    const mes = await db.prisma.serviceAccount.create({ data: { name: "MES" } });
    const { key } = await issueApiKey(db.prisma, { serviceAccountId: mes.id, scopes: ["plant:read"] });
    await refusal(identifyRequest(`Bearer ${key}`, { verificationKeys: keys }), "UNAUTHENTICATED", "api-key-invalid");
  });
});
