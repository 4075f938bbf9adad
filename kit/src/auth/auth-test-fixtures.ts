// Shared by the auth tests only: a migrated database per test file, users with fast hashes, and a
// matcher for AuthError. Not exported from the library.
import { randomUUID } from "node:crypto";
import { hashSecret } from "@ms5/db/password-hash";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import type { Role } from "@ms5/schema";
import { expect, inject } from "vitest";
import { AuthError, type AuthErrorCode, type AuthFailureReason } from "./auth-error.ts";

/** scrypt parameters cheap enough for tests; production uses PASSWORD_HASH_DEFAULTS. */
export const FAST_HASH = { N: 1024, r: 8, p: 1, keyLength: 32 };

export function openTestDatabase(): Promise<TestDatabase> {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  return createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
}

export interface TestUserInput {
  username?: string;
  employeeId?: string;
  firstName?: string;
  lastName?: string;
  password?: string;
  pin?: string | null;
  roles?: Role[];
  active?: boolean;
  mustChangePassword?: boolean;
  mustChangePin?: boolean;
}

export async function createTestUser(db: TestDatabase, input: TestUserInput = {}) {
  const unique = randomUUID().slice(0, 8);
  return db.prisma.user.create({
    data: {
      username: input.username ?? `user-${unique}`,
      employeeId: input.employeeId ?? `E-${unique}`,
      firstName: input.firstName ?? "Sipho",
      lastName: input.lastName ?? "Dlamini",
      roles: input.roles ?? ["OPERATOR"],
      active: input.active ?? true,
      passwordHash: await hashSecret(input.password ?? "floor-demo-2026", FAST_HASH),
      pinHash: input.pin ? await hashSecret(input.pin, FAST_HASH) : null,
      mustChangePassword: input.mustChangePassword ?? false,
      mustChangePin: input.mustChangePin ?? false,
    },
  });
}

/** The AuthError `promise` rejected with, after checking its code and (when given) reason. */
export async function refusal(
  promise: Promise<unknown>,
  code: AuthErrorCode,
  reason?: AuthFailureReason,
): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected the call to be refused").toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect({ code: authError.code, reason: authError.reason }).toEqual({ code, reason: reason ?? authError.reason });
  return authError;
}
