// The subscriber half of `pnpm bench:gateway`: 10,000 graphql-ws subscribers on one gateway process.
// Processes: the subgraphs (bench-plant-process.ts), the gateway alone (bench-subscription-gateway.ts),
// a bare `ws` broadcaster (bench-raw-ws-process.ts) and two client processes
// (bench-subscriber-clients.ts); this process publishes the events to Redis and collects figures.
//
// "One event per second each" is measured twice, because shared upstreams make the two cases differ:
//   shared    every subscriber runs the same operation: one upstream, one resolution per event, one
//             event per second fanned out to all 10,000 (our design's best case);
//   per line  100 lines x 100 subscribers, `lineChanged(lineId:)`: 100 upstreams, 100 events per
//             second (each line's once a second, spread over the second), 100 entity resolutions/s.
// Each event carries its publish time in `name`; clients record publish-to-receive latency.
// Throughput: a burst of events on the shared operation, deliveries/s from first publish to last
// receipt, against the same message bytes broadcast by the bare `ws` server to the same clients.
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { composeSupergraph } from "../../gateway/src/supergraph-composition.ts";
import type { BenchMetric } from "../bench-result.ts";
import type { PlantProcessReady, PlantProcessStart } from "./bench-plant-process.ts";
import type { ClientCommand, ClientReport } from "./bench-subscriber-clients.ts";
import type { GatewayMemory, GatewayProcessStart } from "./bench-subscription-gateway.ts";

export const SUBSCRIBER_BENCH = {
  /** Subscribers held on the gateway. */
  subscribers: Number(process.env.BENCH_SUBSCRIBERS ?? 10_000),
  clientProcesses: 2,
  /** Lines of the per-line mix (subscribers / lines subscribers each). */
  lines: 100,
  warmupSeconds: 3,
  seconds: 15,
  /** Events of each throughput burst. */
  burstEvents: 20,
  /** Source addresses the clients spread over (each has its own ephemeral port range). */
  localAddresses: ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"],
};

const SHARED = "subscription LineChanged { lineChanged { id name openAndonCount } }";
const PER_LINE = "subscription LineChangedOn($lineId: ID!) { lineChanged(lineId: $lineId) { id name openAndonCount } }";
/** The per-line operation without the other subgraph's field: nothing to resolve per event. */
const PER_LINE_LOCAL = "subscription LineChangedHere($lineId: ID!) { lineChanged(lineId: $lineId) { id name } }";

const here = import.meta.dirname;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BENCH_PROFILE_DIR=<dir> writes a CPU profile of every server and client process there (node --cpu-prof). */
export const cpuProfileArgs = process.env.BENCH_PROFILE_DIR
  ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
  : [];

function start(file: string, execArgv: string[] = []): ChildProcess {
  return fork(path.join(here, file), [], {
    execArgv: ["--import", "tsx", ...cpuProfileArgs, ...execArgv],
    stdio: "inherit",
  });
}

/** Sends `message` and resolves with the child's next message (each command is answered once). */
function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited with ${code}`));
    child.once("exit", onExit);
    child.once("message", (reply) => {
      child.off("exit", onExit);
      if (reply && typeof reply === "object" && "error" in reply) reject(new Error(String(reply.error)));
      else resolve(reply as T);
    });
    child.send(message as object);
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Fanout {
  received: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  /** Deliveries per second from the first publish to the last receipt. */
  deliveriesPerSecond: number;
}

export async function measureSubscribers(options: {
  databaseUrl: string;
  redisUrl: string;
}): Promise<Record<string, BenchMetric>> {
  const bench = SUBSCRIBER_BENCH;
  const gatewaySecret = "bench-gateway-secret-0123456789abcdefghijklmnopqrstuvwxyz";
  const privateJwk = await generateSigningKey();
  const keys = await createSigningKeyRing([privateJwk]);
  const { token } = await issueAccessToken(
    keys,
    { kind: "user", userId: randomUUID(), name: "Bench Viewer", roles: ["PRODUCTION_MANAGER"] },
    { accessTokenLifetimeSeconds: 3600 },
  );
  const channel = `ms5bench:${randomUUID()}:line-changed`;
  const publisher = createRedisClient({ url: options.redisUrl });
  await publisher.connect();
  const children: ChildProcess[] = [];
  try {
    const plant = start("bench-plant-process.ts");
    children.push(plant);
    const { subgraphs } = await ask<PlantProcessReady>(plant, {
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      gatewaySecret,
      privateJwk,
      lineChangedChannel: channel,
    } satisfies PlantProcessStart);
    const { supergraphSdl } = composeSupergraph(subgraphs);

    const gateway = start("bench-subscription-gateway.ts", ["--expose-gc"]);
    children.push(gateway);
    const { url } = await ask<{ url: string }>(gateway, {
      supergraphSdl,
      subgraphs: subgraphs.map(({ name, url: subgraphUrl }) => ({ name, url: subgraphUrl })),
      gatewaySecret,
      privateJwk,
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
    } satisfies GatewayProcessStart);
    const wsUrl = url.replace(/^http/, "ws");
    const raw = start("bench-raw-ws-process.ts");
    children.push(raw);
    const { url: rawUrl } = await ask<{ url: string }>(raw, {});
    const clients = Array.from({ length: bench.clientProcesses }, () => start("bench-subscriber-clients.ts"));
    children.push(...clients);

    const perClient = Math.ceil(bench.subscribers / clients.length);
    const all = <T>(command: ClientCommand) => Promise.all(clients.map((client) => ask<T>(client, command)));
    const connectAll = (target: string, protocol: "graphql" | "raw") =>
      Promise.all(
        clients.map((client, index) =>
          ask<{ connected: number }>(client, {
            type: "connect",
            url: target,
            count: Math.min(perClient, bench.subscribers - index * perClient),
            offset: index * perClient,
            protocol,
            connectionParams: { authorization: `Bearer ${token}` },
            localAddresses: bench.localAddresses,
          }),
        ),
      );
    const counts = () => ask<{ subscribers: number; upstreams: number }>(gateway, { type: "counts" });
    const received = async () =>
      (await all<{ received: number }>({ type: "count" })).reduce((sum, count) => sum + count.received, 0);
    const fanout = async (expected: number): Promise<Fanout> => {
      const reports = await all<ClientReport>({ type: "report" });
      const latencies = Float64Array.from(reports.flatMap((report) => report.latenciesMs)).sort();
      const first = Math.min(...reports.map((report) => report.firstPublishedAt));
      const last = Math.max(...reports.map((report) => report.lastReceivedAt));
      return {
        received: latencies.length,
        expected,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
        deliveriesPerSecond: latencies.length / ((last - first) / 1000),
      };
    };
    const publish = (target: string, lineId: string) =>
      publisher.publish(target, JSON.stringify({ id: lineId, code: "BL1", name: String(now()) }));

    // --- hold the subscribers -------------------------------------------------------------------
    await sleep(1000);
    const memoryBefore = await ask<GatewayMemory>(gateway, { type: "memory" });
    const connectStarted = performance.now();
    const connected = (await connectAll(wsUrl, "graphql")).reduce((sum, client) => sum + client.connected, 0);
    await all({ type: "subscribe", id: "a", query: SHARED });
    await waitFor("every shared subscription", async () => (await counts()).subscribers === connected);
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const memoryHeld = await ask<GatewayMemory>(gateway, { type: "memory" });
    const held = (await counts()).subscribers;
    console.log(`held ${held} subscribers (${connected} connections) in ${connectSeconds.toFixed(1)} s`);

    // --- shared: one event per second to everyone ------------------------------------------------
    const sharedLine = randomUUID();
    /** Waits (a while at most) for the warm-up's deliveries, so none is counted in the measurement. */
    const settle = (expected: number) =>
      waitFor("the warm-up's deliveries", async () => (await received()) >= expected, 60_000).catch(() => {});
    await all({ type: "reset" });
    for (let second = 0; second < bench.warmupSeconds; second++) {
      await publish(channel, sharedLine);
      await sleep(1000);
    }
    await settle(bench.warmupSeconds * held);
    await all({ type: "reset" });
    const cpuBefore = await ask<NodeJS.CpuUsage>(gateway, { type: "cpu" });
    for (let second = 0; second < bench.seconds; second++) {
      await publish(channel, sharedLine);
      await sleep(1000);
    }
    await sleep(1000);
    const cpuAfter = await ask<NodeJS.CpuUsage>(gateway, { type: "cpu" });
    const shared = await fanout(bench.seconds * held);
    const gatewayCpuMicrosPerDelivery =
      (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / Math.max(1, shared.received);

    // --- throughput: a burst on the shared operation ---------------------------------------------
    await all({ type: "reset" });
    for (let event = 0; event < bench.burstEvents; event++) await publish(channel, sharedLine);
    const burstExpected = bench.burstEvents * held;
    await waitFor("the gateway burst", async () => (await received()) >= burstExpected, 120_000).catch(() => {});
    const gatewayBurst = await fanout(burstExpected);
    await all({ type: "complete", id: "a" });
    await waitFor("the shared subscriptions to end", async () => (await counts()).upstreams === 0);

    // --- per line: 100 upstreams, each line's event once a second --------------------------------
    const lineIds = Array.from({ length: bench.lines }, () => randomUUID());
    const publishEachLineOnceASecond = async (seconds: number) => {
      const spacing = 1000 / lineIds.length;
      const startedAt = performance.now();
      for (let tick = 0; tick < seconds * lineIds.length; tick++) {
        await publish(`${channel}:${lineIds[tick % lineIds.length]}`, lineIds[tick % lineIds.length]!);
        const wait = startedAt + (tick + 1) * spacing - performance.now();
        if (wait > 0) await sleep(wait);
      }
    };
    const measurePerLine = async (id: string, query: string): Promise<Fanout> => {
      await all({ type: "subscribe", id, query, lineIds });
      await waitFor("every per-line subscription", async () => {
        const { subscribers, upstreams } = await counts();
        return subscribers === connected && upstreams === bench.lines;
      });
      await all({ type: "reset" });
      await publishEachLineOnceASecond(bench.warmupSeconds);
      await settle(bench.warmupSeconds * held);
      await all({ type: "reset" });
      await publishEachLineOnceASecond(bench.seconds);
      await sleep(1000);
      const figures = await fanout(bench.seconds * held);
      await all({ type: "complete", id });
      await waitFor("the per-line subscriptions to end", async () => (await counts()).upstreams === 0);
      return figures;
    };
    const perLineLocal = await measurePerLine("c", PER_LINE_LOCAL);
    const perLine = await measurePerLine("b", PER_LINE);
    await all({ type: "close" });

    // --- the bare ws broadcast of the same messages to the same clients --------------------------
    await connectAll(rawUrl, "raw");
    await waitFor(
      "raw connections",
      async () => (await ask<{ sockets: number }>(raw, { type: "count" })).sockets === connected,
    );
    await all({ type: "reset" });
    const template = `{"id":"a","type":"next","payload":{"data":{"lineChanged":{"id":"${sharedLine}","name":"{stamp}","openAndonCount":0}}}}`;
    await ask(raw, { type: "broadcast", template, events: bench.burstEvents });
    const rawExpected = bench.burstEvents * connected;
    await waitFor("the raw burst", async () => (await received()) >= rawExpected, 120_000).catch(() => {});
    const rawBurst = await fanout(rawExpected);
    await all({ type: "close" });

    for (const [name, figures] of Object.entries({ shared, perLineLocal, perLine, gatewayBurst, rawBurst })) {
      console.log(
        `${name.padEnd(12)} received ${figures.received}/${figures.expected}  p50 ${figures.p50.toFixed(1)}  p99 ${figures.p99.toFixed(1)}  max ${figures.max.toFixed(1)} ms  ${Math.round(figures.deliveriesPerSecond)} deliveries/s`,
      );
    }
    const kbPerConnection = (memoryHeld.rss - memoryBefore.rss) / held / 1024;
    const heapKbPerConnection =
      (memoryHeld.heapUsed + memoryHeld.external - memoryBefore.heapUsed - memoryBefore.external) / held / 1024;
    console.log(
      `memory per connection: rss ${kbPerConnection.toFixed(1)} KB, heap+external ${heapKbPerConnection.toFixed(1)} KB; gateway CPU ${gatewayCpuMicrosPerDelivery.toFixed(1)} us per delivery (shared)`,
    );

    const lossNote = (figures: Fanout) =>
      figures.received === figures.expected
        ? ""
        : ` (${figures.expected - figures.received} of ${figures.expected} not received)`;
    return {
      subscribers: { value: held, unit: "subscribers", target: ">= 10000 on one gateway process" },
      fanout_p99_ms: {
        value: Number(Math.max(shared.p99, perLineLocal.p99, perLine.p99).toFixed(1)),
        unit: "ms",
        target: "<= 250 (the worst of the shared and the two per-line cases)",
      },
      fanout_p99_shared_ms: {
        value: Number(shared.p99.toFixed(1)),
        unit: "ms",
        target: `report: one operation, 1 event/s to all${lossNote(shared)}`,
      },
      fanout_p99_per_line_local_ms: {
        value: Number(perLineLocal.p99.toFixed(1)),
        unit: "ms",
        target: `report: as per line, without the andon field (nothing resolved per event)${lossNote(perLineLocal)}`,
      },
      fanout_p99_per_line_ms: {
        value: Number(perLine.p99.toFixed(1)),
        unit: "ms",
        target: `report: ${bench.lines} lines x ${held / bench.lines} subscribers, each line 1 event/s${lossNote(perLine)}`,
      },
      kb_per_connection: {
        value: Number(kbPerConnection.toFixed(1)),
        unit: "KB",
        target: "<= 20 (gateway process RSS growth per held subscriber)",
      },
      fanout_vs_raw_ws_ratio: {
        value: Number((gatewayBurst.deliveriesPerSecond / rawBurst.deliveriesPerSecond).toFixed(3)),
        unit: "ratio",
        target: ">= 0.5 (burst deliveries/s through the gateway over a bare ws broadcast)",
        baseline: Math.round(rawBurst.deliveriesPerSecond),
      },
      fanout_deliveries_per_second: {
        value: Math.round(gatewayBurst.deliveriesPerSecond),
        unit: "deliveries/s",
        target: `report: burst of ${bench.burstEvents} events to every subscriber${lossNote(gatewayBurst)}`,
      },
      gateway_cpu_us_per_delivery: {
        value: Number(gatewayCpuMicrosPerDelivery.toFixed(1)),
        unit: "us",
        target: "report: gateway CPU per delivery in the shared case",
      },
    };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once("exit", resolve))
          : undefined,
      ),
    );
    publisher.destroy();
  }
}
