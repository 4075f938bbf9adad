// People and integrators: the User entity, service accounts and their API keys, the audit log, and
// the administration mutations (create, change, roles, deactivate, reset password or PIN, keys).
// Passwords are never sent IN: resets and new accounts return a one-time temporary secret.
import type { ApiKey, AuditLog, Prisma, ServiceAccount, User } from "@ms5/db";
import {
  afterKeyset,
  CONNECTION_LIST_SIZE,
  defineLoader,
  ExpectedError,
  InputInvalid,
  keysetPage,
  NotFound,
} from "@ms5/kit/subgraph";
import { ROLES } from "@ms5/schema";
import { builder, uuidArgument } from "../builder.ts";
import { adminActorOf } from "../user-admin/admin-actor.ts";
import {
  createServiceAccount as createServiceAccountRow,
  issueServiceAccountKey,
  revokeServiceAccountKey,
  setServiceAccountActive,
} from "../user-admin/service-accounts.ts";
import {
  AccountNotManageable,
  AdminStateConflict,
  AlreadyTaken,
  LastAdministrator,
  RolesNotGrantable,
  ScopesNotGrantable,
} from "../user-admin/user-admin-errors.ts";
import {
  createUser,
  resetUserSecret,
  setUserActive,
  setUserRoles,
  type UserWithTemporarySecrets,
  unlockUser,
  updateUser,
} from "../user-admin/user-administration.ts";
import { connectionRef } from "./relay-connection.ts";

export const RoleEnum = builder.enumType("Role", {
  description: "The eight roles of the permission matrix (schema/src/permissions.ts).",
  values: ROLES,
});

builder.objectType(AlreadyTaken, {
  name: "AlreadyTaken",
  description: "Someone else already has this username, employee id, e-mail or name.",
  interfaces: [ExpectedError],
  fields: (t) => ({ field: t.exposeString("field"), value: t.exposeString("value") }),
});
builder.objectType(LastAdministrator, {
  name: "LastAdministrator",
  description: "The change would leave no active administrator; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ userId: t.exposeID("userId") }),
});
builder.objectType(ScopesNotGrantable, {
  name: "ScopesNotGrantable",
  description: "An API key may only carry permissions the person issuing it holds.",
  interfaces: [ExpectedError],
  fields: (t) => ({ scopes: t.exposeStringList("scopes") }),
});
builder.objectType(RolesNotGrantable, {
  name: "RolesNotGrantable",
  description: "A role may only be granted by someone holding every permission it carries; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    roles: t.exposeStringList("roles", { description: "The roles asked for that carry more than you hold." }),
    permissions: t.exposeStringList("permissions", { description: "The permissions you do not hold." }),
  }),
});
builder.objectType(AccountNotManageable, {
  name: "AccountNotManageable",
  description:
    "The account has permissions you do not hold: only someone holding them may change, reset or deactivate it; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    userId: t.exposeID("userId"),
    permissions: t.exposeStringList("permissions", { description: "The account's permissions you do not hold." }),
  }),
});
builder.objectType(AdminStateConflict, {
  name: "AdminStateConflict",
  description: "The account is not in a state that allows this step (already deactivated, not locked...).",
  interfaces: [ExpectedError],
  fields: () => ({}),
});

export const userById = defineLoader<string, User | null>(async (ids, { prisma }) => {
  const rows = await prisma.user.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const UserRef = builder.objectRef<User>("User").implement({
  description: "A person who signs in: operators, managers, engineers, technicians, inspectors, viewers, admins.",
  authScopes: { permission: "user:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    employeeId: t.exposeString("employeeId"),
    firstName: t.exposeString("firstName"),
    lastName: t.exposeString("lastName"),
    name: t.string({ resolve: (user) => `${user.firstName} ${user.lastName}`.trim() }),
    email: t.exposeString("email", { nullable: true }),
    department: t.exposeString("department", { nullable: true }),
    skills: t.exposeStringList("skills"),
    roles: t.field({ type: [RoleEnum], resolve: (user) => user.roles }),
    active: t.exposeBoolean("active"),
    hasPin: t.boolean({
      description: "Whether the person can sign in on a tablet with a PIN.",
      resolve: (user) => user.pinHash !== null,
    }),
    mustChangePassword: t.exposeBoolean("mustChangePassword"),
    mustChangePin: t.exposeBoolean("mustChangePin"),
    lockedUntil: t.field({
      type: "DateTime",
      nullable: true,
      description: "Set while the account is locked after too many wrong attempts.",
      resolve: (user) => (user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil : null),
    }),
    pinLockedUntil: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "Set while the tablet PIN is locked after too many wrong PINs (the password still works and lifts it).",
      resolve: (user) => (user.pinLockedUntil && user.pinLockedUntil > new Date() ? user.pinLockedUntil : null),
    }),
    lastLoginAt: t.expose("lastLoginAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
builder.asEntity(UserRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(userById).load(id),
});

const UserConnectionRef = connectionRef("User", UserRef);

const UserWithTemporarySecretsRef = builder.objectRef<UserWithTemporarySecrets>("UserWithTemporarySecrets").implement({
  description:
    "An account and the one-time secret(s) just made for it: hand them to the person, who must choose their own at next sign-in. They are not shown again.",
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (result) => result.user }),
    temporaryPassword: t.exposeString("temporaryPassword", { nullable: true }),
    temporaryPin: t.exposeString("temporaryPin", { nullable: true }),
  }),
});

const ApiKeyStatusEnum = builder.enumType("ApiKeyStatus", { values: ["ACTIVE", "EXPIRED", "REVOKED"] as const });

const ApiKeyRef = builder.objectRef<ApiKey>("ApiKey").implement({
  description: "A key of a service account. Only its prefix is ever shown after it is issued.",
  authScopes: { permission: "api-key:manage" },
  fields: (t) => ({
    id: t.exposeID("id"),
    serviceAccountId: t.exposeID("serviceAccountId"),
    prefix: t.exposeString("prefix", { description: "The visible part of the key (ms5_<prefix>_...)." }),
    scopes: t.exposeStringList("scopes", { description: "The permissions the key grants." }),
    status: t.field({
      type: ApiKeyStatusEnum,
      resolve: (key) =>
        key.revokedAt ? "REVOKED" : key.expiresAt && key.expiresAt <= new Date() ? "EXPIRED" : "ACTIVE",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
  }),
});

const keysOfServiceAccount = defineLoader<string, ApiKey[]>(async (accountIds, { prisma }) => {
  const rows = await prisma.apiKey.findMany({
    where: { serviceAccountId: { in: [...accountIds] } },
    orderBy: { createdAt: "desc" },
  });
  return accountIds.map((id) => rows.filter((row) => row.serviceAccountId === id));
});

const ServiceAccountRef = builder.objectRef<ServiceAccount>("ServiceAccount").implement({
  description: "A non-human caller (MES, ERP, BI tool) that authenticates with API keys.",
  authScopes: { permission: "api-key:manage" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    active: t.exposeBoolean("active"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    apiKeys: t.field({
      // An estimate the gateway prices reads by (gateway/src/list-pricing.ts), not a cap.
      listSize: { assumedSize: 20 },
      type: [ApiKeyRef],
      resolve: (account, _args, context) => context.loaders.of(keysOfServiceAccount).load(account.id),
    }),
  }),
});

const IssuedApiKeyRef = builder.objectRef<{ key: string; apiKey: ApiKey }>("IssuedApiKey").implement({
  description: "A new API key. `key` is shown this once: store it in the integration's secret store.",
  fields: (t) => ({
    key: t.exposeString("key"),
    apiKey: t.field({ type: ApiKeyRef, resolve: (issued) => issued.apiKey }),
  }),
});

type AuditRow = Omit<AuditLog, "id"> & { id: string };

const AuditEntryRef = builder.objectRef<AuditRow>("AuditEntry").implement({
  description: "One administrative or supervisory change: who, when, what, before and after.",
  authScopes: { permission: "audit:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    at: t.expose("at", { type: "DateTime" }),
    action: t.exposeString("action", { description: "e.g. user.created, user.roles-changed, api-key.revoked." }),
    entityType: t.exposeString("entityType"),
    entityId: t.exposeID("entityId"),
    actorUserId: t.exposeID("actorUserId", { nullable: true }),
    actorServiceAccountId: t.exposeID("actorServiceAccountId", { nullable: true }),
    beforeJson: t.string({
      nullable: true,
      description: "The changed fields before, as JSON.",
      resolve: (row) => (row.before === null ? null : JSON.stringify(row.before)),
    }),
    afterJson: t.string({
      nullable: true,
      description: "The changed fields after, as JSON.",
      resolve: (row) => (row.after === null ? null : JSON.stringify(row.after)),
    }),
    correlationId: t.exposeString("correlationId", { nullable: true }),
  }),
});
const AuditEntryConnectionRef = connectionRef("AuditEntry", AuditEntryRef);

builder.queryFields((t) => ({
  users: t.field({
    type: UserConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "People ordered by username, a page at a time.",
    authScopes: { permission: "user:read" },
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      search: t.arg.string({ description: "Part of the username, employee id or name." }),
      role: t.arg({ type: RoleEnum }),
      active: t.arg.boolean({ description: "Only active (true) or only deactivated (false) accounts." }),
    },
    resolve: (_root, args, { prisma }) => {
      const search = args.search?.trim();
      const where: Prisma.UserWhereInput[] = [];
      if (search) {
        where.push({
          OR: ["username", "employeeId", "firstName", "lastName"].map((field) => ({
            [field]: { contains: search, mode: "insensitive" },
          })),
        });
      }
      if (args.role) where.push({ roles: { has: args.role } });
      if (typeof args.active === "boolean") where.push({ active: args.active });
      return keysetPage<User>({
        list: "users",
        args,
        sortOf: (user) => user.username,
        fetch: (after, take) =>
          prisma.user.findMany({
            where: { AND: [afterKeyset("username", after) as Prisma.UserWhereInput, ...where] },
            orderBy: [{ username: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  user: t.field({
    type: UserRef,
    nullable: true,
    authScopes: { permission: "user:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(userById).load(uuidArgument(id, "id")),
  }),
  serviceAccounts: t.field({
    type: [ServiceAccountRef],
    description: "Every service account with its keys, by name.",
    authScopes: { permission: "api-key:manage" },
    resolve: (_root, _args, { prisma }) => prisma.serviceAccount.findMany({ orderBy: { name: "asc" } }),
  }),
  auditLog: t.field({
    type: AuditEntryConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Administrative and supervisory changes, newest first.",
    authScopes: { permission: "audit:read" },
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      entityType: t.arg.string({ description: "e.g. User, ApiKey, ServiceAccount, JobAssignment, DowntimeEvent." }),
      entityId: t.arg.id(),
      actorUserId: t.arg.id(),
      since: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, { prisma }) =>
      keysetPage<AuditRow>({
        list: "audit",
        args,
        sortOf: (row) => Number(row.id),
        fetch: async (after, take) => {
          const rows = await prisma.auditLog.findMany({
            where: {
              ...(after ? { id: { lt: BigInt(after.id) } } : {}),
              ...(args.entityType ? { entityType: args.entityType } : {}),
              ...(args.entityId ? { entityId: String(args.entityId) } : {}),
              ...(args.actorUserId ? { actorUserId: uuidArgument(args.actorUserId, "actorUserId") } : {}),
              ...(args.since ? { at: { gte: args.since } } : {}),
            },
            orderBy: { id: "desc" },
            take,
          });
          return rows.map((row) => ({ ...row, id: String(row.id) }));
        },
      }),
  }),
}));

const NewUserInput = builder.inputType("NewUserInput", {
  fields: (t) => ({
    employeeId: t.string({ required: true }),
    username: t.string({ required: true, description: "Stored in lower case." }),
    firstName: t.string({ required: true }),
    lastName: t.string({ required: true }),
    email: t.string(),
    department: t.string(),
    skills: t.stringList(),
    roles: t.field({ type: [RoleEnum], required: true }),
    withPin: t.boolean({ description: "Also make a tablet PIN (returned once)." }),
  }),
});

const UserChangesInput = builder.inputType("UserChangesInput", {
  description: "Only the fields given change; an empty email or department clears it.",
  fields: (t) => ({
    firstName: t.string(),
    lastName: t.string(),
    email: t.string(),
    department: t.string(),
    skills: t.stringList(),
  }),
});

const userErrors = [NotFound, InputInvalid, AdminStateConflict, AccountNotManageable];

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserWithTemporarySecretsRef,
    description: "Creates an account with a temporary password (and PIN) the person replaces at first sign-in.",
    authScopes: { permission: "user:manage" },
    errors: { types: [InputInvalid, AlreadyTaken, RolesNotGrantable] },
    args: { input: t.arg({ type: NewUserInput, required: true }) },
    resolve: (_root, { input }, context) => createUser(context.prisma, adminActorOf(context), input),
  }),
  updateUser: t.field({
    type: UserRef,
    authScopes: { permission: "user:manage" },
    errors: { types: [...userErrors, AlreadyTaken] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UserChangesInput, required: true }) },
    resolve: (_root, { id, input }, context) => updateUser(context.prisma, adminActorOf(context), String(id), input),
  }),
  setUserRoles: t.field({
    type: UserRef,
    description: "Replaces a person's roles. The last active administrator cannot lose ADMIN.",
    authScopes: { permission: "user:manage" },
    errors: { types: [...userErrors, LastAdministrator, RolesNotGrantable] },
    args: { id: t.arg.id({ required: true }), roles: t.arg({ type: [RoleEnum], required: true }) },
    resolve: (_root, { id, roles }, context) => setUserRoles(context.prisma, adminActorOf(context), String(id), roles),
  }),
  deactivateUser: t.field({
    type: UserRef,
    description:
      "Stops a person signing in and ends their sessions; their records stay. Not the last administrator, not yourself.",
    authScopes: { permission: "user:manage" },
    errors: { types: [...userErrors, LastAdministrator] },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_root, { id, reason }, context) =>
      setUserActive(context.prisma, adminActorOf(context), String(id), false, reason),
  }),
  reactivateUser: t.field({
    type: UserRef,
    authScopes: { permission: "user:manage" },
    errors: { types: userErrors },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => setUserActive(context.prisma, adminActorOf(context), String(id), true),
  }),
  resetUserPassword: t.field({
    type: UserWithTemporarySecretsRef,
    description: "Makes a one-time password the person must replace at next sign-in; their sessions end.",
    authScopes: { permission: "user:manage" },
    errors: { types: userErrors },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => resetUserSecret(context.prisma, adminActorOf(context), String(id), "password"),
  }),
  resetUserPin: t.field({
    type: UserWithTemporarySecretsRef,
    description: "Makes a one-time tablet PIN the person must replace at next PIN sign-in; their sessions end.",
    authScopes: { permission: "user:manage" },
    errors: { types: userErrors },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => resetUserSecret(context.prisma, adminActorOf(context), String(id), "pin"),
  }),
  unlockUser: t.field({
    type: UserRef,
    description: "Lifts a lockout after too many wrong attempts.",
    authScopes: { permission: "user:manage" },
    errors: { types: userErrors },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => unlockUser(context.prisma, adminActorOf(context), String(id)),
  }),
  createServiceAccount: t.field({
    type: ServiceAccountRef,
    authScopes: { permission: "api-key:manage" },
    errors: { types: [InputInvalid, AlreadyTaken] },
    args: { name: t.arg.string({ required: true }), description: t.arg.string() },
    resolve: (_root, args, context) => createServiceAccountRow(context.prisma, adminActorOf(context), args),
  }),
  deactivateServiceAccount: t.field({
    type: ServiceAccountRef,
    description: "Stops every key of the account at once.",
    authScopes: { permission: "api-key:manage" },
    errors: { types: [NotFound, AdminStateConflict] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) =>
      setServiceAccountActive(context.prisma, adminActorOf(context), String(id), false),
  }),
  reactivateServiceAccount: t.field({
    type: ServiceAccountRef,
    authScopes: { permission: "api-key:manage" },
    errors: { types: [NotFound, AdminStateConflict] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) =>
      setServiceAccountActive(context.prisma, adminActorOf(context), String(id), true),
  }),
  issueApiKey: t.field({
    type: IssuedApiKeyRef,
    description: "A new key for a service account with the given permission scopes (only ones you hold).",
    authScopes: { permission: "api-key:manage" },
    errors: { types: [NotFound, InputInvalid, ScopesNotGrantable] },
    args: {
      serviceAccountId: t.arg.id({ required: true }),
      scopes: t.arg.stringList({ required: true }),
      expiresAt: t.arg({ type: "DateTime" }),
    },
    resolve: async (_root, args, context) => {
      const { issued, apiKey } = await issueServiceAccountKey(context.prisma, adminActorOf(context), {
        serviceAccountId: String(args.serviceAccountId),
        scopes: args.scopes,
        expiresAt: args.expiresAt ?? null,
      });
      return { key: issued.key, apiKey };
    },
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: "Stops a key now. Revoking a revoked key changes nothing.",
    authScopes: { permission: "api-key:manage" },
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => revokeServiceAccountKey(context.prisma, adminActorOf(context), String(id)),
  }),
}));
