// The auth endpoints when an administrator has reset a password or PIN: the temporary secret buys no
// tokens, only the right to choose a new one, which then signs the person in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hashSecret } from "@ms5/kit";
import { createLoginRateLimiter } from "@ms5/kit/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_PATHS, createAuthEndpoints } from "./auth-endpoints.ts";
import { type GatewayTestEnvironment, openGatewayTestEnvironment } from "./testing/gateway-test-environment.ts";

const FAST_HASH = { N: 1024, r: 8, p: 1, keyLength: 32 };

describe("choosing a new password or PIN after a reset", () => {
  let environment: GatewayTestEnvironment;
  let server: Server;
  let origin: string;

  async function postAuth(path: string, body: unknown) {
    const response = await fetch(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        accessToken?: string;
        mustChangePassword?: boolean;
        mustChangePin?: boolean;
        error?: { code: string; reason?: string; message: string };
      },
    };
  }

  async function resetUser(employeeId: string, secrets: { password: string; pin: string }) {
    return environment.db.prisma.user.create({
      data: {
        username: `reset-${employeeId.toLowerCase()}`,
        employeeId,
        firstName: "Lerato",
        lastName: "Molefe",
        roles: ["OPERATOR"],
        passwordHash: await hashSecret(secrets.password, FAST_HASH),
        pinHash: await hashSecret(secrets.pin, FAST_HASH),
        mustChangePassword: true,
        mustChangePin: true,
      },
    });
  }

  beforeAll(async () => {
    environment = await openGatewayTestEnvironment();
    const endpoints = createAuthEndpoints({
      prisma: environment.db.prisma,
      signingKeys: environment.keys,
      rateLimiter: createLoginRateLimiter({ redis: environment.redis, keyPrefix: `${environment.redisPrefix}auth:` }),
      logger: environment.logger,
      bodyLimitBytes: 16_384,
    });
    server = createServer((req, res) => {
      void endpoints.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await environment?.dispose();
  });

  it("refuses tokens for a reset password with 403 password-change-required, then signs in with the new one", async () => {
    await resetUser("E9101", { password: "Tmp-x7Kp2mQa9R", pin: "480213" });
    const refused = await postAuth(AUTH_PATHS.login, { login: "E9101", password: "Tmp-x7Kp2mQa9R" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "FORBIDDEN", reason: "password-change-required" });
    expect(refused.body.accessToken).toBeUndefined();

    const changed = await postAuth(AUTH_PATHS.changePassword, {
      login: "E9101",
      password: "Tmp-x7Kp2mQa9R",
      newPassword: "Packing shift B 2026",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ mustChangePassword: false, tokenType: "Bearer" });
    expect(changed.body.accessToken).toEqual(expect.any(String));

    const signedIn = await postAuth(AUTH_PATHS.login, { login: "E9101", password: "Packing shift B 2026" });
    expect(signedIn.status).toBe(200);
  });

  it("refuses tokens for a reset PIN on a tablet until a new PIN is chosen", async () => {
    await resetUser("E9102", { password: "Tmp-Hq4sT8wZ2n", pin: "730519" });
    const refused = await postAuth(AUTH_PATHS.pin, { login: "E9102", pin: "730519" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "FORBIDDEN", reason: "pin-change-required" });

    const weak = await postAuth(AUTH_PATHS.changePin, { login: "E9102", pin: "730519", newPin: "0000" });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: "BAD_USER_INPUT" });

    const changed = await postAuth(AUTH_PATHS.changePin, { login: "E9102", pin: "730519", newPin: "2749" });
    expect(changed.status).toBe(200);
    expect(changed.body.mustChangePin).toBe(false);
    expect((await postAuth(AUTH_PATHS.pin, { login: "E9102", pin: "2749" })).status).toBe(200);
  });

  it("refuses a change with the wrong current password as a failed sign-in, with 401", async () => {
    await resetUser("E9103", { password: "Tmp-Rr5uV3yB8c", pin: "615042" });
    const refused = await postAuth(AUTH_PATHS.changePassword, {
      login: "E9103",
      password: "not-the-temporary",
      newPassword: "Something long 99",
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: "UNAUTHENTICATED", reason: "invalid-credentials" });
    const row = await environment.db.prisma.user.findUniqueOrThrow({ where: { employeeId: "E9103" } });
    expect(row).toMatchObject({ mustChangePassword: true, failedLoginCount: 1 });
  });
});
