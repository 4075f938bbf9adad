// Password and PIN sign-in on the real database: who gets in, who does not, and the lockout.

import { PASSWORD_HASH_DEFAULTS, verifySecret } from "@ms5/db/password-hash";
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, openTestDatabase, refusal } from "./auth-test-fixtures.ts";
import { authenticatePassword, authenticatePin, UNKNOWN_USER_HASH } from "./credentials.ts";

describe("password and PIN sign-in", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("signs a user in by username and says whether the password must be changed", async () => {
    const user = await createTestUser(db, {
      username: "gmokoena",
      password: "Correct horse 7",
      mustChangePassword: true,
    });
    const signedIn = await authenticatePassword(db.prisma, { login: "gmokoena", password: "Correct horse 7" });
    expect(signedIn).toEqual({
      userId: user.id,
      username: "gmokoena",
      employeeId: user.employeeId,
      name: "Sipho Dlamini",
      roles: ["OPERATOR"],
      mustChangePassword: true,
      mustChangePin: false,
    });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lastLoginAt).not.toBeNull();
  });

  it("signs a user in by employee id", async () => {
    const user = await createTestUser(db, { employeeId: "E2005", password: "floor-demo-2026" });
    await expect(
      authenticatePassword(db.prisma, { login: "E2005", password: "floor-demo-2026" }),
    ).resolves.toMatchObject({ userId: user.id });
  });

  it("signs a user in on a tablet with employee id and PIN, and says whether the PIN must be changed", async () => {
    const user = await createTestUser(db, { employeeId: "E2006", pin: "4826", mustChangePin: true });
    await expect(authenticatePin(db.prisma, { login: "E2006", pin: "4826" })).resolves.toMatchObject({
      userId: user.id,
      mustChangePin: true,
    });
    await refusal(
      authenticatePin(db.prisma, { login: "E2006", pin: "4827" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
  });

  it("refuses a PIN sign-in for a user who has no PIN, even with the password as PIN", async () => {
    await createTestUser(db, { employeeId: "E2007", password: "1234", pin: null });
    await refusal(
      authenticatePin(db.prisma, { login: "E2007", pin: "1234" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
  });

  it("prefers the username when one user's username is another user's employee id", async () => {
    const byUsername = await createTestUser(db, { username: "E3000", password: "first-user-pass" });
    await createTestUser(db, { employeeId: "E3000", password: "first-user-pass" });
    await expect(
      authenticatePassword(db.prisma, { login: "E3000", password: "first-user-pass" }),
    ).resolves.toMatchObject({
      userId: byUsername.id,
    });
  });

  it("gives an unknown login the same answer as a wrong password", async () => {
    await createTestUser(db, { username: "hschmidt", password: "right-password" });
    const unknown = await refusal(
      authenticatePassword(db.prisma, { login: "nobody-here", password: "right-password" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
    const wrong = await refusal(
      authenticatePassword(db.prisma, { login: "hschmidt", password: "wrong-password" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
    expect(unknown.message).toBe(wrong.message);
  });

  it("verifies an unknown login against a hash of production cost, so names cannot be probed by timing", async () => {
    // Speed is for benchmarks, not tests: what this proves is that the decoy costs what a real
    // account costs (same scrypt parameters) and never matches.
    expect(
      UNKNOWN_USER_HASH.startsWith(
        `scrypt$${PASSWORD_HASH_DEFAULTS.N}$${PASSWORD_HASH_DEFAULTS.r}$${PASSWORD_HASH_DEFAULTS.p}$`,
      ),
    ).toBe(true);
    expect(await verifySecret("", UNKNOWN_USER_HASH)).toBe(false);
    await refusal(
      authenticatePassword(db.prisma, { login: "nobody-at-all", password: "x" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
  });

  it("refuses a deactivated user with the right password, and says why only to someone who knows it", async () => {
    await createTestUser(db, { username: "left-the-company", password: "still-remembered", active: false });
    const error = await refusal(
      authenticatePassword(db.prisma, { login: "left-the-company", password: "still-remembered" }),
      "UNAUTHENTICATED",
      "account-inactive",
    );
    expect(error.message).toMatch(/deactivated/);
    await refusal(
      authenticatePassword(db.prisma, { login: "left-the-company", password: "a-guess" }),
      "UNAUTHENTICATED",
      "invalid-credentials",
    );
  });

  it("locks the account on the 6th wrong password and refuses the right one until the lock ends", async () => {
    const user = await createTestUser(db, { username: "target", password: "the-real-password", pin: "4826" });
    for (let attempt = 1; attempt <= 5; attempt++) {
      await refusal(
        authenticatePassword(db.prisma, { login: "target", password: `guess-${attempt}` }),
        "UNAUTHENTICATED",
        "invalid-credentials",
      );
    }
    const locking = await refusal(
      authenticatePassword(db.prisma, { login: "target", password: "guess-6" }),
      "RATE_LIMITED",
      "account-locked",
    );
    expect(locking.retryAfterSeconds).toBe(900);
    const whileLocked = await refusal(
      authenticatePassword(db.prisma, { login: "target", password: "the-real-password" }),
      "RATE_LIMITED",
      "account-locked",
    );
    expect(whileLocked.retryAfterSeconds).toBeGreaterThan(0);
    expect(whileLocked.message).toMatch(/locked.*Try again in/);
    // A PIN, even the right one, is no way around the lock.
    await refusal(authenticatePin(db.prisma, { login: "target", pin: "4826" }), "RATE_LIMITED", "account-locked");

    // The lock's end, without waiting for it: its time is moved into the past.
    await db.prisma.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    await expect(
      authenticatePassword(db.prisma, { login: "target", password: "the-real-password" }),
    ).resolves.toMatchObject({ userId: user.id });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
  });

  it("counts wrong PINs apart: seven wrong PINs lock the PIN, never the password", async () => {
    const user = await createTestUser(db, { username: "pin-target", password: "the-real-password", pin: "4826" });
    for (let attempt = 1; attempt <= 5; attempt++) {
      await refusal(
        authenticatePin(db.prisma, { login: "pin-target", pin: `000${attempt}` }),
        "UNAUTHENTICATED",
        "invalid-credentials",
      );
    }
    await refusal(authenticatePin(db.prisma, { login: "pin-target", pin: "0006" }), "RATE_LIMITED", "pin-locked");
    // The right PIN is refused while the PIN is locked.
    await refusal(authenticatePin(db.prisma, { login: "pin-target", pin: "4826" }), "RATE_LIMITED", "pin-locked");
    const locked = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(locked).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
    expect(locked.pinLockedUntil?.getTime()).toBeGreaterThan(Date.now());

    // The password still works at once, and lifts the PIN lock.
    await expect(
      authenticatePassword(db.prisma, { login: "pin-target", password: "the-real-password" }),
    ).resolves.toMatchObject({ userId: user.id });
    await expect(authenticatePin(db.prisma, { login: "pin-target", pin: "4826" })).resolves.toMatchObject({
      userId: user.id,
    });
    const after = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({ failedPinCount: 0, pinLockedUntil: null, failedLoginCount: 0, lockedUntil: null });
  });

  it("lets the PIN work again after the PIN lock's cool-down", async () => {
    const user = await createTestUser(db, { username: "pin-cooldown", pin: "4826" });
    await db.prisma.user.update({
      where: { id: user.id },
      data: { pinLockedUntil: new Date(Date.now() - 1000), failedPinCount: 0 },
    });
    await expect(authenticatePin(db.prisma, { login: "pin-cooldown", pin: "4826" })).resolves.toMatchObject({
      userId: user.id,
    });
  });

  it("locks for 15 minutes by default", async () => {
    await createTestUser(db, { username: "default-lock", password: "the-real-password" });
    for (let attempt = 1; attempt <= 5; attempt++) {
      await authenticatePassword(db.prisma, { login: "default-lock", password: "wrong" }).catch(() => undefined);
    }
    const error = await refusal(
      authenticatePassword(db.prisma, { login: "default-lock", password: "wrong" }),
      "RATE_LIMITED",
      "account-locked",
    );
    expect(error.retryAfterSeconds).toBe(900);
    expect(error.extensions).toEqual({ code: "RATE_LIMITED", reason: "account-locked", retryAfterSeconds: 900 });
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    await createTestUser(db, { username: "typo-prone", password: "the-real-password" });
    const wrongFiveTimes = async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        await refusal(
          authenticatePassword(db.prisma, { login: "typo-prone", password: "wrong" }),
          "UNAUTHENTICATED",
          "invalid-credentials",
        );
      }
    };
    await wrongFiveTimes();
    await authenticatePassword(db.prisma, { login: "typo-prone", password: "the-real-password" });
    await wrongFiveTimes();
    await expect(
      authenticatePassword(db.prisma, { login: "typo-prone", password: "the-real-password" }),
    ).resolves.toMatchObject({ username: "typo-prone" });
  });

  it("refuses an empty login and an oversized password before touching the database", async () => {
    await refusal(authenticatePassword(db.prisma, { login: "  ", password: "x" }), "BAD_USER_INPUT");
    await refusal(authenticatePassword(db.prisma, { login: "someone", password: "x".repeat(1025) }), "BAD_USER_INPUT");
  });
});
