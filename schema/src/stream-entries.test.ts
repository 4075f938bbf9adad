import { describe, expect, it } from "vitest";
import {
  encodeStreamEntry,
  parseStreamEntry,
  type StreamEntryAddress,
  type StreamEntryBody,
  StreamEntryRejected,
} from "./stream-entries.ts";
import { STREAM_OF_ENTRY } from "./streams.ts";

const address: StreamEntryAddress = {
  plc: "PLC-BAG1",
  epoch: "mie7q1x2-3f9a0c1d",
  seq: 42,
  equipment: "BAGGER-1",
  line: "bagging-1",
  ts: 1_700_000_000_123,
};

const bodies: StreamEntryBody[] = [
  {
    type: "state",
    state: "DOWN",
    previousState: "RUNNING",
    stateCode: 3,
    firstOutFaultBit: 4,
    firstOutFaultCode: "BG-004",
  },
  { type: "state", state: "COMMS_LOST", previousState: "RUNNING" },
  { type: "counts", goodDelta: 20, rejectDelta: 1, goodTotal: -2_147_483_600, rejectTotal: 4 },
  { type: "sample", quality: "good", signal: "speed", value: 41.5, reason: "heartbeat" },
  { type: "sample", quality: "bad", signal: "speed", reason: "change" },
  { type: "energy", quality: "good", meterKwh: 1000.25, deltaKwh: 0.25 },
  { type: "energy", quality: "bad" },
  {
    type: "fault",
    edge: "rising",
    bitIndex: 41,
    faultCode: "UNKNOWN-41",
    faultText: "Fault bit 41",
    firstOut: true,
    atStart: false,
  },
  {
    type: "fault",
    edge: "rising",
    bitIndex: 3,
    faultCode: "BG-003",
    faultText: "Standing",
    firstOut: false,
    atStart: true,
  },
];

describe("the stream entry contract", () => {
  it.each(bodies.map((body) => [`${body.type} ${JSON.stringify(body)}`, body] as const))(
    "reads back what it writes: %s",
    (_, body) => {
      const fields = encodeStreamEntry(address, body);
      expect(Object.values(fields).every((value) => typeof value === "string")).toBe(true);
      const parsed = parseStreamEntry(STREAM_OF_ENTRY[body.type], fields);
      expect(parsed).toEqual({ ...body, ...address, v: "1", ts: new Date(address.ts) });
    },
  );

  it("writes a bad reading with empty value fields and a good one without a quality field", () => {
    expect(
      encodeStreamEntry(address, { type: "sample", quality: "bad", signal: "speed", reason: "change" }),
    ).toMatchObject({ value: "", quality: "bad" });
    expect(
      encodeStreamEntry(address, { type: "energy", quality: "good", meterKwh: 5, deltaKwh: 0 }),
    ).not.toHaveProperty("quality");
  });

  it("writes absent optional values as empty strings, as the bridge always has", () => {
    expect(encodeStreamEntry(address, { type: "state", state: "RUNNING" })).toMatchObject({
      previousState: "",
      stateCode: "",
      firstOutFaultBit: "",
      firstOutFaultCode: "",
    });
  });

  it("rejects an entry of another schema version, naming the version", () => {
    const fields = { ...encodeStreamEntry(address, bodies[0]!), v: "2" };
    expect(() => parseStreamEntry("telemetry", fields)).toThrow(StreamEntryRejected);
    expect(() => parseStreamEntry("telemetry", fields)).toThrow(/unsupported stream schema version '2'/);
  });

  it("rejects a fault entry read from a telemetry stream, and a state entry read from a faults stream", () => {
    expect(() => parseStreamEntry("telemetry", encodeStreamEntry(address, bodies[7]!))).toThrow(StreamEntryRejected);
    expect(() => parseStreamEntry("faults", encodeStreamEntry(address, bodies[0]!))).toThrow(StreamEntryRejected);
  });

  it("rejects a malformed entry naming the field at fault, with the code stream consumers dead-letter on", () => {
    const fields = { ...encodeStreamEntry(address, bodies[2]!), goodDelta: "-3" };
    let rejection: unknown;
    try {
      parseStreamEntry("telemetry", fields);
    } catch (error) {
      rejection = error;
    }
    expect(rejection).toBeInstanceOf(StreamEntryRejected);
    expect((rejection as StreamEntryRejected).code).toBe("STREAM_ENTRY_REJECTED");
    expect((rejection as StreamEntryRejected).reason).toMatch(/goodDelta/);
  });

  it("reads entries of bridges before epochs, which carry no epoch field", () => {
    const { epoch: _, ...fields } = encodeStreamEntry(address, bodies[3]!);
    expect(parseStreamEntry("telemetry", fields).epoch).toBeUndefined();
  });
});
