// A person choosing a new password or PIN: the current one is proved, the policy holds, every other
// session ends and the change is audited.

import { verifySecret } from "@ms5/db/password-hash";
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, openTestDatabase, refusal } from "./auth-test-fixtures.ts";
import { authenticatePassword, authenticatePin } from "./credentials.ts";
import { issueRefreshToken } from "./refresh-tokens.ts";
import { changeOwnPassword, changeOwnPin } from "./secret-change.ts";
import {
  assertAcceptablePin,
  generateTemporaryPassword,
  generateTemporaryPin,
  SECRET_POLICY,
} from "./secret-policy.ts";

describe("changing one's own password or PIN", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("replaces a temporary password, clears must-change, ends other sessions and writes an audit row", async () => {
    const user = await createTestUser(db, {
      username: "nkhumalo",
      password: "Tmp-pass-4821",
      mustChangePassword: true,
    });
    const session = await issueRefreshToken(db.prisma, user.id, { userAgent: null, ipAddress: null });

    const changed = await changeOwnPassword(db.prisma, {
      login: "nkhumalo",
      current: "Tmp-pass-4821",
      next: "Bagger line 3 night",
    });

    expect(changed).toMatchObject({ userId: user.id, mustChangePassword: false });
    await expect(
      authenticatePassword(db.prisma, { login: "nkhumalo", password: "Bagger line 3 night" }),
    ).resolves.toBeTruthy();
    await refusal(
      authenticatePassword(db.prisma, { login: "nkhumalo", password: "Tmp-pass-4821" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
    const token = await db.prisma.refreshToken.findFirstOrThrow({ where: { familyId: session.familyId } });
    expect(token.revokedAt).not.toBeNull();
    const audit = await db.prisma.auditLog.findMany({ where: { entityId: user.id } });
    expect(audit.map((row) => [row.action, row.actorUserId, row.after])).toEqual([
      ["user.password-changed", user.id, null],
    ]);
  });

  it("refuses a wrong current password, counting it as a failed sign-in, and changes nothing", async () => {
    const user = await createTestUser(db, { username: "wrongcurrent", password: "Right-pass-99" });
    const before = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    await refusal(
      changeOwnPassword(db.prisma, { login: "wrongcurrent", current: "Wrong-pass-99", next: "Something new 42" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
    const after = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.failedLoginCount).toBe(1);
  });

  it("refuses a new password that is short, contains the username, or repeats the current one", async () => {
    const user = await createTestUser(db, { username: "tshabalala", employeeId: "E7781", password: "Right-pass-99" });
    const attempt = (next: string) =>
      refusal(changeOwnPassword(db.prisma, { login: "tshabalala", current: "Right-pass-99", next }), "BAD_USER_INPUT");
    expect((await attempt("short1")).message).toMatch(`at least ${SECRET_POLICY.minPasswordLength}`);
    expect((await attempt("my-Tshabalala-pw")).message).toMatch(/username or employee id/);
    expect((await attempt("pw-e7781-long")).message).toMatch(/username or employee id/);
    expect((await attempt("Right-pass-99")).message).toMatch(/differ/);
    expect((await attempt("aaaaaaaaaaaa")).message).toMatch(/different characters/);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifySecret("Right-pass-99", row.passwordHash)).toBe(true);
    expect(await db.prisma.auditLog.count({ where: { entityId: user.id } })).toBe(0);
  });

  it("replaces a tablet PIN after the current PIN is proved and refuses guessable ones", async () => {
    const user = await createTestUser(db, { employeeId: "E7790", pin: "402817", mustChangePin: true });
    await refusal(changeOwnPin(db.prisma, { login: "E7790", current: "402817", next: "1111" }), "BAD_USER_INPUT");
    await refusal(changeOwnPin(db.prisma, { login: "E7790", current: "402817", next: "4321" }), "BAD_USER_INPUT");
    await refusal(changeOwnPin(db.prisma, { login: "E7790", current: "402817", next: "12ab" }), "BAD_USER_INPUT");
    const changed = await changeOwnPin(db.prisma, { login: "E7790", current: "402817", next: "5820" });
    expect(changed).toMatchObject({ userId: user.id, mustChangePin: false });
    await expect(authenticatePin(db.prisma, { login: "E7790", pin: "5820" })).resolves.toMatchObject({
      mustChangePin: false,
    });
  });

  it("generates temporary secrets that meet the policy and are not guessable runs", () => {
    for (let i = 0; i < 200; i++) {
      const password = generateTemporaryPassword();
      expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{14}$/);
      const pin = generateTemporaryPin();
      expect(pin).toMatch(/^[0-9]{6}$/);
      expect(() => assertAcceptablePin(pin)).not.toThrow();
    }
  });
});
