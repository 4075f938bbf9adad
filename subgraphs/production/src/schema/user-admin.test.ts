// User and API-key administration over the production schema, executed in-process against a real
// database: who may do it, what each change leaves behind (audit rows, ended sessions), the rule that
// the plant keeps an administrator, and refusals that change nothing.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, hashSecret } from "@ms5/kit";
import { authenticatePassword, issueRefreshToken, verifyApiKey } from "@ms5/kit/auth";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { ALL_PERMISSIONS, type Permission, permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { schema } from "./index.ts";

const FAST_HASH = { N: 1024, r: 8, p: 1, keyLength: 32 };
const logger = createLogger({ service: "user-admin-test", level: "silent" });

type Body = {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
};

const RESULT = `__typename ... on ExpectedError { code message }`;

describe("user and API-key administration", () => {
  let db: TestDatabase;
  let admin: { id: string };

  beforeAll(async () => {
    const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    admin = await person({ username: "tadmin", roles: ["ADMIN"] });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function person(input: { username: string; roles: Role[]; password?: string }) {
    return db.prisma.user.create({
      data: {
        username: input.username,
        employeeId: `E-${randomUUID().slice(0, 8)}`,
        firstName: input.username,
        lastName: "Test",
        roles: input.roles,
        passwordHash: await hashSecret(input.password ?? "floor-demo-2026", FAST_HASH),
      },
    });
  }

  async function run(
    identity: { userId: string; roles: Role[] } | { serviceAccountId: string; scopes: Permission[] },
    source: string,
    variableValues: Record<string, unknown> = {},
  ): Promise<Body> {
    const contextValue = createSubgraphContext({
      identity:
        "userId" in identity
          ? {
              kind: "user",
              userId: identity.userId,
              name: "test",
              roles: identity.roles,
              permissions: permissionsOf(identity.roles),
            }
          : {
              kind: "service",
              serviceAccountId: identity.serviceAccountId,
              name: "mes",
              permissions: new Set(identity.scopes),
            },
      prisma: db.prisma,
      redis: undefined as never,
      logger,
      correlationId: "user-admin-test",
    });
    return (await graphql({ schema, source, variableValues, contextValue })) as Body;
  }
  const asAdmin = (source: string, variables?: Record<string, unknown>) =>
    run({ userId: admin.id, roles: ["ADMIN"] }, source, variables);

  const CREATE = `mutation($input: NewUserInput!) { createUser(input: $input) { ${RESULT}
    ... on MutationCreateUserSuccess { data { temporaryPassword temporaryPin user { id username roles mustChangePassword mustChangePin hasPin } } } } }`;

  async function snapshot() {
    return {
      users: await db.prisma.user.count(),
      audit: await db.prisma.auditLog.count(),
      accounts: await db.prisma.serviceAccount.count(),
      keys: await db.prisma.apiKey.count(),
    };
  }

  it("an admin creates an operator with a temporary password and PIN, audited without any secret", async () => {
    const body = await asAdmin(CREATE, {
      input: {
        employeeId: "E4410",
        username: "ZNdlovu",
        firstName: "Zanele",
        lastName: "Ndlovu",
        email: "z.ndlovu@riverside-mill.example",
        roles: ["OPERATOR"],
        withPin: true,
      },
    });
    expect(body.errors).toBeUndefined();
    const created = body.data!.createUser as {
      data: { temporaryPassword: string; temporaryPin: string; user: Record<string, unknown> };
    };
    expect(created.data.user).toMatchObject({
      username: "zndlovu",
      roles: ["OPERATOR"],
      mustChangePassword: true,
      mustChangePin: true,
      hasPin: true,
    });
    expect(created.data.temporaryPassword).toMatch(/^[A-Za-z0-9]{14}$/);
    expect(created.data.temporaryPin).toMatch(/^[0-9]{6}$/);

    await expect(
      authenticatePassword(db.prisma, { login: "E4410", password: created.data.temporaryPassword }),
    ).resolves.toMatchObject({ mustChangePassword: true });

    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { entityId: created.data.user.id as string, action: "user.created" },
    });
    expect(audit.actorUserId).toBe(admin.id);
    expect(audit.correlationId).toBe("user-admin-test");
    const written = JSON.stringify(audit.after);
    expect(written).toContain("zndlovu");
    expect(written).not.toContain(created.data.temporaryPassword);
    expect(written).not.toMatch(/scrypt|Hash/);
  });

  it("refuses a taken username, an employee id used as someone's username, and malformed input, creating nothing", async () => {
    await person({ username: "taken-name", roles: ["OPERATOR"] });
    const before = await snapshot();
    const attempts: [Record<string, unknown>, string, string][] = [
      [{ username: "taken-name", employeeId: "E5001" }, "AlreadyTaken", "CONFLICT"],
      [{ username: "fresh-name", employeeId: "taken-name" }, "AlreadyTaken", "CONFLICT"],
      [{ username: "x", employeeId: "E5002" }, "InputInvalid", "BAD_USER_INPUT"],
      [{ username: "valid-name", employeeId: "E5003", roles: [] }, "InputInvalid", "BAD_USER_INPUT"],
      [{ username: "valid-name", employeeId: "E5004", email: "not-an-email" }, "InputInvalid", "BAD_USER_INPUT"],
      [{ username: "valid-name", employeeId: "E5005", firstName: "   " }, "InputInvalid", "BAD_USER_INPUT"],
    ];
    for (const [overrides, typename, code] of attempts) {
      const body = await asAdmin(CREATE, {
        input: { firstName: "Thabo", lastName: "Sithole", roles: ["OPERATOR"], ...overrides },
      });
      expect(body.data!.createUser, JSON.stringify(overrides)).toMatchObject({ __typename: typename, code });
    }
    const outsideEnum = await asAdmin(CREATE, {
      input: { username: "enum-test", employeeId: "E5006", firstName: "A", lastName: "B", roles: ["OVERLORD"] },
    });
    // Refused while coercing variables, before any resolver runs (the server adds BAD_USER_INPUT).
    expect(outsideEnum.errors?.[0]?.message).toMatch(/OVERLORD/);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an operator and a production manager managing users with FORBIDDEN; a manager may still list them", async () => {
    const operator = await person({ username: "op-forbidden", roles: ["OPERATOR"] });
    const manager = await person({ username: "pm-forbidden", roles: ["PRODUCTION_MANAGER"] });
    const before = await snapshot();
    const input = { username: "sneaky", employeeId: "E6001", firstName: "S", lastName: "N", roles: ["ADMIN"] };
    for (const caller of [
      { userId: operator.id, roles: ["OPERATOR"] as Role[] },
      { userId: manager.id, roles: ["PRODUCTION_MANAGER"] as Role[] },
    ]) {
      const body = await run(caller, CREATE, { input });
      expect(body.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
      const promote = await run(caller, `mutation($id: ID!) { setUserRoles(id: $id, roles: [ADMIN]) { __typename } }`, {
        id: caller.userId,
      });
      expect(promote.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    }
    const operatorList = await run({ userId: operator.id, roles: ["OPERATOR"] }, `{ users { edges { node { id } } } }`);
    expect(operatorList.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const managerList = await run(
      { userId: manager.id, roles: ["PRODUCTION_MANAGER"] },
      `{ users(search: "forbidden") { edges { node { username } } } }`,
    );
    expect(managerList.data!.users).toEqual({
      edges: [{ node: { username: "op-forbidden" } }, { node: { username: "pm-forbidden" } }],
    });
    expect(await snapshot()).toEqual(before);
  });

  describe("the last administrator", () => {
    it("cannot lose ADMIN, be deactivated by someone else, or deactivate themself", async () => {
      const { id } = await db.prisma.user.findFirstOrThrow({ where: { username: "tadmin" } });
      // Everyone else who is an admin in this database is demoted first, so tadmin is the last one.
      await db.prisma.user.updateMany({ where: { roles: { has: "ADMIN" }, NOT: { id } }, data: { active: false } });
      const before = await snapshot();
      const demote = await asAdmin(`mutation($id: ID!) { setUserRoles(id: $id, roles: [ENGINEER]) { ${RESULT} } }`, {
        id,
      });
      expect(demote.data!.setUserRoles).toMatchObject({ __typename: "LastAdministrator", code: "CONFLICT" });
      const self = await asAdmin(`mutation($id: ID!) { deactivateUser(id: $id) { ${RESULT} } }`, { id });
      expect(self.data!.deactivateUser).toMatchObject({ __typename: "InputInvalid" });
      // A key holding every permission is still stopped by the last-administrator rule...
      const service = await run(
        { serviceAccountId: randomUUID(), scopes: [...ALL_PERMISSIONS] },
        `mutation($id: ID!) { deactivateUser(id: $id) { ${RESULT} } }`,
        { id },
      );
      expect(service.data!.deactivateUser).toMatchObject({ __typename: "LastAdministrator" });
      // ...and one scoped to user:manage alone may not touch an administrator at all.
      const scoped = await run(
        { serviceAccountId: randomUUID(), scopes: ["user:manage"] },
        `mutation($id: ID!) { deactivateUser(id: $id) { ${RESULT} } }`,
        { id },
      );
      expect(scoped.data!.deactivateUser).toMatchObject({ __typename: "AccountNotManageable", code: "FORBIDDEN" });
      expect(await snapshot()).toEqual(before);
      expect(await db.prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject({
        active: true,
        roles: ["ADMIN"],
      });
    });

    it("two administrators demoting each other at the same moment: exactly one succeeds", async () => {
      const first = await person({ username: `race-a-${randomUUID().slice(0, 4)}`, roles: ["ADMIN"] });
      const second = await person({ username: `race-b-${randomUUID().slice(0, 4)}`, roles: ["ADMIN"] });
      // Only these two are active admins now.
      await db.prisma.user.updateMany({
        where: { roles: { has: "ADMIN" }, id: { notIn: [first.id, second.id] } },
        data: { active: false },
      });
      const demote = (actor: string, target: string) =>
        run(
          { userId: actor, roles: ["ADMIN"] },
          `mutation($id: ID!) { setUserRoles(id: $id, roles: [VIEWER]) { __typename } }`,
          {
            id: target,
          },
        );
      const [a, b] = await Promise.all([demote(first.id, second.id), demote(second.id, first.id)]);
      const outcomes = [a.data!.setUserRoles!.__typename, b.data!.setUserRoles!.__typename].sort();
      expect(outcomes).toEqual(["LastAdministrator", "MutationSetUserRolesSuccess"]);
      const admins = await db.prisma.user.count({ where: { active: true, roles: { has: "ADMIN" } } });
      expect(admins).toBe(1);
      await db.prisma.user.update({ where: { id: admin.id }, data: { active: true } });
    });
  });

  it("deactivating ends the person's sessions and is audited; a second deactivation is refused", async () => {
    const leaver = await person({ username: "leaver", roles: ["OPERATOR"] });
    const session = await issueRefreshToken(db.prisma, leaver.id, { userAgent: null, ipAddress: null });
    const body = await asAdmin(
      `mutation($id: ID!) { deactivateUser(id: $id, reason: "Left the company") { ${RESULT} ... on MutationDeactivateUserSuccess { data { active } } } }`,
      { id: leaver.id },
    );
    expect(body.data!.deactivateUser).toMatchObject({ data: { active: false } });
    const token = await db.prisma.refreshToken.findFirstOrThrow({ where: { familyId: session.familyId } });
    expect(token.revokedAt).not.toBeNull();
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { entityId: leaver.id, action: "user.deactivated" },
    });
    expect(audit.after).toEqual({ active: false, reason: "Left the company" });

    const before = await snapshot();
    const again = await asAdmin(`mutation($id: ID!) { deactivateUser(id: $id) { ${RESULT} } }`, { id: leaver.id });
    expect(again.data!.deactivateUser).toMatchObject({
      __typename: "AdminStateConflict",
      code: "INVALID_STATE_TRANSITION",
    });
    expect(await snapshot()).toEqual(before);

    const back = await asAdmin(`mutation($id: ID!) { reactivateUser(id: $id) { __typename } }`, { id: leaver.id });
    expect(back.data!.reactivateUser).toEqual({ __typename: "MutationReactivateUserSuccess" });
  });

  it("resetting a password makes a one-time password that must be changed, ends sessions, and the old one stops working", async () => {
    const forgetful = await person({ username: "forgetful", roles: ["SHIFT_MANAGER"], password: "Old-password-1" });
    const session = await issueRefreshToken(db.prisma, forgetful.id, { userAgent: null, ipAddress: null });
    const body = await asAdmin(
      `mutation($id: ID!) { resetUserPassword(id: $id) { ${RESULT} ... on MutationResetUserPasswordSuccess { data { temporaryPassword temporaryPin user { mustChangePassword } } } } }`,
      { id: forgetful.id },
    );
    const reset = (body.data!.resetUserPassword as { data: { temporaryPassword: string; temporaryPin: null } }).data;
    expect(reset).toMatchObject({ temporaryPin: null, user: { mustChangePassword: true } });
    await expect(
      authenticatePassword(db.prisma, { login: "forgetful", password: "Old-password-1" }),
    ).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(
      authenticatePassword(db.prisma, { login: "forgetful", password: reset.temporaryPassword }),
    ).resolves.toMatchObject({ mustChangePassword: true });
    expect(
      (await db.prisma.refreshToken.findFirstOrThrow({ where: { familyId: session.familyId } })).revokedAt,
    ).not.toBeNull();
    expect(await db.prisma.auditLog.count({ where: { entityId: forgetful.id, action: "user.password-reset" } })).toBe(
      1,
    );

    const pin = await asAdmin(
      `mutation($id: ID!) { resetUserPin(id: $id) { ... on MutationResetUserPinSuccess { data { temporaryPin user { hasPin mustChangePin } } } } }`,
      { id: forgetful.id },
    );
    expect(pin.data!.resetUserPin).toMatchObject({
      data: { temporaryPin: expect.stringMatching(/^[0-9]{6}$/), user: { hasPin: true, mustChangePin: true } },
    });
  });

  it("answers unknown and malformed user ids with NOT_FOUND and changes nothing", async () => {
    const before = await snapshot();
    for (const id of [randomUUID(), "not-a-uuid"]) {
      const body = await asAdmin(`mutation($id: ID!) { resetUserPassword(id: $id) { ${RESULT} } }`, { id });
      expect(body.data!.resetUserPassword).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND" });
      const update = await asAdmin(
        `mutation($id: ID!) { updateUser(id: $id, input: { department: "Packing" }) { ${RESULT} } }`,
        {
          id,
        },
      );
      expect(update.data!.updateUser).toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("updates a person's details with before and after in the audit trail, readable through auditLog", async () => {
    const mover = await person({ username: "mover", roles: ["OPERATOR"] });
    const body = await asAdmin(
      `mutation($id: ID!) { updateUser(id: $id, input: { department: "Packing", email: "Mover@Riverside.example" }) { ${RESULT} ... on MutationUpdateUserSuccess { data { department email } } } }`,
      { id: mover.id },
    );
    expect(body.data!.updateUser).toMatchObject({ data: { department: "Packing", email: "mover@riverside.example" } });
    const log = await asAdmin(
      `query($id: ID!) { auditLog(entityType: "User", entityId: $id) { edges { node { action actorUserId beforeJson afterJson } } } }`,
      { id: mover.id },
    );
    const [entry] = (log.data!.auditLog as { edges: { node: Record<string, string> }[] }).edges;
    expect(entry!.node).toMatchObject({ action: "user.updated", actorUserId: admin.id });
    expect(JSON.parse(entry!.node.beforeJson!)).toMatchObject({ department: null, email: null });
    expect(JSON.parse(entry!.node.afterJson!)).toMatchObject({
      department: "Packing",
      email: "mover@riverside.example",
    });
  });

  it("pages through users by username with filters", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await person({ username: name, roles: ["VIEWER"] });
    const page = (after?: string) =>
      asAdmin(
        `query($after: String) { users(first: 2, after: $after, search: "page-", role: VIEWER, active: true) { edges { node { username } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
    const first = (await page()).data!.users as {
      edges: { node: { username: string } }[];
      pageInfo: { endCursor: string; hasNextPage: boolean };
    };
    expect(first.edges.map((edge) => edge.node.username)).toEqual(["page-a", "page-b"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).data!.users as typeof first;
    expect(second.edges.map((edge) => edge.node.username)).toEqual(["page-c"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  describe("service accounts and API keys", () => {
    it("issues a key shown once that verifies with exactly its scopes, then revokes it once", async () => {
      const account = await asAdmin(
        `mutation { createServiceAccount(name: "SAP ERP", description: "Work orders from SAP") { ${RESULT} ... on MutationCreateServiceAccountSuccess { data { id } } } }`,
      );
      const accountId = (account.data!.createServiceAccount as { data: { id: string } }).data.id;
      const issued = await asAdmin(
        `mutation($id: ID!) { issueApiKey(serviceAccountId: $id, scopes: ["schedule:import", "plant:read"]) { ${RESULT} ... on MutationIssueApiKeySuccess { data { key apiKey { id prefix scopes status } } } } }`,
        { id: accountId },
      );
      const { key, apiKey } = (
        issued.data!.issueApiKey as { data: { key: string; apiKey: { id: string; prefix: string } } }
      ).data;
      expect(key).toMatch(new RegExp(`^ms5_${apiKey.prefix}_[0-9a-f]{64}$`));
      await expect(verifyApiKey(db.prisma, key)).resolves.toMatchObject({
        serviceAccountId: accountId,
        scopes: ["schedule:import", "plant:read"],
      });
      const audit = await db.prisma.auditLog.findFirstOrThrow({
        where: { entityId: apiKey.id, action: "api-key.issued" },
      });
      expect(JSON.stringify(audit.after)).not.toContain(key);

      const revoke = `mutation($id: ID!) { revokeApiKey(id: $id) { ... on MutationRevokeApiKeySuccess { data { status } } } }`;
      expect((await asAdmin(revoke, { id: apiKey.id })).data!.revokeApiKey).toEqual({ data: { status: "REVOKED" } });
      expect((await asAdmin(revoke, { id: apiKey.id })).data!.revokeApiKey).toEqual({ data: { status: "REVOKED" } });
      await expect(verifyApiKey(db.prisma, key)).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
        reason: "api-key-revoked",
      });
      expect(await db.prisma.auditLog.count({ where: { entityId: apiKey.id, action: "api-key.revoked" } })).toBe(1);

      const listed = await asAdmin(`{ serviceAccounts { name apiKeys { status } } }`);
      expect(listed.data!.serviceAccounts).toContainEqual({ name: "SAP ERP", apiKeys: [{ status: "REVOKED" }] });
    });

    it("refuses to grant a scope the issuer does not hold, an unknown scope, or a key for an unknown account, issuing nothing", async () => {
      const account = await db.prisma.serviceAccount.create({ data: { name: "BI dashboards" } });
      const before = await snapshot();
      const issue = `mutation($id: ID!, $scopes: [String!]!) { issueApiKey(serviceAccountId: $id, scopes: $scopes) { ${RESULT} } }`;
      const integrator = { serviceAccountId: randomUUID(), scopes: ["api-key:manage", "oee:read"] as Permission[] };
      const escalation = await run(integrator, issue, { id: account.id, scopes: ["oee:read", "user:manage"] });
      expect(escalation.data!.issueApiKey).toMatchObject({ __typename: "ScopesNotGrantable", code: "FORBIDDEN" });
      const unknownScope = await asAdmin(issue, { id: account.id, scopes: ["everything"] });
      expect(unknownScope.data!.issueApiKey).toMatchObject({ __typename: "InputInvalid", code: "BAD_USER_INPUT" });
      const noAccount = await asAdmin(issue, { id: randomUUID(), scopes: ["oee:read"] });
      expect(noAccount.data!.issueApiKey).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND" });
      const operator = await run({ userId: admin.id, roles: ["OPERATOR"] }, issue, {
        id: account.id,
        scopes: ["oee:read"],
      });
      expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
      expect(await snapshot()).toEqual(before);
    });
  });
});
