// Attacks on administration: an API key or a session granting more than it holds, or taking over an
// account that holds more than it does (create an ADMIN, reset an administrator's password).
import { issueApiKey } from "@ms5/kit/auth";
import { type Permission, ROLE_PERMISSIONS } from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

const RESULT = "__typename ... on ExpectedError { code message }";

describe("attacks on account administration", () => {
  let plant: HostilePlant;
  /** The integrator key of the issue's attack: user:manage and nothing else. */
  let userManageKey: string;
  /** A key that may manage people and holds every operator permission, but nothing of a manager's. */
  let operatorManagerKey: string;
  let adminId: string;
  let operatorId: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    const account = await plant.prisma.serviceAccount.create({ data: { name: "hostile-integrator" } });
    userManageKey = (await issueApiKey(plant.prisma, { serviceAccountId: account.id, scopes: ["user:manage"] })).key;
    const operatorScopes: Permission[] = [...ROLE_PERMISSIONS.OPERATOR, "user:manage", "api-key:manage"];
    operatorManagerKey = (await issueApiKey(plant.prisma, { serviceAccountId: account.id, scopes: operatorScopes }))
      .key;
    adminId = await plant.userIdOf("admin");
    operatorId = await plant.userIdOf("operator");
  });
  afterAll(async () => {
    await plant?.close();
  });

  /** Every row an administration mutation could touch. */
  async function snapshot() {
    return {
      users: await plant.prisma.user.findMany({ orderBy: { id: "asc" } }),
      audit: await plant.prisma.auditLog.findMany({ orderBy: { id: "asc" } }),
      sessions: await plant.prisma.refreshToken.findMany({ orderBy: { id: "asc" } }),
      // Without lastUsedAt: using a key records that, refused or not.
      keys: await plant.prisma.apiKey.findMany({ orderBy: { id: "asc" }, omit: { lastUsedAt: true } }),
    };
  }

  const asKey = (key: string, query: string, variables: Record<string, unknown> = {}) =>
    plant.graphql<Record<string, Record<string, unknown>>>(query, { variables, headers: { "x-api-key": key } });

  it("an API key scoped to user:manage cannot create an ADMIN, and gets no temporary password", async () => {
    const before = await snapshot();
    const answer = await asKey(
      userManageKey,
      `mutation { createUser(input: { employeeId: "X7001", username: "key-made-admin", firstName: "Mal", lastName: "Lory", roles: [ADMIN] }) {
        ${RESULT} ... on RolesNotGrantable { roles permissions } ... on MutationCreateUserSuccess { data { temporaryPassword } } } }`,
    );
    expect(answer.body.data?.createUser).toMatchObject({
      __typename: "RolesNotGrantable",
      code: "FORBIDDEN",
      roles: ["ADMIN"],
    });
    expect(JSON.stringify(answer.body)).not.toContain("temporaryPassword");
    expect(await snapshot()).toEqual(before);
  });

  it("an API key scoped to user:manage cannot reset an administrator's password and take the account", async () => {
    const before = await snapshot();
    for (const mutation of ["resetUserPassword", "resetUserPin"]) {
      const answer = await asKey(
        userManageKey,
        `mutation($id: ID!) { ${mutation}(id: $id) { ${RESULT} ... on Mutation${mutation[0]!.toUpperCase()}${mutation.slice(1)}Success { data { temporaryPassword temporaryPin } } } }`,
        { id: adminId },
      );
      expect(answer.body.data?.[mutation]).toMatchObject({ __typename: "AccountNotManageable", code: "FORBIDDEN" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("an API key scoped to user:manage cannot change, demote, deactivate or unlock an administrator", async () => {
    await plant.prisma.user.update({ where: { id: adminId }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
    const before = await snapshot();
    const attempts = {
      updateUser: `mutation($id: ID!) { updateUser(id: $id, input: { email: "attacker@example.com" }) { ${RESULT} } }`,
      setUserRoles: `mutation($id: ID!) { setUserRoles(id: $id, roles: [VIEWER]) { ${RESULT} } }`,
      deactivateUser: `mutation($id: ID!) { deactivateUser(id: $id) { ${RESULT} } }`,
      unlockUser: `mutation($id: ID!) { unlockUser(id: $id) { ${RESULT} } }`,
    };
    for (const [field, query] of Object.entries(attempts)) {
      const answer = await asKey(userManageKey, query, { id: adminId });
      // Demoting to VIEWER is also a grant of VIEWER's read permissions the key lacks: either refusal holds.
      const refusals =
        field === "setUserRoles" ? ["AccountNotManageable", "RolesNotGrantable"] : ["AccountNotManageable"];
      expect(answer.body.data?.[field], field).toMatchObject({ code: "FORBIDDEN" });
      expect(refusals, field).toContain(answer.body.data?.[field]?.__typename);
    }
    expect(await snapshot()).toEqual(before);
    await plant.prisma.user.update({ where: { id: adminId }, data: { lockedUntil: null } });
  });

  it("a key holding an operator's permissions may promote nobody beyond them: setUserRoles to SHIFT_MANAGER or ADMIN is refused", async () => {
    const before = await snapshot();
    for (const role of ["SHIFT_MANAGER", "ADMIN"]) {
      const answer = await asKey(
        operatorManagerKey,
        `mutation($id: ID!) { setUserRoles(id: $id, roles: [${role}]) { ${RESULT} ... on RolesNotGrantable { permissions } } }`,
        { id: operatorId },
      );
      expect(answer.body.data?.setUserRoles).toMatchObject({ __typename: "RolesNotGrantable", code: "FORBIDDEN" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a key may not reset a manager's password, though it may reset an operator's (what it holds)", async () => {
    const before = await snapshot();
    const manager = await asKey(operatorManagerKey, `mutation($id: ID!) { resetUserPassword(id: $id) { ${RESULT} } }`, {
      id: await plant.userIdOf("pmanager"),
    });
    expect(manager.body.data?.resetUserPassword).toMatchObject({ __typename: "AccountNotManageable" });
    expect(await snapshot()).toEqual(before);

    // The control: an account within the key's permissions is managed as before.
    const operator = await asKey(
      operatorManagerKey,
      `mutation($id: ID!) { resetUserPassword(id: $id) { __typename ... on MutationResetUserPasswordSuccess { data { temporaryPassword } } } }`,
      { id: operatorId },
    );
    expect(operator.body.data?.resetUserPassword).toMatchObject({ __typename: "MutationResetUserPasswordSuccess" });
  });

  it("a key may not issue a key with scopes it does not hold", async () => {
    const account = await plant.prisma.serviceAccount.findFirstOrThrow({ where: { name: "hostile-integrator" } });
    const before = await snapshot();
    const answer = await asKey(
      operatorManagerKey,
      `mutation($id: ID!) { issueApiKey(serviceAccountId: $id, scopes: ["user:manage", "audit:read"]) { ${RESULT} ... on MutationIssueApiKeySuccess { data { key } } } }`,
      { id: account.id },
    );
    expect(answer.body.data?.issueApiKey).toMatchObject({ __typename: "ScopesNotGrantable", code: "FORBIDDEN" });
    expect(await snapshot()).toEqual(before);
  });

  it("an administrator's session still creates an administrator (it holds every permission)", async () => {
    const token = await plant.tokenOf("admin");
    const answer = await plant.graphql<Record<string, Record<string, unknown>>>(
      `mutation { createUser(input: { employeeId: "X7002", username: "second-admin", firstName: "Second", lastName: "Admin", roles: [ADMIN] }) { __typename } }`,
      { token },
    );
    expect(answer.body.data?.createUser).toEqual({ __typename: "MutationCreateUserSuccess" });
  });
});
