// Refresh tokens on the real database: rotation, reuse detection, races and sign-out.
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, openTestDatabase, refusal } from "./auth-test-fixtures.ts";
import {
  hashRefreshToken,
  issueRefreshToken,
  revokeAllForUser,
  revokeFamily,
  revokeRefreshToken,
  rotateRefreshToken,
} from "./refresh-tokens.ts";

describe("refresh tokens", () => {
  let db: TestDatabase;
  let userId: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    userId = (await createTestUser(db, { firstName: "Grace", lastName: "Mokoena", roles: ["SHIFT_MANAGER"] })).id;
  });
  afterAll(async () => {
    await db.drop();
  });

  it("are opaque, stored only as their SHA-256, and expire after 14 days by default", async () => {
    const issued = await issueRefreshToken(db.prisma, userId, { userAgent: "Tablet", ipAddress: "10.1.2.3" });
    expect(issued.token).toMatch(/^ms5rt_[A-Za-z0-9_-]{43}$/);
    const row = await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: issued.id } });
    expect(row.tokenHash).toBe(hashRefreshToken(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token.slice(6));
    expect(row).toMatchObject({ userId, familyId: issued.familyId, userAgent: "Tablet", ipAddress: "10.1.2.3" });
    const days = (row.expiresAt.getTime() - row.issuedAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(14, 2);
  });

  it("rotate into a new token of the same family and return the user as they are now", async () => {
    const first = await issueRefreshToken(db.prisma, userId);
    const second = await rotateRefreshToken(db.prisma, first.token);
    expect(second.token).not.toBe(first.token);
    expect(second.familyId).toBe(first.familyId);
    expect(second.user).toMatchObject({ userId, name: "Grace Mokoena", roles: ["SHIFT_MANAGER"] });
    const old = await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: first.id } });
    expect(old.usedAt).not.toBeNull();
    expect(old.replacedById).toBe(second.id);
    await expect(rotateRefreshToken(db.prisma, second.token)).resolves.toMatchObject({ familyId: first.familyId });
  });

  it("revoke the whole family when a rotated token is presented again, so the thief's newest token dies too", async () => {
    const stolen = await issueRefreshToken(db.prisma, userId);
    const legitimate = await rotateRefreshToken(db.prisma, stolen.token);
    const newest = await rotateRefreshToken(db.prisma, legitimate.token);

    const error = await refusal(rotateRefreshToken(db.prisma, stolen.token), "UNAUTHENTICATED", "refresh-token-reused");
    expect(error.message).toMatch(/Sign in again/);
    await refusal(rotateRefreshToken(db.prisma, newest.token), "UNAUTHENTICATED", "refresh-token-revoked");
    const family = await db.prisma.refreshToken.findMany({ where: { familyId: stolen.familyId } });
    expect(family).toHaveLength(3);
    expect(family.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("let exactly one of two concurrent rotations of one token succeed", async () => {
    for (let round = 0; round < 5; round++) {
      const { token, familyId } = await issueRefreshToken(db.prisma, userId);
      const outcomes = await Promise.allSettled([
        rotateRefreshToken(db.prisma, token),
        rotateRefreshToken(db.prisma, token),
      ]);
      const succeeded = outcomes.filter((outcome) => outcome.status === "fulfilled");
      expect(succeeded).toHaveLength(1);
      const failed = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
      await refusal(Promise.reject(failed.reason), "UNAUTHENTICATED", "refresh-token-reused");
      // Only one replacement was ever written.
      expect(await db.prisma.refreshToken.count({ where: { familyId } })).toBe(2);
    }
  });

  it("refuse an unknown token, a token of the wrong shape and an expired token", async () => {
    await refusal(rotateRefreshToken(db.prisma, `ms5rt_${"A".repeat(43)}`), "UNAUTHENTICATED", "refresh-token-unknown");
    await refusal(rotateRefreshToken(db.prisma, "not a token"), "UNAUTHENTICATED", "refresh-token-unknown");
    const issued = await issueRefreshToken(db.prisma, userId);
    await db.prisma.refreshToken.update({ where: { id: issued.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await refusal(rotateRefreshToken(db.prisma, issued.token), "UNAUTHENTICATED", "refresh-token-expired");
  });

  it("stop working for a user who was deactivated", async () => {
    const user = await createTestUser(db);
    const issued = await issueRefreshToken(db.prisma, user.id);
    await db.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    await refusal(rotateRefreshToken(db.prisma, issued.token), "UNAUTHENTICATED", "account-inactive");
    expect((await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: issued.id } })).revokedAt).not.toBeNull();
  });

  it("end one device's session on sign-out and leave the user's other devices signed in", async () => {
    const user = await createTestUser(db);
    const tablet = await issueRefreshToken(db.prisma, user.id);
    const desktop = await issueRefreshToken(db.prisma, user.id);
    expect(await revokeRefreshToken(db.prisma, tablet.token)).toBe(true);
    await refusal(rotateRefreshToken(db.prisma, tablet.token), "UNAUTHENTICATED", "refresh-token-revoked");
    await expect(rotateRefreshToken(db.prisma, desktop.token)).resolves.toMatchObject({ familyId: desktop.familyId });
    expect(await revokeRefreshToken(db.prisma, "ms5rt_unknown")).toBe(false);
  });

  it("end every session of a user on sign-out everywhere", async () => {
    const user = await createTestUser(db);
    const tablet = await issueRefreshToken(db.prisma, user.id);
    const desktop = await issueRefreshToken(db.prisma, user.id);
    const rotated = await rotateRefreshToken(db.prisma, desktop.token);
    expect(await revokeAllForUser(db.prisma, user.id)).toBe(3);
    await refusal(rotateRefreshToken(db.prisma, tablet.token), "UNAUTHENTICATED", "refresh-token-revoked");
    await refusal(rotateRefreshToken(db.prisma, rotated.token), "UNAUTHENTICATED", "refresh-token-revoked");
    expect(await revokeFamily(db.prisma, tablet.familyId)).toBe(0);
  });
});
