// `pnpm bench:gateway:compare <other checkout>`: the HTTP part of `pnpm bench:gateway` for this
// checkout and another one (an older commit in a worktree) at the same time, each with its own bench
// server on its own database, taking turns in short slices so a change in the shared machine's load
// falls on both alike. Prints each case's figures per checkout and this checkout's over the other's.
// A diagnostic for "did this change cost the benchmark?", not a benchmark of its own: it writes no
// bench/results file.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { type LoadSlice, load, summarise } from "./http-load.ts";

const other = process.argv[2];
if (!other) {
  console.error("usage: pnpm bench:gateway:compare <path of another checkout, installed>");
  process.exit(2);
}
const SETTINGS = { connections: 50, warmupSeconds: 3, sliceSeconds: 1, rounds: Number(process.env.ROUNDS ?? 12) };
const SINGLE = JSON.stringify({ query: "{ lines { id code name } }" });
const CROSS = JSON.stringify({ query: "{ lines { id name openAndonCount } }" });
const ALL_CASES = ["direct", "single", "cross"] as const;
type Case = (typeof ALL_CASES)[number];
/** COMPARE_CASES=direct (comma-separated) measures only those cases, e.g. to profile one path. */
const CASES = ALL_CASES.filter((kind) => (process.env.COMPARE_CASES ?? ALL_CASES.join(",")).split(",").includes(kind));

interface Checkout {
  label: string;
  root: string;
  database: string;
  server?: ChildProcess;
  headers?: Record<Case, () => Record<string, string>>;
  urls?: Record<Case, string>;
  slices: Record<Case, LoadSlice[]>;
}

type Signer = (request: { secret: string; body: string; authorization?: string }) => Record<string, string>;

async function startServer(checkout: Checkout, databaseUrl: string): Promise<void> {
  const server = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      // BENCH_PROFILE_DIR: a CPU profile of each bench server (told apart by the pid in its name).
      ...(process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
      path.join(checkout.root, "bench", "gateway", "bench-gateway-server.ts"),
      databaseUrl,
      process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ],
    { cwd: checkout.root, stdio: ["ignore", "pipe", "inherit"] },
  );
  checkout.server = server;
  console.log(`${checkout.label}: bench server pid ${server.pid}`);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).on("line", (line) => {
      if (line.startsWith('{"gatewayUrl"')) resolve(line);
    });
    server.once("exit", (code) => reject(new Error(`${checkout.label}: bench server exited with ${code}`)));
  });
  const info = JSON.parse(first) as {
    gatewayUrl: string;
    subgraphs: { name: string; url: string }[];
    token: string;
    gatewaySecret: string;
  };
  // Each checkout's own signing: the scheme changed over time (a nonce since 2026-12-06).
  const { signGatewayRequest } = (await import(
    path.join(checkout.root, "kit", "src", "subgraph", "gateway-signature.ts")
  )) as { signGatewayRequest: Signer };
  const authorization = `Bearer ${info.token}`;
  const plantUrl = info.subgraphs.find((s) => s.name === "plant")!.url;
  checkout.urls = { direct: plantUrl, single: info.gatewayUrl, cross: info.gatewayUrl };
  checkout.headers = {
    direct: () => ({
      authorization,
      ...signGatewayRequest({ secret: info.gatewaySecret, body: SINGLE, authorization }),
    }),
    single: () => ({ authorization }),
    cross: () => ({ authorization }),
  };
}

const bodyOf = (kind: Case) => (kind === "cross" ? CROSS : SINGLE);

const adminUrl = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const checkouts: Checkout[] = [
  { label: "this", root: path.resolve(import.meta.dirname, "..", ".."), database: "", slices: emptySlices() },
  { label: "other", root: path.resolve(other), database: "", slices: emptySlices() },
];
function emptySlices(): Record<Case, LoadSlice[]> {
  return { direct: [], single: [], cross: [] };
}
try {
  for (const checkout of checkouts) {
    checkout.database = `ms5_bench_compare_${randomBytes(4).toString("hex")}`;
    const url = new URL(adminUrl);
    url.pathname = `/${checkout.database}`;
    await startServer(checkout, url.toString());
  }
  for (const checkout of checkouts) {
    for (const kind of CASES) {
      await load(
        checkout.urls![kind],
        checkout.headers![kind],
        bodyOf(kind),
        SETTINGS.warmupSeconds,
        SETTINGS.connections,
      );
    }
  }
  for (let round = 0; round < SETTINGS.rounds; round++) {
    for (const kind of CASES) {
      // Alternate who goes first, so neither always follows the other's slice.
      const order = round % 2 === 0 ? checkouts : [...checkouts].reverse();
      for (const checkout of order) {
        checkout.slices[kind].push(
          await load(
            checkout.urls![kind],
            checkout.headers![kind],
            bodyOf(kind),
            SETTINGS.sliceSeconds,
            SETTINGS.connections,
          ),
        );
      }
    }
  }
  const [mine, theirs] = checkouts as [Checkout, Checkout];
  console.log(
    `this: ${mine.root}\nother: ${theirs.root}\n${SETTINGS.rounds} rounds of ${SETTINGS.sliceSeconds} s slices`,
  );
  for (const kind of CASES) {
    const a = summarise(mine.slices[kind]);
    const b = summarise(theirs.slices[kind]);
    console.log(
      `${kind.padEnd(7)} this ${a.rps.toFixed(0).padStart(6)} req/s p95 ${a.p95.toFixed(1).padStart(6)} ms | other ${b.rps.toFixed(0).padStart(6)} req/s p95 ${b.p95.toFixed(1).padStart(6)} ms | this/other ${(a.rps / b.rps).toFixed(3)}  errors ${a.errors}/${b.errors}`,
    );
  }
  if (CASES.includes("single") && CASES.includes("direct")) {
    const ratio = (checkout: Checkout) => summarise(checkout.slices.single).rps / summarise(checkout.slices.direct).rps;
    console.log(`single_vs_direct_ratio this ${ratio(mine).toFixed(3)} other ${ratio(theirs).toFixed(3)}`);
  }
} finally {
  for (const checkout of checkouts) {
    if (checkout.server && checkout.server.exitCode === null) {
      checkout.server.kill("SIGTERM");
      await new Promise((resolve) => checkout.server!.once("exit", resolve));
    }
    if (checkout.database) await admin.query(`DROP DATABASE IF EXISTS "${checkout.database}" WITH (FORCE)`);
  }
  await admin.end();
}
