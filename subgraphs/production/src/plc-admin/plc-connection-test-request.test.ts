import { GATEWAY_DEFAULTS } from "@ms5/gateway";
import { describe, expect, it } from "vitest";
import { bridgeWaitMs, PLC_CONNECTION_TEST_DEFAULTS } from "./plc-connection-test-request.ts";

const plc = (timeoutMs: number) => ({
  driver: "LOGIX",
  host: "127.0.0.1",
  port: 44818,
  slot: 0,
  timeoutMs,
  connected: true,
});

describe("how long the API waits for the PLC bridge", () => {
  it("waits five PLC timeouts and a margin for a connection test, fifteen for a browse", () => {
    expect(bridgeWaitMs({ plc: plc(500) })).toBe(5 * 500 + PLC_CONNECTION_TEST_DEFAULTS.bridgeMarginMs);
    expect(bridgeWaitMs({ plc: plc(500), browse: true })).toBe(15 * 500 + PLC_CONNECTION_TEST_DEFAULTS.bridgeMarginMs);
  });

  it("never waits as long as the gateway waits for a subgraph, so a silent bridge is a typed answer, not a gateway timeout", () => {
    const slowPlc = plc(5_000);
    expect(bridgeWaitMs({ plc: slowPlc, browse: true })).toBe(PLC_CONNECTION_TEST_DEFAULTS.maxWaitMs);
    expect(bridgeWaitMs({ plc: slowPlc })).toBeLessThan(GATEWAY_DEFAULTS.subgraphTimeoutMs);
    expect(PLC_CONNECTION_TEST_DEFAULTS.maxWaitMs).toBeLessThan(GATEWAY_DEFAULTS.subgraphTimeoutMs);
  });
});
