// Attacks by a process that was taken over: what it finds in its own environment, and whether a
// subgraph can be made to hold the keys that mint tokens.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSigningKey } from "@ms5/kit/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalSecrets, localSecrets, serviceEnvironment } from "../../scripts/start/local-secrets.ts";
import { floorServices, repoRoot } from "../../scripts/start/services.ts";

describe("attacks from inside a compromised service process", () => {
  let dataDir: string;
  let secrets: LocalSecrets;
  /** A developer's shell that exports the real secrets: they must not reach every child either. */
  let shell: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hostile-secrets-"));
    secrets = await localSecrets(dataDir, {});
    shell = { PATH: process.env.PATH, ...secrets, SUBGRAPH_GATEWAY_PREVIOUS_SECRET: "p".repeat(40) };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const environmentOf = (name: string) => {
    const definition = floorServices.find((service) => service.name === name);
    if (!definition) throw new Error(`pnpm start has no service ${name}`);
    return serviceEnvironment(shell, secrets, definition.secrets ?? [], definition.env ?? {}, {});
  };

  it("finds no signing key and no gateway secret in the bridge's, the emulators' or the web app's environment", () => {
    for (const name of ["plc-bridge", "plc-emulators", "web"]) {
      const environment = environmentOf(name);
      const leaked = Object.values(environment).filter((value) =>
        [secrets.AUTH_SIGNING_KEYS, secrets.SUBGRAPH_GATEWAY_SECRET, secrets.AUTH_VERIFICATION_KEYS].includes(value),
      );
      expect({ name, leaked }).toEqual({ name, leaked: [] });
      expect(environment.SUBGRAPH_GATEWAY_PREVIOUS_SECRET).toBeUndefined();
    }
  });

  it("finds only the public keys in a subgraph's environment, never the private ones", () => {
    for (const name of ["production-subgraph", "andon-subgraph"]) {
      const environment = environmentOf(name);
      expect(environment.AUTH_SIGNING_KEYS).toBeUndefined();
      expect(environment.AUTH_VERIFICATION_KEYS).toBe(secrets.AUTH_VERIFICATION_KEYS);
      expect(environment.AUTH_VERIFICATION_KEYS).not.toMatch(/"d"\s*:/);
      expect(environment.SUBGRAPH_GATEWAY_SECRET).toBe(secrets.SUBGRAPH_GATEWAY_SECRET);
    }
    expect(environmentOf("gateway").AUTH_SIGNING_KEYS).toBe(secrets.AUTH_SIGNING_KEYS);
  });

  it("finds the checklist signing key in the production subgraph's environment only, the release-check signing key in the quality subgraph's only, and the owner's database URL and login password in none", () => {
    const owner = { ...shell, MIGRATION_DATABASE_URL: "postgresql://owner:owner-password@127.0.0.1:5432/ms5" };
    for (const definition of floorServices) {
      const environment = serviceEnvironment(owner, secrets, definition.secrets ?? [], definition.env ?? {}, {});
      const name = definition.name;
      expect({ name, key: environment.CHECKLIST_SIGNING_KEYS }).toEqual({
        name,
        key: name === "production-subgraph" ? secrets.CHECKLIST_SIGNING_KEYS : undefined,
      });
      expect({ name, key: environment.QUALITY_SIGNING_KEYS }).toEqual({
        name,
        key: name === "quality-subgraph" ? secrets.QUALITY_SIGNING_KEYS : undefined,
      });
      expect({ name, owner: environment.MIGRATION_DATABASE_URL }).toEqual({ name, owner: undefined });
      expect(Object.values(environment)).not.toContain(secrets.DATABASE_SERVICE_PASSWORD);
    }
  });

  it("cannot make a subgraph start with the private signing keys: it refuses and names the variable", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/andon/src/server.ts"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        SUBGRAPH_GATEWAY_SECRET: "s".repeat(48),
        AUTH_SIGNING_KEYS: JSON.stringify([await generateSigningKey()]),
        ANDON_SUBGRAPH_PORT: "0",
        DATABASE_URL: "postgresql://postgres@127.0.0.1:1/never",
        REDIS_URL: "redis://127.0.0.1:1",
        LOG_LEVEL: "fatal",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    // A subgraph that does start (the attack succeeding) must not outlive the test.
    const killer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(killer);
    expect(code).not.toBe(0);
    expect(output).toMatch(/AUTH_SIGNING_KEYS/);
    expect(output).toMatch(/only the gateway/);
  }, 60_000);
});
