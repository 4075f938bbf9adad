// Attacks on sign-in: locking people out with PIN guesses, blocking every tablet from one address,
// forging the client address, telling locked accounts from unknown names, and what a PIN buys.
import { hashSecret } from "@ms5/kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type AuthAnswer,
  codesOf,
  DEMO_PASSWORD,
  type HostilePlant,
  openHostilePlant,
  viaSignInProxy,
} from "./hostile-plant.ts";

/** The seed's cheap test hashing (seedPlant fastHashing), for accounts this file adds. */
const FAST_HASH = { N: 1024, r: 8, p: 1, keyLength: 32 };

/** The demo PINs (README, demo users). */
const OPERATOR_PIN = "1234";
const SHIFT_MANAGER_PIN = "4826";

function rolesInToken(accessToken: string): string[] {
  const payload = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString("utf8"));
  return payload.roles;
}

// Unknown names and locked accounts are checked against a production-cost scrypt hash (seconds each
// on a loaded machine): the heavier attacks get a wider bound than the default.
describe("attacks on sign-in", () => {
  let plant: HostilePlant;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
  });
  afterAll(async () => {
    await plant?.close();
  });

  /** What sign-in may change on an account: its counters, locks and secrets. */
  const accountOf = (username: string) =>
    plant.prisma.user.findUniqueOrThrow({
      where: { username },
      select: {
        failedLoginCount: true,
        lockedUntil: true,
        failedPinCount: true,
        pinLockedUntil: true,
        passwordHash: true,
        pinHash: true,
        roles: true,
        active: true,
      },
    });
  const addressWindow = (address: string) => `${plant.keyPrefix}{login-attempts}:address:${address}`;
  const failuresCountedOn = (address: string) => plant.redis.zCard(addressWindow(address));

  it("seven wrong PINs for admin, then the right password: 200 at once, and the password counter never moved", async () => {
    const before = await accountOf("admin");
    for (let guess = 0; guess < 7; guess++) {
      const answer = await plant.auth("pin", { login: "admin", pin: `00${10 + guess}` }, viaSignInProxy("203.0.113.1"));
      expect(answer.status).toBe(401);
    }
    const password = await plant.auth(
      "login",
      { login: "admin", password: DEMO_PASSWORD },
      viaSignInProxy("203.0.113.1"),
    );
    expect(password.status).toBe(200);
    expect(rolesInToken(password.body.accessToken!)).toEqual(["ADMIN"]);
    const after = await accountOf("admin");
    expect(after).toMatchObject({ failedLoginCount: 0, lockedUntil: null, passwordHash: before.passwordHash });
  }, 120_000);

  it("guessing an operator's PIN locks only the PIN: the right PIN is refused until a password sign-in lifts it", async () => {
    const client = viaSignInProxy("203.0.113.2");
    const wrong = await plant.auth("pin", { login: "E1005", pin: "9999" }, client);
    for (let guess = 1; guess < 6; guess++) await plant.auth("pin", { login: "E1005", pin: `999${guess}` }, client);
    const locked = await accountOf("operator");
    expect(locked).toMatchObject({ failedLoginCount: 0, lockedUntil: null, failedPinCount: 0 });
    expect(locked.pinLockedUntil?.getTime()).toBeGreaterThan(Date.now());

    // The right PIN now gets exactly the answer of a wrong one, and changes nothing.
    const rightPin = await plant.auth("pin", { login: "E1005", pin: OPERATOR_PIN }, client);
    expect(rightPin.status).toBe(401);
    expect(rightPin.body).toEqual(wrong.body);
    expect(rightPin.body.accessToken).toBeUndefined();
    expect(await accountOf("operator")).toEqual(locked);

    const password = await plant.auth("login", { login: "operator", password: DEMO_PASSWORD }, client);
    expect(password.status).toBe(200);
    const pin = await plant.auth("pin", { login: "E1005", pin: OPERATOR_PIN }, client);
    expect(pin.status).toBe(200);
    expect(await accountOf("operator")).toMatchObject({ failedPinCount: 0, pinLockedUntil: null });
  });

  it("a forged X-Forwarded-For without the proxy secret is ignored: the failure counts on the socket's address", async () => {
    const forged = "192.0.2.99";
    const socket = "127.0.0.1";
    const sockets = await failuresCountedOn(socket);
    const forgeries: Record<string, string>[] = [
      { "x-forwarded-for": forged },
      { "x-forwarded-for": forged, "x-ms5-proxy-secret": "a-guess-at-the-proxy-secret-0123456789abcdef" },
    ];
    for (const headers of forgeries) {
      const answer = await plant.auth("login", { login: "viewer", password: "not-the-password" }, headers);
      expect(answer.status).toBe(401);
    }
    expect(await failuresCountedOn(forged)).toBe(0);
    expect(await failuresCountedOn(socket)).toBe(sockets + 2);

    // A session started with a forged header records the socket's address, not the forged one.
    const signedIn = await plant.auth(
      "login",
      { login: "viewer", password: DEMO_PASSWORD },
      { "x-forwarded-for": forged },
    );
    expect(signedIn.status).toBe(200);
    const session = await plant.prisma.refreshToken.findFirstOrThrow({
      where: { user: { username: "viewer" } },
      orderBy: { issuedAt: "desc" },
    });
    expect(session.ipAddress).not.toBe(forged);
    expect(session.ipAddress).toMatch(/127\.0\.0\.1/);
  });

  it("100 failures through the sign-in proxy from one client do not block another client's tablet", async () => {
    // Setup, not attack: twenty accounts to fail on, so the account locks never stop the flood.
    const passwordHash = await hashSecret("the-real-password-0", FAST_HASH);
    await plant.prisma.user.createMany({
      data: Array.from({ length: 20 }, (_, index) => ({
        username: `flood-${index}`,
        employeeId: `F${1000 + index}`,
        firstName: "Flood",
        lastName: String(index),
        roles: ["VIEWER" as const],
        passwordHash,
      })),
    });
    const operatorBefore = await accountOf("operator");
    const attacker = viaSignInProxy("198.51.100.7");
    const statuses = new Set<number>();
    for (let failure = 0; failure < 100; failure++) {
      const answer = await plant.auth(
        "login",
        { login: `flood-${failure % 20}`, password: `guess-${failure}` },
        attacker,
      );
      statuses.add(answer.status);
    }
    expect([...statuses]).toEqual([401]);
    const refused = await plant.auth("login", { login: "flood-0", password: "the-real-password-0" }, attacker);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", reason: "too-many-attempts" });

    // Another tablet behind the same web server signs in at once.
    const tablet = await plant.auth("pin", { login: "E1005", pin: OPERATOR_PIN }, viaSignInProxy("198.51.100.20"));
    expect(tablet.status).toBe(200);
    expect(await accountOf("operator")).toMatchObject({
      failedLoginCount: operatorBefore.failedLoginCount,
      lockedUntil: operatorBefore.lockedUntil,
    });
  }, 180_000);

  it("a locked account answers exactly as an unknown login, even to its right password: no enumeration", async () => {
    const passwordHash = await hashSecret("locked-real-password", FAST_HASH);
    await plant.prisma.user.create({
      data: {
        username: "locked-one",
        employeeId: "L1000",
        firstName: "Locked",
        lastName: "One",
        roles: ["OPERATOR"],
        passwordHash,
      },
    });
    const client = viaSignInProxy("203.0.113.3");
    for (let guess = 0; guess < 6; guess++) {
      await plant.auth("login", { login: "locked-one", password: `guess-${guess}` }, client);
    }
    const lockedRow = await accountOf("locked-one");
    expect(lockedRow.lockedUntil?.getTime()).toBeGreaterThan(Date.now());

    const strip = ({ status, headers, body }: AuthAnswer) => ({
      status,
      retryAfter: headers.get("retry-after"),
      body,
    });
    const unknown = strip(await plant.auth("login", { login: "nobody-here", password: "guess-7" }, client));
    const lockedWrong = strip(await plant.auth("login", { login: "locked-one", password: "guess-7" }, client));
    const lockedRight = strip(
      await plant.auth("login", { login: "locked-one", password: "locked-real-password" }, client),
    );
    expect(unknown).toMatchObject({ status: 401, retryAfter: null });
    expect(unknown.body.error).toMatchObject({ code: "UNAUTHENTICATED", reason: "invalid-credentials" });
    expect(lockedWrong).toEqual(unknown);
    expect(lockedRight).toEqual(unknown);
    expect(await accountOf("locked-one")).toEqual(lockedRow);
  }, 120_000);

  it("a PIN sign-in carries floor roles only: an administrator's PIN brings no ADMIN, neither at sign-in nor at refresh", async () => {
    // Setup: the administrator is given a PIN, as an admin who also works the floor might have.
    await plant.prisma.user.update({
      where: { username: "admin" },
      data: { pinHash: await hashSecret("5050", FAST_HASH), roles: ["ADMIN", "SHIFT_MANAGER"] },
    });
    const users = await plant.prisma.user.count();
    const audit = await plant.prisma.auditLog.count();
    const signedIn = await plant.auth("pin", { login: "admin", pin: "5050" }, viaSignInProxy("203.0.113.4"));
    expect(signedIn.status).toBe(200);
    const token = signedIn.body.accessToken!;
    expect(rolesInToken(token)).toEqual(["SHIFT_MANAGER"]);
    expect((signedIn.body.user as { roles: string[] }).roles).toEqual(["SHIFT_MANAGER"]);

    const create = await plant.graphql(
      `mutation { createUser(input: { employeeId: "X9001", username: "pin-made-admin", firstName: "A", lastName: "B", roles: [ADMIN] }) { __typename } }`,
      { token },
    );
    expect(codesOf(create)).toContain("FORBIDDEN");
    expect(create.body.data?.createUser ?? null).toBeNull();

    const refreshed = await plant.auth("refresh", { refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(rolesInToken(refreshed.body.accessToken!)).toEqual(["SHIFT_MANAGER"]);
    expect(await plant.prisma.user.count()).toBe(users);
    expect(await plant.prisma.auditLog.count()).toBe(audit);

    const shiftManager = await plant.auth(
      "pin",
      { login: "E1003", pin: SHIFT_MANAGER_PIN },
      viaSignInProxy("203.0.113.4"),
    );
    expect(rolesInToken(shiftManager.body.accessToken!)).toEqual(["SHIFT_MANAGER"]);
  });

  it("signChecklist is no PIN oracle: the 6th wrong PIN locks it, the right PIN is then refused and nothing is signed", async () => {
    const template = await plant.prisma.checklistTemplate.findFirstOrThrow({
      where: { active: true, equipmentId: { not: null } },
    });
    const token = await plant.tokenOf("technician");
    const started = await plant.graphql<{ startChecklist: { data: { id: string } } }>(
      `mutation($t: ID!, $e: ID!) { startChecklist(templateId: $t, equipmentId: $e) { ... on MutationStartChecklistSuccess { data { id } } } }`,
      { token, variables: { t: template.id, e: template.equipmentId } },
    );
    const completionId = started.body.data!.startChecklist.data.id;
    const completionBefore = await plant.prisma.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } });
    const accountBefore = await accountOf("technician");
    const sign = (secret: string) =>
      plant.graphql<{ signChecklist: Record<string, unknown> }>(
        `mutation($c: ID!, $s: String!) { signChecklist(completionId: $c, secret: $s) {
          __typename ... on ExpectedError { code } ... on SignatureLocked { secret retryAfterSeconds } } }`,
        { token, variables: { c: completionId, s: secret } },
      );
    const answers: unknown[] = [];
    for (let guess = 0; guess < 6; guess++) answers.push((await sign(`000${guess}`)).body.data?.signChecklist);
    expect(answers.slice(0, 5)).toEqual(Array(5).fill({ __typename: "SignatureRejected", code: "FORBIDDEN" }));
    expect(answers[5]).toMatchObject({ __typename: "SignatureLocked", code: "RATE_LIMITED", secret: "PIN" });
    const rightPin = await sign("2468");
    expect(rightPin.body.data?.signChecklist).toMatchObject({ __typename: "SignatureLocked" });

    expect(await plant.prisma.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } })).toEqual(
      completionBefore,
    );
    const accountAfter = await accountOf("technician");
    // Counted on the PIN only: the password and its counter are untouched.
    expect(accountAfter).toMatchObject({
      failedLoginCount: accountBefore.failedLoginCount,
      lockedUntil: accountBefore.lockedUntil,
      passwordHash: accountBefore.passwordHash,
    });
    expect(accountAfter.pinLockedUntil?.getTime()).toBeGreaterThan(Date.now());
  }, 120_000);
});
