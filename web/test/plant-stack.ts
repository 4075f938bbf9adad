// The whole plant for browser tests and the web benchmark: a seeded database of its own, a private
// redis-server, one emulated Logix controller per PLC of the model (in this process, so the test can
// force faults), and the real bridge, production, andon and quality subgraphs, gateway and `next start` of the production
// build as child processes, exactly as `pnpm start` runs them.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createSigningKeyRing, generateSigningKey } from "@ms5/kit/auth";
import { freePort } from "@ms5/kit/testing";
import {
  emulatedPlantFromDatabase,
  type RunningLogixEmulator,
  startLogixEmulator,
  startSlcEmulator,
} from "@ms5/plc-bridge/emulator";

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, "../..");
export const WEB_ROOT = path.resolve(import.meta.dirname, "..");

export interface PlantStackOptions {
  databaseServerUrl: string;
  runId: string;
  templateDatabase: string;
  /** Child processes' stderr is shown when true (debugging). */
  verbose?: boolean;
}

export interface PlantStack {
  db: TestDatabase;
  /** The emulated controllers by tag prefix of their equipment ("Program:Bagger1" -> its PLC). */
  emulatorOf(tagPrefix: string): RunningLogixEmulator;
  gatewayUrl: string;
  webUrl: string;
  /** The subgraphs started, by name. */
  subgraphs: string[];
  close(): Promise<void>;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

function supergraphHas(subgraph: string): boolean {
  const supergraph = readFileSync(path.join(REPOSITORY_ROOT, "schema/supergraph.graphql"), "utf8");
  return supergraph.includes(`@join__graph(name: "${subgraph}"`);
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url);
  return response.status < 500;
}

export async function startPlantStack(options: PlantStackOptions): Promise<PlantStack> {
  const children: ChildProcess[] = [];
  const emulators: { stop(): Promise<void> }[] = [];
  const tempDir = mkdtempSync(path.join(tmpdir(), "ms5-web-stack-"));
  const db = await createTestDatabase({
    serverUrl: options.databaseServerUrl,
    runId: options.runId,
    templateDatabase: options.templateDatabase,
  });

  const spawnChild = (
    name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    cwd = REPOSITORY_ROOT,
  ) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "ignore", options.verbose ? "inherit" : "ignore"],
      detached: true,
    });
    child.once("exit", (code, signal) => {
      if (options.verbose) process.stderr.write(`[stack] ${name} exited (${code ?? signal})\n`);
    });
    children.push(child);
    return child;
  };

  const close = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {}
      }
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              try {
                if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
              } catch {}
              resolve();
            }, 5000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    await db.drop();
    rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    await seedPlant(db.prisma, { fastHashing: true, now: new Date() });

    // A redis-server of its own: the plant's stream keys and consumer groups are fixed names that a
    // `pnpm start` on the same machine would share.
    const redisPort = await freePort();
    const redis = spawnChild(
      "redis",
      "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tempDir],
      {},
    );
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    await waitFor(
      "redis-server",
      () =>
        new Promise((resolve) => {
          const probe = spawn("redis-cli", ["-p", String(redisPort), "ping"], { stdio: ["ignore", "pipe", "ignore"] });
          let out = "";
          probe.stdout.on("data", (chunk) => (out += chunk));
          probe.once("exit", () => resolve(out.includes("PONG")));
        }),
      10_000,
      redis,
    );

    // Emulators on free ports, of each PLC's family (Basket Loader 1's is an SLC 5/05); the model's PLC
    // rows point at them so the bridge reads these.
    const emulatorByPrefix = new Map<string, RunningLogixEmulator>();
    for (const plc of await emulatedPlantFromDatabase(db.prisma)) {
      const options = {
        port: 0,
        seed: plc.seed,
        // Scripted: runs at target speed and counts exactly; only the test stops it.
        equipment: plc.equipment.map((equipment) => ({ ...equipment, autonomous: false })),
      };
      let port: number;
      if (plc.driver === "SLC_PCCC") {
        const emulator = await startSlcEmulator(options);
        emulators.push(emulator);
        port = emulator.port;
      } else {
        const emulator = await startLogixEmulator(options);
        emulators.push(emulator);
        for (const equipment of plc.equipment) emulatorByPrefix.set(equipment.tagPrefix, emulator);
        port = emulator.port;
      }
      await db.prisma.plc.update({ where: { name: plc.name }, data: { port, host: "127.0.0.1" } });
    }

    // Each process gets only the secrets it uses, as `pnpm start` hands them out: the private
    // signing key to the gateway alone, its public half to the subgraphs, nothing to the bridge.
    const signingKeys = [await generateSigningKey()];
    const gatewaySecret = randomBytes(48).toString("base64url");
    const subgraphSecrets = {
      SUBGRAPH_GATEWAY_SECRET: gatewaySecret,
      AUTH_VERIFICATION_KEYS: JSON.stringify((await createSigningKeyRing(signingKeys)).jwks()),
    };
    const gatewaySecrets = { SUBGRAPH_GATEWAY_SECRET: gatewaySecret, AUTH_SIGNING_KEYS: JSON.stringify(signingKeys) };
    const common = { DATABASE_URL: db.url, REDIS_URL: redisUrl, DATABASE_POOL_MAX: "4" };

    const bridgeOps = await freePort();
    spawnChild("plc-bridge", process.execPath, ["--import", "tsx", "plc-bridge/src/server.ts"], {
      ...common,
      BRIDGE_OPS_PORT: String(bridgeOps),
      BRIDGE_BUFFER_DIR: path.join(tempDir, "bridge-buffer"),
    });

    const productionPort = await freePort();
    // Every port before the first subgraph starts: the production subgraph's system overview asks
    // each service's /health, as SERVICE_HEALTH_URLS tells it.
    const andonPort = await freePort();
    const reportingPort = await freePort();
    const qualityPort = await freePort();
    const gatewayPort = await freePort();
    const withAndon = supergraphHas("andon");
    const withReporting = supergraphHas("reporting");
    const withQuality = supergraphHas("quality");
    const health = (name: string, port: number) => `${name}=http://127.0.0.1:${port}/health`;
    const serviceHealthUrls = [
      health("gateway", gatewayPort),
      health("production-subgraph", productionPort),
      ...(withAndon ? [health("andon-subgraph", andonPort)] : []),
      ...(withQuality ? [health("quality-subgraph", qualityPort)] : []),
      ...(withReporting ? [health("reporting-subgraph", reportingPort)] : []),
      health("plc-bridge", bridgeOps),
    ].join(",");
    const production = spawnChild(
      "production",
      process.execPath,
      ["--import", "tsx", "subgraphs/production/src/server.ts"],
      {
        ...common,
        ...subgraphSecrets,
        // Production mode: no SDL file rewritten in the working tree, internal errors hidden.
        NODE_ENV: "production",
        PRODUCTION_SUBGRAPH_PORT: String(productionPort),
        // The production subgraph's alone, as `pnpm start` hands it out.
        CHECKLIST_SIGNING_KEYS: `web-test:${randomBytes(32).toString("base64url")}`,
        SERVICE_HEALTH_URLS: serviceHealthUrls,
      },
    );
    await waitFor(
      "production subgraph",
      () => answers(`http://127.0.0.1:${productionPort}/health`),
      60_000,
      production,
    );

    // The andon subgraph is in the supergraph once composed (`pnpm compose`); started when it exists.
    const andonUrl = `http://127.0.0.1:${andonPort}`;
    if (withAndon) {
      const andon = spawnChild("andon", process.execPath, ["--import", "tsx", "subgraphs/andon/src/server.ts"], {
        ...common,
        ...subgraphSecrets,
        NODE_ENV: "production",
        ANDON_SUBGRAPH_PORT: String(andonPort),
        ANDON_PHOTO_DIR: path.join(tempDir, "andon-photos"),
      });
      await waitFor("andon subgraph", () => answers(`${andonUrl}/health`), 60_000, andon);
    }

    // The reporting subgraph likewise (rollup, runner and scheduler on; reports written under tempDir).
    const reportingUrl = `http://127.0.0.1:${reportingPort}`;
    if (withReporting) {
      const reporting = spawnChild(
        "reporting",
        process.execPath,
        ["--import", "tsx", "subgraphs/reporting/src/server.ts"],
        {
          ...common,
          ...subgraphSecrets,
          NODE_ENV: "production",
          REPORTING_SUBGRAPH_PORT: String(reportingPort),
          REPORT_DIR: path.join(tempDir, "reports"),
        },
      );
      await waitFor("reporting subgraph", () => answers(`${reportingUrl}/health`), 60_000, reporting);
    }

    // The quality subgraph (inspections, live SPC from the check weigher's stream, holds, scrap).
    const qualityUrl = `http://127.0.0.1:${qualityPort}`;
    if (withQuality) {
      const quality = spawnChild("quality", process.execPath, ["--import", "tsx", "subgraphs/quality/src/server.ts"], {
        ...common,
        ...subgraphSecrets,
        NODE_ENV: "production",
        QUALITY_SUBGRAPH_PORT: String(qualityPort),
        // The quality subgraph's alone (release-check signatures), as `pnpm start` hands it out.
        QUALITY_SIGNING_KEYS: `web-test:${randomBytes(32).toString("base64url")}`,
      });
      await waitFor("quality subgraph", () => answers(`${qualityUrl}/health`), 60_000, quality);
    }

    const gateway = spawnChild("gateway", process.execPath, ["--import", "tsx", "gateway/src/server.ts"], {
      ...common,
      ...gatewaySecrets,
      NODE_ENV: "production",
      GATEWAY_PORT: String(gatewayPort),
      // Users' sessions may run only the app's persisted documents: the app must work this way.
      GATEWAY_TRUSTED_DOCUMENTS: "enforce",
      GATEWAY_TRUSTED_DOCUMENTS_PATH: path.join(WEB_ROOT, "lib/graphql/generated/persisted-documents.json"),
      PRODUCTION_SUBGRAPH_URL: `http://127.0.0.1:${productionPort}/graphql`,
      ...(withAndon ? { ANDON_SUBGRAPH_URL: `${andonUrl}/graphql` } : {}),
      ...(withReporting ? { REPORTING_SUBGRAPH_URL: `${reportingUrl}/graphql` } : {}),
      ...(withQuality ? { QUALITY_SUBGRAPH_URL: `${qualityUrl}/graphql` } : {}),
    });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitFor("gateway", () => answers(`${gatewayUrl}/health`), 60_000, gateway);

    const webPort = await freePort();
    const web = spawnChild(
      "web",
      process.execPath,
      [
        path.join(WEB_ROOT, "node_modules/next/dist/bin/next"),
        "start",
        "--port",
        String(webPort),
        "--hostname",
        "127.0.0.1",
      ],
      { GATEWAY_URL: gatewayUrl, NODE_ENV: "production" },
      WEB_ROOT,
    );
    const webUrl = `http://127.0.0.1:${webPort}`;
    await waitFor("next start", () => answers(`${webUrl}/sign-in`), 60_000, web);

    return {
      db,
      subgraphs: [
        "production",
        ...(withAndon ? ["andon"] : []),
        ...(withReporting ? ["reporting"] : []),
        ...(withQuality ? ["quality"] : []),
      ],
      gatewayUrl,
      webUrl,
      emulatorOf(tagPrefix) {
        const emulator = emulatorByPrefix.get(tagPrefix);
        if (!emulator) throw new Error(`no emulated controller has equipment "${tagPrefix}"`);
        return emulator;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `next build` of the app, the way CI and a clean clone get the production build the tests load. */
export async function buildWebApp(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(WEB_ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: WEB_ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}
