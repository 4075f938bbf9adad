// Creating, changing, deactivating and resetting people's accounts. Every change is one transaction
// with its audit row; the plant always keeps an active administrator; a reset hands out a one-time
// secret the person must replace at next sign-in, and ends their sessions. A caller grants only roles
// whose permissions it holds and changes only accounts whose permissions it holds, checked on the
// locked row before anything is written, so a refusal changes nothing and writes no audit row.

import type { Prisma, PrismaClient, Role, User } from "@ms5/db";
import { hashSecret } from "@ms5/kit";
import { generateTemporaryPassword, generateTemporaryPin, revokeAllForUser } from "@ms5/kit/auth";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { type AdminActor, assertAccountManageable, assertRolesGrantable, writeAdminAudit } from "./admin-actor.ts";
import { AdminStateConflict, AlreadyTaken, LastAdministrator } from "./user-admin-errors.ts";

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,39}$/;
const EMPLOYEE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{1,19}$/;
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,185}\.[^\s@]{2,}$/;
const MAX_NAME_LENGTH = 80;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewUser {
  employeeId: string;
  username: string;
  firstName: string;
  lastName: string;
  email?: string | null;
  department?: string | null;
  skills?: readonly string[] | null;
  roles: readonly Role[];
  /** Also give the person a tablet PIN (shown once, changed at first PIN sign-in). */
  withPin?: boolean | null;
}

export interface UserChanges {
  firstName?: string | null;
  lastName?: string | null;
  /** Empty string clears it. */
  email?: string | null;
  department?: string | null;
  skills?: readonly string[] | null;
}

export interface UserWithTemporarySecrets {
  user: User;
  /** Shown to the administrator once; the person must replace it at next sign-in. */
  temporaryPassword: string | null;
  temporaryPin: string | null;
}

/** What the audit trail keeps of a user: never a hash, a lock counter or a timestamp that churns. */
function auditViewOf(user: User) {
  return {
    username: user.username,
    employeeId: user.employeeId,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    department: user.department,
    skills: user.skills,
    roles: user.roles,
    active: user.active,
  };
}

function requiredName(value: string | null | undefined, field: string): string {
  const trimmed = (value ?? "").trim();
  if (trimmed === "" || trimmed.length > MAX_NAME_LENGTH) {
    throw new InputInvalid(field, `${field} is required and at most ${MAX_NAME_LENGTH} characters.`);
  }
  return trimmed;
}

function optionalText(value: string | null | undefined, field: string, pattern?: RegExp): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (trimmed.length > 200 || (pattern && !pattern.test(trimmed))) {
    throw new InputInvalid(field, `${field} "${trimmed}" is not valid.`);
  }
  return trimmed;
}

function skillsOf(skills: readonly string[] | null | undefined): string[] | undefined {
  if (skills === undefined || skills === null) return undefined;
  const cleaned = [...new Set(skills.map((skill) => skill.trim()).filter((skill) => skill !== ""))];
  if (cleaned.length > 50 || cleaned.some((skill) => skill.length > MAX_NAME_LENGTH)) {
    throw new InputInvalid("skills", `At most 50 skills of at most ${MAX_NAME_LENGTH} characters each.`);
  }
  return cleaned;
}

function rolesOf(roles: readonly Role[]): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw new InputInvalid("roles", "A user needs at least one role.");
  return unique;
}

function userId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw new NotFound("user", id);
  return id;
}

async function lockedUser(tx: Prisma.TransactionClient, id: string): Promise<User> {
  // Row lock: two administrators changing one person serialise, so each audit row's "before" is true.
  await tx.$queryRaw`SELECT id FROM app_user WHERE id = ${userId(id)}::uuid FOR UPDATE`;
  const user = await tx.user.findUnique({ where: { id } });
  if (!user) throw new NotFound("user", id);
  return user;
}

/**
 * Locks the person and every active administrator in one statement, in id order, so two
 * administrators demoting or deactivating each other at once queue up instead of deadlocking, and
 * the second sees the first's change.
 */
async function lockedUserAndAdministrators(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<{ user: User; activeAdministratorIds: string[] }> {
  const locked = await tx.$queryRaw<{ id: string; activeAdministrator: boolean }[]>`
    SELECT id, (active AND 'ADMIN' = ANY(roles)) AS "activeAdministrator" FROM app_user
    WHERE id = ${userId(id)}::uuid OR (active AND 'ADMIN' = ANY(roles))
    ORDER BY id FOR UPDATE`;
  const user = locked.some((row) => row.id === id) ? await tx.user.findUnique({ where: { id } }) : null;
  if (!user) throw new NotFound("user", id);
  return { user, activeAdministratorIds: locked.filter((row) => row.activeAdministrator).map((row) => row.id) };
}

/** Refuses a change that leaves no active administrator. */
function keepAnAdministrator(
  target: User,
  activeAdministratorIds: readonly string[],
  after: { active: boolean; roles: readonly Role[] },
): void {
  const wasAdmin = target.active && target.roles.includes("ADMIN");
  const staysAdmin = after.active && after.roles.includes("ADMIN");
  if (!wasAdmin || staysAdmin) return;
  if (activeAdministratorIds.filter((adminId) => adminId !== target.id).length === 0) {
    throw new LastAdministrator(target.id);
  }
}

function isUniqueViolation(error: unknown): error is { meta?: { target?: unknown } } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export async function createUser(
  prisma: PrismaClient,
  actor: AdminActor,
  input: NewUser,
): Promise<UserWithTemporarySecrets> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new InputInvalid(
      "username",
      "A username is 3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.",
    );
  }
  const employeeId = input.employeeId.trim();
  if (!EMPLOYEE_ID_PATTERN.test(employeeId)) {
    throw new InputInvalid("employeeId", "An employee id is 2 to 20 letters, digits or dashes.");
  }
  const data = {
    username,
    employeeId,
    firstName: requiredName(input.firstName, "firstName"),
    lastName: requiredName(input.lastName, "lastName"),
    email: optionalText(input.email, "email", EMAIL_PATTERN)?.toLowerCase() ?? null,
    department: optionalText(input.department, "department") ?? null,
    skills: skillsOf(input.skills) ?? [],
    roles: rolesOf(input.roles),
  };
  assertRolesGrantable(actor, data.roles);
  const temporaryPassword = generateTemporaryPassword();
  const temporaryPin = input.withPin ? generateTemporaryPin() : null;
  const [passwordHash, pinHash] = await Promise.all([
    hashSecret(temporaryPassword),
    temporaryPin ? hashSecret(temporaryPin) : null,
  ]);

  try {
    const user = await prisma.$transaction(async (tx) => {
      // Sign-in accepts a username or an employee id: neither may equal the other kind of someone else.
      const clash = await tx.user.findFirst({
        where: {
          OR: [
            { username: { in: [username, employeeId] } },
            { employeeId: { in: [username, employeeId] } },
            ...(data.email ? [{ email: data.email }] : []),
          ],
        },
      });
      if (clash) {
        if (data.email && clash.email === data.email) throw new AlreadyTaken("email", data.email);
        const field = clash.username === username || clash.employeeId === username ? "username" : "employeeId";
        throw new AlreadyTaken(field, field === "username" ? username : employeeId);
      }
      const created = await tx.user.create({
        data: { ...data, passwordHash, pinHash, mustChangePassword: true, mustChangePin: temporaryPin !== null },
      });
      await writeAdminAudit(tx, actor, {
        action: "user.created",
        entityType: "User",
        entityId: created.id,
        after: { ...auditViewOf(created), withPin: temporaryPin !== null },
      });
      return created;
    });
    return { user, temporaryPassword, temporaryPin };
  } catch (error) {
    // Two administrators creating the same person at once: the unique index decides.
    if (isUniqueViolation(error)) throw new AlreadyTaken("username or employeeId", `${username} / ${employeeId}`);
    throw error;
  }
}

export async function updateUser(
  prisma: PrismaClient,
  actor: AdminActor,
  id: string,
  changes: UserChanges,
): Promise<User> {
  const data: Prisma.UserUpdateInput = {};
  if (changes.firstName !== undefined && changes.firstName !== null)
    data.firstName = requiredName(changes.firstName, "firstName");
  if (changes.lastName !== undefined && changes.lastName !== null)
    data.lastName = requiredName(changes.lastName, "lastName");
  const email = optionalText(changes.email, "email", EMAIL_PATTERN);
  if (email !== undefined) data.email = email?.toLowerCase() ?? null;
  const department = optionalText(changes.department, "department");
  if (department !== undefined) data.department = department;
  const skills = skillsOf(changes.skills);
  if (skills !== undefined) data.skills = skills;
  if (Object.keys(data).length === 0) throw new InputInvalid("input", "Nothing to change was given.");

  try {
    return await prisma.$transaction(async (tx) => {
      const before = await lockedUser(tx, id);
      assertAccountManageable(actor, before);
      if (typeof data.email === "string" && data.email !== before.email) {
        const holder = await tx.user.findUnique({ where: { email: data.email }, select: { id: true } });
        if (holder) throw new AlreadyTaken("email", data.email);
      }
      const after = await tx.user.update({ where: { id }, data });
      await writeAdminAudit(tx, actor, {
        action: "user.updated",
        entityType: "User",
        entityId: id,
        before: auditViewOf(before),
        after: auditViewOf(after),
      });
      return after;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyTaken("email", String(data.email));
    throw error;
  }
}

export async function setUserRoles(
  prisma: PrismaClient,
  actor: AdminActor,
  id: string,
  roles: readonly Role[],
): Promise<User> {
  const nextRoles = rolesOf(roles);
  assertRolesGrantable(actor, nextRoles);
  return prisma.$transaction(async (tx) => {
    const { user: before, activeAdministratorIds } = await lockedUserAndAdministrators(tx, id);
    assertAccountManageable(actor, before);
    keepAnAdministrator(before, activeAdministratorIds, { active: before.active, roles: nextRoles });
    const after = await tx.user.update({ where: { id }, data: { roles: nextRoles } });
    await writeAdminAudit(tx, actor, {
      action: "user.roles-changed",
      entityType: "User",
      entityId: id,
      before: { roles: before.roles },
      after: { roles: after.roles },
    });
    return after;
  });
}

export async function setUserActive(
  prisma: PrismaClient,
  actor: AdminActor,
  id: string,
  active: boolean,
  reason?: string | null,
): Promise<User> {
  if (!active && actor.userId === id) {
    throw new InputInvalid("id", "You cannot deactivate your own account; ask another administrator.");
  }
  return prisma.$transaction(async (tx) => {
    const { user: before, activeAdministratorIds } = await lockedUserAndAdministrators(tx, id);
    assertAccountManageable(actor, before);
    if (before.active === active) {
      throw new AdminStateConflict(
        `${before.firstName} ${before.lastName} is already ${active ? "active" : "deactivated"}.`,
      );
    }
    keepAnAdministrator(before, activeAdministratorIds, { active, roles: before.roles });
    const after = await tx.user.update({ where: { id }, data: { active } });
    // A deactivated person's sessions end now; their access token lapses within its short lifetime.
    if (!active) await revokeAllForUser(tx, id);
    await writeAdminAudit(tx, actor, {
      action: active ? "user.reactivated" : "user.deactivated",
      entityType: "User",
      entityId: id,
      before: { active: before.active },
      after: { active: after.active, ...(reason?.trim() ? { reason: reason.trim().slice(0, 500) } : {}) },
    });
    return after;
  });
}

/** A new one-time password (or PIN): the person must choose their own at next sign-in; sessions end. */
export async function resetUserSecret(
  prisma: PrismaClient,
  actor: AdminActor,
  id: string,
  secret: "password" | "pin",
): Promise<UserWithTemporarySecrets> {
  const temporary = secret === "password" ? generateTemporaryPassword() : generateTemporaryPin();
  const hash = await hashSecret(temporary);
  const user = await prisma.$transaction(async (tx) => {
    const before = await lockedUser(tx, id);
    assertAccountManageable(actor, before);
    if (!before.active) throw new AdminStateConflict("Reactivate the user before resetting their sign-in.");
    const after = await tx.user.update({
      where: { id },
      data:
        secret === "password"
          ? { passwordHash: hash, mustChangePassword: true, failedLoginCount: 0, lockedUntil: null }
          : { pinHash: hash, mustChangePin: true, failedPinCount: 0, pinLockedUntil: null },
    });
    await revokeAllForUser(tx, id);
    await writeAdminAudit(tx, actor, {
      action: secret === "password" ? "user.password-reset" : "user.pin-reset",
      entityType: "User",
      entityId: id,
    });
    return after;
  });
  return {
    user,
    temporaryPassword: secret === "password" ? temporary : null,
    temporaryPin: secret === "pin" ? temporary : null,
  };
}

/** Lifts a lockout (of the account, or of the PIN) after too many wrong attempts, before it runs out by itself. */
export async function unlockUser(prisma: PrismaClient, actor: AdminActor, id: string): Promise<User> {
  return prisma.$transaction(async (tx) => {
    const before = await lockedUser(tx, id);
    assertAccountManageable(actor, before);
    const now = new Date();
    const accountLocked = before.lockedUntil !== null && before.lockedUntil > now;
    const pinLocked = before.pinLockedUntil !== null && before.pinLockedUntil > now;
    if (!accountLocked && !pinLocked) {
      throw new AdminStateConflict(`${before.firstName} ${before.lastName} is not locked.`);
    }
    const after = await tx.user.update({
      where: { id },
      data: { lockedUntil: null, failedLoginCount: 0, pinLockedUntil: null, failedPinCount: 0 },
    });
    await writeAdminAudit(tx, actor, {
      action: "user.unlocked",
      entityType: "User",
      entityId: id,
      before: {
        ...(accountLocked ? { lockedUntil: before.lockedUntil?.toISOString() } : {}),
        ...(pinLocked ? { pinLockedUntil: before.pinLockedUntil?.toISOString() } : {}),
      },
    });
    return after;
  });
}
