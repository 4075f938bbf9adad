// `pnpm start` as the README runs it (the process `pnpm start` runs: tsx scripts/start.ts), on its
// embedded PostgreSQL (forced, though this machine's answers on 5432) and on a PostgreSQL server it is
// given, each with a redis-server of its own, on ports and a data folder of its own so a developer's
// running plant and other tests are untouched; and on a machine without redis-server.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { databaseUrlOn, testDatabasePrefix } from "@ms5/db/test-database";
import { freePort, freePortRange } from "@ms5/kit/testing";
import { createClient as createGraphqlWsClient } from "graphql-ws";
import pg from "pg";
import { createClient as createRedisClient } from "redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, "..");
/** initdb, migrations, the seed's password hashing and six services' start on a busy 2-core machine. */
const PLANT_UP_TIMEOUT_MS = 300_000;
/** The promise: no error-level log line in the plant's first minute. */
const QUIET_MINUTE_MS = 60_000;
const DEMO_PASSWORD = "floor-demo-2026";
const README_LINES_QUERY =
  "{ lines(first: 5) { edges { node { name liveState { state since } equipment { code liveState { state speedPerMinute } } } } } }";

interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks: string;
  command: string;
}

function procStat(pid: number): { state: string; ppid: number; startTicks: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, ppid: Number(fields[1]), startTicks: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Every living process under `rootPid` (children, grandchildren, ...), the root included. */
function processTree(rootPid: number): ProcessIdentity[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree: ProcessIdentity[] = [];
  const visit = (pid: number) => {
    const stat = procStat(pid);
    if (!stat || stat.state === "Z") return;
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    tree.push({ pid, startTicks: stat.startTicks, command });
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return tree;
}

/** The very process (same pid and start time) still runs, and is no zombie. */
function stillRunning(identity: ProcessIdentity): boolean {
  const stat = procStat(identity.pid);
  return stat !== undefined && stat.state !== "Z" && stat.startTicks === identity.startTicks;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The environment a developer's shell would give `pnpm start`: none of the test runner's own. */
function developerEnvironment(overrides: Record<string, string>): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    ([name, value]) =>
      value !== undefined &&
      !name.startsWith("VITEST") &&
      !["NODE_ENV", "DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL"].includes(name),
  ) as [string, string][];
  return { ...Object.fromEntries(inherited), ...overrides };
}

/** A `pnpm start` process: every output line, the processes it ran, and its exit. */
class StartRun {
  readonly lines: { at: number; text: string }[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process seen under it while it ran, by pid. */
  readonly seen = new Map<number, ProcessIdentity>();
  readonly #watch: NodeJS.Timeout;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], {
      cwd: REPOSITORY_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on("line", (text) => this.lines.push({ at: Date.now(), text }));
    }
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    this.#watch = setInterval(() => this.recordProcesses(), 250);
    void this.exited.then(() => clearInterval(this.#watch));
  }

  recordProcesses(): void {
    if (this.child.pid === undefined) return;
    for (const identity of processTree(this.child.pid)) this.seen.set(identity.pid, identity);
  }

  output(): string {
    return this.lines.map((line) => line.text).join("\n");
  }

  /** Resolves once a line matches; fails at once if the process exits first. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<{ at: number; text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((candidate) => pattern.test(candidate.text));
      if (line) return line;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`pnpm start exited before printing ${pattern}:\n${this.output().slice(-4000)}`);
      }
      if (Date.now() > deadline)
        throw new Error(`no line ${pattern} within ${timeoutMs} ms:\n${this.output().slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** For a failed test: ends whatever still runs, the services' own process groups included. */
  async kill(): Promise<void> {
    this.recordProcesses();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGINT");
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    }
    for (const identity of this.seen.values()) {
      if (stillRunning(identity)) process.kill(identity.pid, "SIGKILL");
    }
  }
}

/** Polls `probe` until it returns a value, or fails with the last reason after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastFailure: unknown = "no answer yet";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastFailure = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms: ${String(lastFailure)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface GraphqlResponse<Data> {
  data?: Data;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface DatabaseSetup {
  /** Variables that point `pnpm start` at it. */
  env(ports: Record<string, number>): Record<string, string>;
  expectedUrl(ports: Record<string, number>): string;
  /** What the summary says of where it came from. */
  origin: RegExp;
  embedded: boolean;
  /** Removes what the run left on a server that is not its own. */
  cleanUp?(): Promise<void>;
}

const testRun = inject("testRun");
// On the run's server, under the run's prefix: dropped at the end of the run even if this file dies.
const givenDatabase = `${testDatabasePrefix(testRun.runId)}start_${randomBytes(4).toString("hex")}`;

const databases: [string, DatabaseSetup][] = [
  [
    "its embedded PostgreSQL",
    {
      env: (ports) => ({ EMBEDDED_PG_FORCE: "true", EMBEDDED_PG_PORT: String(ports.EMBEDDED_PG_PORT) }),
      expectedUrl: (ports) => `postgresql://postgres@127.0.0.1:${ports.EMBEDDED_PG_PORT}/ms5_floor`,
      origin: /\(embedded PostgreSQL, pid \d+, data in .*\/postgres, log .*postgres\.log\)/,
      embedded: true,
    },
  ],
  [
    "a PostgreSQL server given in DATABASE_URL",
    {
      env: () => ({ DATABASE_URL: databaseUrlOn(testRun.databaseServerUrl, givenDatabase) }),
      expectedUrl: () => databaseUrlOn(testRun.databaseServerUrl, givenDatabase),
      origin: /\(from DATABASE_URL\)/,
      embedded: false,
      async cleanUp() {
        const client = new pg.Client({ connectionString: testRun.databaseServerUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS "${givenDatabase}" WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    },
  ],
];

describe.each(databases)("pnpm start on %s, without the web app", (_name, database) => {
  let dataRoot: string;
  let run: StartRun;
  let upAt: number;
  let gatewayUrl: string;
  let redisUrl: string;
  let accessToken: string;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    const tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-start-"));
    // The embedded PostgreSQL runs as the postgres system user when we are root: it must reach its folder.
    await fs.chmod(tempRoot, 0o755);
    dataRoot = path.join(tempRoot, "data");
    const plcPortBase = await freePortRange(3);
    Object.assign(ports, {
      ...(database.embedded ? { EMBEDDED_PG_PORT: await freePort() } : {}),
      EMBEDDED_REDIS_PORT: await freePort(),
      PRODUCTION_SUBGRAPH_PORT: await freePort(),
      QUALITY_SUBGRAPH_PORT: await freePort(),
      ANDON_SUBGRAPH_PORT: await freePort(),
      REPORTING_SUBGRAPH_PORT: await freePort(),
      GATEWAY_PORT: await freePort(),
      BRIDGE_OPS_PORT: await freePort(),
      DEMO_PLC_PORT_BASE: plcPortBase,
      "DEMO_PLC_PORT_BASE+1": plcPortBase + 1,
      "DEMO_PLC_PORT_BASE+2": plcPortBase + 2,
    });
    gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
    redisUrl = `redis://127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`;
    run = new StartRun(
      ["--no-web"],
      developerEnvironment({
        ...database.env(ports),
        EMBEDDED_REDIS_FORCE: "true",
        EMBEDDED_REDIS_PORT: String(ports.EMBEDDED_REDIS_PORT),
        START_DATA_DIR: dataRoot,
        PRODUCTION_SUBGRAPH_PORT: String(ports.PRODUCTION_SUBGRAPH_PORT),
        QUALITY_SUBGRAPH_PORT: String(ports.QUALITY_SUBGRAPH_PORT),
        ANDON_SUBGRAPH_PORT: String(ports.ANDON_SUBGRAPH_PORT),
        REPORTING_SUBGRAPH_PORT: String(ports.REPORTING_SUBGRAPH_PORT),
        GATEWAY_PORT: String(ports.GATEWAY_PORT),
        BRIDGE_OPS_PORT: String(ports.BRIDGE_OPS_PORT),
        DEMO_PLC_PORT_BASE: String(ports.DEMO_PLC_PORT_BASE),
      }),
    );
    await run.waitForLine(/^MS5\.0 Floor is up\.$/, PLANT_UP_TIMEOUT_MS);
    // Up for a user: the services are spawned at the line above, and answer once the gateway does.
    await eventually(
      "the gateway answering /health",
      async () => ((await fetch(`${gatewayUrl}/health`)).ok ? true : undefined),
      PLANT_UP_TIMEOUT_MS,
    );
    upAt = Date.now();
    run.recordProcesses();
  }, PLANT_UP_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await run?.kill();
    if (dataRoot) await fs.rm(path.dirname(dataRoot), { recursive: true, force: true });
    await database.cleanUp?.();
  }, 60_000);

  it("uses that database and a redis-server of its own, keeping its data in START_DATA_DIR", async () => {
    // The owner migrates and seeds; the services connect with the data-only login start made.
    const owner = run.lines.find((line) => line.text.startsWith("  MIGRATION_DATABASE_URL="))?.text;
    expect(owner).toContain(`MIGRATION_DATABASE_URL=${database.expectedUrl(ports)}   `);
    expect(owner).toMatch(database.origin);
    const services = run.lines.find((line) => line.text.startsWith("  DATABASE_URL="))?.text;
    expect(services).toMatch(
      /^ {2}DATABASE_URL=postgresql:\/\/ms5_floor_service:\*\*\*@.+ {3}\(services: data rights only\)$/,
    );
    const output = run.output();
    expect(output).toContain(`REDIS_URL=${redisUrl}   (spawned redis-server, data in ${path.join(dataRoot, "redis")})`);
    expect(output).toContain(
      "services: plc-emulators, plc-bridge, production-subgraph, quality-subgraph, andon-subgraph, reporting-subgraph, gateway",
    );
    if (database.embedded) {
      expect(await fs.readFile(path.join(dataRoot, "postgres", "PG_VERSION"), "utf8")).toBe("17\n");
    } else {
      await expect(fs.access(path.join(dataRoot, "postgres"))).rejects.toThrow();
    }
  });

  it("signs in the demo operator, whose README lines query shows every line RUNNING live", async () => {
    const login = await fetch(`${gatewayUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "operator", password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    accessToken = ((await login.json()) as { accessToken: string }).accessToken;
    expect(accessToken).toEqual(expect.any(String));

    type Lines = {
      lines: { edges: { node: { name: string; liveState: { state: string; since: string } | null } }[] };
    };
    const lines = await eventually(
      "every line RUNNING",
      async () => {
        const response = await fetch(`${gatewayUrl}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
          body: JSON.stringify({ query: README_LINES_QUERY }),
        });
        const body = (await response.json()) as GraphqlResponse<Lines>;
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        const nodes = body.data!.lines.edges.map((edge) => edge.node);
        return nodes.every((line) => line.liveState?.state === "RUNNING") ? nodes : undefined;
      },
      120_000,
    );
    expect(lines.map((line) => line.name).sort()).toEqual(["Bagging Line 1", "Bagging Line 2", "Loading Line 1"]);
  }, 150_000);

  it("delivers an andon the operator raises to a graphql-ws subscription through the gateway", async () => {
    const graphql = async <Data>(query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(`${gatewayUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlResponse<Data>;
    };
    const { data: plant } = await graphql<{ lines: { edges: { node: { id: string; name: string } }[] } }>(
      "{ lines(first: 5) { edges { node { id name } } } }",
    );
    const line = plant!.lines.edges.map((edge) => edge.node).find((node) => node.name === "Bagging Line 1")!;

    type Raised = { id: string; type: string; priority: string; status: string; note: string; line: { name: string } };
    const heard: Raised[] = [];
    const subscriptionErrors: unknown[] = [];
    const client = createGraphqlWsClient({
      url: `${gatewayUrl.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${accessToken}` },
    });
    const redis = createRedisClient({ url: redisUrl });
    redis.on("error", () => undefined);
    await redis.connect();
    try {
      const unsubscribe = client.subscribe<{ andonRaised: Raised }>(
        { query: "subscription { andonRaised { id type priority status note line { name } } }" },
        {
          next: ({ data, errors }) => {
            if (errors) subscriptionErrors.push(errors);
            if (data?.andonRaised) heard.push(data.andonRaised);
          },
          error: (error) => subscriptionErrors.push(error),
          complete: () => undefined,
        },
      );
      // graphql-ws acknowledges no subscribe: the andon subgraph listening on the plant's andon
      // channel (its Redis subscription follows its listeners) is the sign it reached the end.
      await eventually(
        "the andon subgraph listening for the subscription",
        async () => ((await redis.pubSubNumSub("ms5:andon:events"))["ms5:andon:events"]! > 0 ? true : undefined),
        30_000,
      );

      type RaiseResult = { raiseAndon: { __typename: string; data?: Raised; code?: string; message?: string } };
      const { data, errors } = await graphql<RaiseResult>(
        `mutation Raise($input: RaiseAndonInput!) {
          raiseAndon(input: $input) {
            __typename
            ... on MutationRaiseAndonSuccess { data { id type priority status note line { name } } }
            ... on ExpectedError { code message }
          }
        }`,
        { input: { lineId: line.id, type: "MATERIAL", priority: "HIGH", note: "Out of 25 kg bags at the bagger" } },
      );
      expect(errors).toBeUndefined();
      expect(data!.raiseAndon.__typename).toBe("MutationRaiseAndonSuccess");
      const raised = data!.raiseAndon.data!;

      const delivered = await eventually(
        "the raised andon through the subscription",
        async () => heard.find((event) => event.id === raised.id),
        30_000,
      );
      expect(delivered).toEqual({
        id: raised.id,
        type: "MATERIAL",
        priority: "HIGH",
        status: "OPEN",
        note: "Out of 25 kg bags at the bagger",
        line: { name: "Bagging Line 1" },
      });
      expect(subscriptionErrors).toEqual([]);
      unsubscribe();
    } finally {
      await client.dispose();
      redis.destroy();
    }
  }, 90_000);

  it(
    "logs no error-level line from its start to a minute after it is up, and no service exits",
    async () => {
      // The plant's first minute: the alert evaluator's 5 s rounds, the bridge's polls and the
      // consumers' commits all run many times in it. Waited out here only for what the tests before
      // did not already spend.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, upAt + QUIET_MINUTE_MS - Date.now())));
      const window = run.lines.filter((line) => line.at <= upAt + QUIET_MINUTE_MS);
      const errorLines = window
        .map((line) => line.text)
        // pino's error (50) and fatal (60); matched as text, as one process's long line may be cut
        // by another's write into the shared pipe.
        .filter((text) => /"level":[56]\d\b/.test(text));
      expect(errorLines).toEqual([]);
      const serviceEnds = window
        .map((line) => line.text)
        .filter((text) => /^\[start\] .*(exited|ended by|restarting|failed)/.test(text));
      expect(serviceEnds).toEqual([]);
      expect(run.child.exitCode).toBeNull();
    },
    QUIET_MINUTE_MS + 30_000,
  );

  it("stops everything on Ctrl-C: exits 0, leaves no process it started running and every port free", async () => {
    run.recordProcesses();
    const started = [...run.seen.values()];
    // What it must have run: the embedded PostgreSQL (when it is the one), a redis-server and the services.
    expect(started.some((process) => process.command.includes("postgres -D"))).toBe(database.embedded);
    expect(started.some((process) => process.command.startsWith("redis-server"))).toBe(true);
    for (const entry of ["plc-bridge/emulator/server.ts", "plc-bridge/src/server.ts", "gateway/src/server.ts"]) {
      expect(started.some((process) => process.command.includes(entry))).toBe(true);
    }

    run.child.kill("SIGINT");
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines.at(-1)?.text).toBe("[start] stopped");

    const leftRunning = started.filter(stillRunning).map((process) => `${process.pid} ${process.command}`);
    expect(leftRunning).toEqual([]);
    const portsInUse: string[] = [];
    for (const [name, port] of Object.entries(ports)) if (!(await portIsFree(port))) portsInUse.push(`${name} ${port}`);
    expect(portsInUse).toEqual([]);
    if (database.embedded) {
      // The server stopped cleanly: the next start needs no crash recovery.
      const serverLog = await fs.readFile(path.join(dataRoot, "postgres.log"), "utf8");
      expect(serverLog).toMatch(/database system is shut down\s*$/);
    }
  }, 60_000);
});

describe("pnpm start on a machine without redis-server", () => {
  it("says exactly what to install and stops with status 1, starting nothing", async () => {
    const tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-start-no-redis-"));
    try {
      const emptyBin = path.join(tempRoot, "bin");
      await fs.mkdir(emptyBin);
      const dataRoot = path.join(tempRoot, "data");
      const run = new StartRun(
        ["--no-web"],
        developerEnvironment({
          // The probe of 127.0.0.1:6379 skipped (this machine's Redis answers there), no redis-server on PATH.
          EMBEDDED_REDIS_FORCE: "true",
          PATH: emptyBin,
          EMBEDDED_PG_FORCE: "true",
          EMBEDDED_PG_PORT: String(await freePort()),
          START_DATA_DIR: dataRoot,
        }),
      );
      try {
        expect(await run.exited).toEqual({ code: 1, signal: null });
      } finally {
        await run.kill();
      }
      expect(run.lines.map((line) => line.text)).toEqual([
        "[start] EMBEDDED_REDIS_FORCE asks for a redis-server of its own and redis-server is not on PATH. Install it " +
          "(Debian/Ubuntu: `sudo apt-get install redis-server`) or set REDIS_URL to a running Redis.",
        "[start] stopped",
      ]);
      expect([...run.seen.values()].filter(stillRunning)).toEqual([]);
      // Stopped before the database: nothing was initialised for nothing.
      await expect(fs.access(path.join(dataRoot, "postgres"))).rejects.toThrow();
    } finally {
      await fs.rm(tempRoot, { recursive: true, force: true });
    }
  }, 60_000);
});
