// The API's half of "test a PLC connection": in a segmented plant only the bridge reaches the PLCs, so
// the request goes to it over a Redis list and the answer comes back on a list of the request's own
// (contract: @ms5/schema plc-connection-test.ts). Waits at most the PLC's timeout plus a margin.
import { randomUUID } from "node:crypto";
import type { RedisClient } from "@ms5/kit";
import { ExpectedError } from "@ms5/kit/subgraph";
import {
  PLC_TEST_VERSION,
  type PlcTestReply,
  type PlcTestRequest,
  plcTestReplyKey,
  plcTestRequestsKey,
} from "@ms5/schema";

export const PLC_CONNECTION_TEST_DEFAULTS = {
  /**
   * Waited beyond the bridge's own work (connect, identity and reads each within the PLC's timeout)
   * for the bridge to take the request off its list and answer. @default 3000 ms
   */
  bridgeMarginMs: 3_000,
  /** A browse is many requests: it may take this many PLC timeouts. @default 10 */
  browseTimeouts: 10,
  /**
   * The longest wait in any case: below the gateway's subgraph timeout (15 s by default), so a caller
   * gets the typed PlcBridgeDidNotAnswer instead of the gateway's "service cannot be reached". @default 12000 ms
   */
  maxWaitMs: 12_000,
} as const;

/** No answer from the PLC bridge in time: it is not running, or busy with other tests. */
export class PlcBridgeDidNotAnswer extends ExpectedError {
  override name = "PlcBridgeDidNotAnswer";
  constructor(readonly waitedMs: number) {
    super(
      "SERVICE_UNAVAILABLE",
      `The PLC bridge did not answer within ${Math.round(waitedMs / 1000)} s: check that it is running and reaches Redis.`,
    );
  }
}

export type PlcTestAsk = Omit<PlcTestRequest, "v" | "requestId" | "deadline">;

/** Asks the PLC bridge listening on this Redis and key prefix; resolvers reach it through their context. */
export class PlcBridgeAsker {
  constructor(private readonly options: { redis: RedisClient; keyPrefix: string }) {}

  ask(ask: PlcTestAsk): Promise<PlcTestReply> {
    return askBridgeToTestPlc(this.options.redis, this.options.keyPrefix, ask);
  }
}

/** How long the API waits for the bridge's answer to `ask`. */
export function bridgeWaitMs(ask: Pick<PlcTestAsk, "browse" | "plc">): number {
  const { bridgeMarginMs, browseTimeouts, maxWaitMs } = PLC_CONNECTION_TEST_DEFAULTS;
  // connect (TCP, session, Forward Open) + identity + reads, each within the timeout
  const bridgeWorkMs = (ask.browse ? browseTimeouts + 5 : 5) * ask.plc.timeoutMs;
  return Math.min(bridgeWorkMs + bridgeMarginMs, maxWaitMs);
}

async function askBridgeToTestPlc(redis: RedisClient, keyPrefix: string, ask: PlcTestAsk): Promise<PlcTestReply> {
  const waitMs = bridgeWaitMs(ask);
  const request: PlcTestRequest = {
    v: PLC_TEST_VERSION,
    requestId: randomUUID(),
    ...ask,
    deadline: Date.now() + waitMs,
  };
  // BRPOP holds its connection: one of its own for this wait
  const blocking = redis.duplicate();
  blocking.on("error", () => {
    // the BRPOP's rejection carries it
  });
  await blocking.connect();
  try {
    await redis.lPush(plcTestRequestsKey(keyPrefix), JSON.stringify(request));
    const popped = await blocking.brPop(plcTestReplyKey(request.requestId, keyPrefix), waitMs / 1000);
    if (!popped) throw new PlcBridgeDidNotAnswer(waitMs);
    return JSON.parse(popped.element) as PlcTestReply;
  } finally {
    blocking.destroy();
  }
}
