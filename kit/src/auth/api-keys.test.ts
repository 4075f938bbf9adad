// API keys on the real database: issued once, stored hashed, and refused when tampered, revoked,
// expired or of a deactivated service account.
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey, revokeApiKey, verifyApiKey } from "./api-keys.ts";
import { openTestDatabase, refusal } from "./auth-test-fixtures.ts";

describe("API keys", () => {
  let db: TestDatabase;
  let mesId: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    mesId = (await db.prisma.serviceAccount.create({ data: { name: "MES" } })).id;
  });
  afterAll(async () => {
    await db.drop();
  });

  it("are returned in plain text once, as ms5_<prefix>_<secret>, and stored as prefix and hash only", async () => {
    const issued = await issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["schedule:import", "plant:read"] });
    expect(issued.key).toMatch(/^ms5_[0-9a-f]{12}_[0-9a-f]{64}$/);
    const [, prefix, secret] = issued.key.split("_");
    expect(issued.prefix).toBe(prefix);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: issued.apiKeyId } });
    expect(row.prefix).toBe(prefix);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.scopes).toEqual(["schedule:import", "plant:read"]);
  });

  it("verify to their service account and scopes, and note when they were last used at most once a minute", async () => {
    const { key, apiKeyId } = await issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["oee:read"] });
    await expect(verifyApiKey(db.prisma, key)).resolves.toEqual({
      apiKeyId,
      serviceAccountId: mesId,
      name: "MES",
      scopes: ["oee:read"],
    });
    const firstUse = (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt;
    expect(firstUse).not.toBeNull();
    await verifyApiKey(db.prisma, key);
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt).toEqual(firstUse);
    await verifyApiKey(db.prisma, key, { apiKeyLastUsedResolutionSeconds: 0 });
    expect(
      (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt!.getTime(),
    ).toBeGreaterThan(firstUse!.getTime());
  });

  it("refuse a key whose secret was tampered with", async () => {
    const { key } = await issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["plant:read"] });
    const lastDigit = key.at(-1) === "0" ? "1" : "0";
    await refusal(verifyApiKey(db.prisma, key.slice(0, -1) + lastDigit), "UNAUTHENTICATED", "api-key-invalid");
  });

  it("refuse a revoked key", async () => {
    const { key, apiKeyId } = await issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["plant:read"] });
    expect(await revokeApiKey(db.prisma, apiKeyId)).toBe(true);
    expect(await revokeApiKey(db.prisma, apiKeyId)).toBe(false);
    await refusal(verifyApiKey(db.prisma, key), "UNAUTHENTICATED", "api-key-revoked");
  });

  it("refuse an expired key", async () => {
    const { key, apiKeyId, expiresAt } = await issueApiKey(db.prisma, {
      serviceAccountId: mesId,
      scopes: ["plant:read"],
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(expiresAt).not.toBeNull();
    await expect(verifyApiKey(db.prisma, key)).resolves.toBeDefined();
    await db.prisma.apiKey.update({ where: { id: apiKeyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await refusal(verifyApiKey(db.prisma, key), "UNAUTHENTICATED", "api-key-expired");
  });

  it("refuse every key of a deactivated service account", async () => {
    const erp = await db.prisma.serviceAccount.create({ data: { name: "ERP" } });
    const { key } = await issueApiKey(db.prisma, { serviceAccountId: erp.id, scopes: ["schedule:import"] });
    await db.prisma.serviceAccount.update({ where: { id: erp.id }, data: { active: false } });
    await refusal(verifyApiKey(db.prisma, key), "UNAUTHENTICATED", "account-inactive");
  });

  it("refuse strings that are not keys and keys with an unknown prefix", async () => {
    for (const key of ["", "ms5_", "Bearer x", `ms5_${"0".repeat(12)}_${"0".repeat(64)}`]) {
      await refusal(verifyApiKey(db.prisma, key), "UNAUTHENTICATED", "api-key-invalid");
    }
  });

  it("cannot be issued with a scope that is not a permission, and nothing is stored", async () => {
    const before = await db.prisma.apiKey.count();
    const error = await refusal(
      issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["plant:read", "superuser:everything"] }),
      "BAD_USER_INPUT",
    );
    expect(error.message).toContain("superuser:everything");
    expect(await db.prisma.apiKey.count()).toBe(before);
  });

  it("cannot be issued without scopes, with a past expiry, or for an unknown or deactivated account", async () => {
    await refusal(issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: [] }), "BAD_USER_INPUT");
    await refusal(
      issueApiKey(db.prisma, { serviceAccountId: mesId, scopes: ["plant:read"], expiresAt: new Date(Date.now() - 1) }),
      "BAD_USER_INPUT",
    );
    await refusal(
      issueApiKey(db.prisma, { serviceAccountId: "7d1c1f0e-0000-4000-8000-000000000000", scopes: ["plant:read"] }),
      "BAD_USER_INPUT",
    );
    await refusal(issueApiKey(db.prisma, { serviceAccountId: "not-a-uuid", scopes: ["plant:read"] }), "BAD_USER_INPUT");
    const retired = await db.prisma.serviceAccount.create({ data: { name: "Old BI tool", active: false } });
    await refusal(issueApiKey(db.prisma, { serviceAccountId: retired.id, scopes: ["plant:read"] }), "BAD_USER_INPUT");
  });
});
