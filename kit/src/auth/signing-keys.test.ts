// Signing keys: loaded from AUTH_SIGNING_KEYS or generated for development, published as a JWKS,
// and fetched by other services from the gateway's JWKS URL.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config.ts";
import { issueAccessToken, verifyAccessToken } from "./access-tokens.ts";
import { refusal } from "./auth-test-fixtures.ts";
import {
  createSigningKeyRing,
  generateSigningKey,
  loadSigningKeys,
  loadVerificationKeys,
  type SigningKeyRing,
} from "./signing-keys.ts";

const subject = {
  kind: "user",
  userId: "5f0c3f4e-8a0e-4d43-9f43-0a4a4c1d2b11",
  name: "Priya Naidoo",
  roles: ["ADMIN"],
} as const;

function configProblem(error: unknown): string {
  expect(error).toBeInstanceOf(ConfigError);
  const { problems } = error as ConfigError;
  expect(problems.map((problem) => problem.variable)).toEqual(["AUTH_SIGNING_KEYS"]);
  return problems[0]!.message;
}

async function loadFailure(value: string): Promise<string> {
  return configProblem(
    await loadSigningKeys({ env: { NODE_ENV: "production", AUTH_SIGNING_KEYS: value } }).then(
      () => null,
      (error: unknown) => error,
    ),
  );
}

describe("signing keys", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it("load from AUTH_SIGNING_KEYS, sign with the first key and publish every key without private members", async () => {
    const newest = await generateSigningKey("EdDSA");
    const previous = await generateSigningKey("ES256");
    const ring = await loadSigningKeys({
      env: { NODE_ENV: "production", AUTH_SIGNING_KEYS: JSON.stringify([newest, previous]) },
    });
    expect(ring.ephemeral).toBe(false);
    expect(ring.current.kid).toBe(newest.kid);
    const jwks = ring.jwks();
    expect(jwks.keys.map((key) => [key.kid, key.alg, key.use])).toEqual([
      [newest.kid, "EdDSA", "sig"],
      [previous.kid, "ES256", "sig"],
    ]);
    const publicMembers = ["alg", "crv", "kid", "kty", "use", "x", "y"];
    for (const key of jwks.keys) expect(Object.keys(key).filter((name) => !publicMembers.includes(name))).toEqual([]);
    expect(JSON.stringify(jwks)).not.toContain(newest.d);
    expect(JSON.stringify(jwks)).not.toContain(previous.d);
  });

  it("take a key's kid from its thumbprint and its algorithm from its curve when the JWK names neither", async () => {
    const { kid, alg: _, ...bare } = await generateSigningKey("ES256");
    const ring = await createSigningKeyRing([bare]);
    expect(ring.current).toMatchObject({ kid, alg: "ES256" });
  });

  it("generate an ephemeral key outside production when none is configured, and say so", async () => {
    const warnings: string[] = [];
    const ring = await loadSigningKeys({
      env: { NODE_ENV: "test" },
      logger: { warn: (_context, message) => warnings.push(message) },
    });
    expect(ring.ephemeral).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/AUTH_SIGNING_KEYS is not set.*ephemeral key/);
    const { token } = await issueAccessToken(ring, subject);
    await expect(verifyAccessToken(ring, token)).resolves.toMatchObject(subject);
  });

  it("are required in production", async () => {
    const error = await loadSigningKeys({ env: { NODE_ENV: "production" } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(configProblem(error)).toMatch(/required in production/);
  });

  it("refuse a symmetric key, so nobody can configure HS256", async () => {
    expect(await loadFailure(JSON.stringify([{ kty: "oct", k: "c2VjcmV0", alg: "HS256", kid: "hs" }]))).toMatch(
      /symmetric/,
    );
  });

  it("refuse a public key where a private one is needed", async () => {
    const ring = await createSigningKeyRing([await generateSigningKey()]);
    expect(await loadFailure(JSON.stringify(ring.jwks().keys))).toMatch(/private JWK/);
  });

  it("refuse text that is not JSON, an RSA key and a kid listed twice", async () => {
    expect(await loadFailure("-----BEGIN PRIVATE KEY-----")).toMatch(/not JSON/);
    expect(await loadFailure(JSON.stringify([{ kty: "RSA", n: "x", e: "AQAB", d: "y" }]))).toMatch(/cannot sign/);
    const key = await generateSigningKey();
    expect(await loadFailure(JSON.stringify([key, key]))).toMatch(/listed twice/);
  });

  it("refuse a private key whose public part belongs to another key", async () => {
    const key = await generateSigningKey("EdDSA");
    const other = await generateSigningKey("EdDSA");
    expect(await loadFailure(JSON.stringify([{ ...key, x: other.x }]))).toMatch(/^key 1: /);
  });

  it("let another service verify tokens through the gateway's JWKS URL, and refuse unknown kids", async () => {
    const gatewayKeys: SigningKeyRing = await createSigningKeyRing([await generateSigningKey()]);
    const server = createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(gatewayKeys.jwks()));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    const subgraphKeys = await loadVerificationKeys({
      env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` },
    });
    const { token } = await issueAccessToken(gatewayKeys, subject);
    await expect(verifyAccessToken(subgraphKeys, token)).resolves.toMatchObject(subject);

    const strangerKeys = await createSigningKeyRing([await generateSigningKey()]);
    const { token: stranger } = await issueAccessToken(strangerKeys, subject);
    await refusal(verifyAccessToken(subgraphKeys, stranger), "UNAUTHENTICATED", "unknown-kid");
  });

  it("verifies the gateway's tokens with the public keys of AUTH_VERIFICATION_KEYS", async () => {
    const gatewayKeys = await createSigningKeyRing([await generateSigningKey(), await generateSigningKey("ES256")]);
    const subgraphKeys = await loadVerificationKeys({
      env: { AUTH_VERIFICATION_KEYS: JSON.stringify(gatewayKeys.jwks()) },
    });
    const { token } = await issueAccessToken(gatewayKeys, subject);
    await expect(verifyAccessToken(subgraphKeys, token)).resolves.toMatchObject(subject);
    const strangerKeys = await createSigningKeyRing([await generateSigningKey()]);
    const { token: stranger } = await issueAccessToken(strangerKeys, subject);
    await refusal(verifyAccessToken(subgraphKeys, stranger), "UNAUTHENTICATED", "unknown-kid");
  });

  it("refuses to give a service that only verifies the private signing keys", async () => {
    const privateKeys = JSON.stringify([await generateSigningKey()]);
    for (const env of [{ AUTH_SIGNING_KEYS: privateKeys }, { AUTH_VERIFICATION_KEYS: privateKeys }]) {
      const error = await loadVerificationKeys({ env }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]!.message).toMatch(/private/);
    }
  });

  it("must be configured for a service that only verifies", async () => {
    const error = await loadVerificationKeys({ env: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]!.variable).toBe("AUTH_JWKS_URL");
  });
});
