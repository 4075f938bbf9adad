// The CLI entry as an operator runs it: emulators from EMULATED_PLCS, JSON logs, clean stop on SIGTERM,
// and a named complaint when the variable is missing or wrong.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { eventually } from "@ms5/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { SlcPcccDriver } from "../src/driver/slc-pccc-driver.ts";
import { encodeReadTag } from "./cip-client-messages.ts";
import { RawEnipClient } from "./raw-enip-client.ts";

const serverEntry = fileURLToPath(new URL("./server.ts", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function startCli(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", serverEntry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

describe("emulator/server.ts", () => {
  it("starts one emulator per EMULATED_PLCS entry, an SLC 5/05 for driver SLC_PCCC, serves reads, and exits 0 on SIGTERM", async () => {
    const plcs = [
      {
        name: "line-1",
        port: 0,
        seed: 1,
        timeScale: 60,
        equipment: [{ tagPrefix: "Program:Bagger1", targetSpeedPerMinute: 100, faultWords: 1, faultBits: [1] }],
      },
      {
        name: "line-2",
        port: 0,
        seed: 2,
        equipment: [{ tagPrefix: "", targetSpeedPerMinute: 50, faultWords: 2, faultBits: [40], autonomous: false }],
      },
      {
        name: "loader",
        driver: "SLC_PCCC",
        port: 0,
        seed: 3,
        equipment: [{ tagPrefix: "", targetSpeedPerMinute: 0.7, faultWords: 2, faultBits: [17], autonomous: false }],
      },
    ];
    const { child, output } = startCli({ EMULATED_PLCS: JSON.stringify(plcs), LOG_LEVEL: "info" });
    const ports = await eventually(
      () => {
        const lines = output()
          .split("\n")
          .filter((line) => line.includes("emulated Logix controller listening"));
        return lines.length === 2 ? lines.map((line) => (JSON.parse(line) as { port: number }).port) : undefined;
      },
      { timeoutMs: 20_000 },
    );
    for (const port of ports) {
      const client = await RawEnipClient.connect("127.0.0.1", port);
      await client.registerSession();
      expect((await client.sendRRData(encodeReadTag("Line_Heartbeat"))).status).toBe(0);
      await client.close();
    }
    const slcPort = await eventually(
      () => {
        const line = output()
          .split("\n")
          .find((text) => text.includes("emulated SLC 5/05 controller listening"));
        return line ? (JSON.parse(line) as { port: number }).port : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const slc = new SlcPcccDriver({ host: "127.0.0.1", port: slcPort, slot: 0, timeoutMs: 2_000, connected: true });
    await slc.connect();
    // N7:0 is the loader's state code: running (1) for scripted equipment
    expect(await slc.readTags([{ name: "N7:0", type: "INT" }])).toEqual([{ name: "N7:0", ok: true, value: 1 }]);
    await slc.close();
    child.kill("SIGTERM");
    expect(await exitCode(child)).toBe(0);
    expect(output()).toContain("stopping emulated controllers");
  });

  it("names EMULATED_PLCS and exits 78 when it is missing", async () => {
    const { child, output } = startCli({ EMULATED_PLCS: "" });
    expect(await exitCode(child)).toBe(78);
    expect(output()).toContain("EMULATED_PLCS");
  });

  it("names EMULATED_PLCS and exits 78 when it is not valid JSON", async () => {
    const { child, output } = startCli({ EMULATED_PLCS: "[{name:" });
    expect(await exitCode(child)).toBe(78);
    expect(output()).toMatch(/EMULATED_PLCS.*not valid JSON/);
  });
});
