import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BufferedEntry, DiskBuffer } from "./disk-buffer.ts";

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ms5-buffer-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function entries(from: number, count: number, plc = "PLC-1"): BufferedEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    key: "ms5:{bagging-1}:telemetry",
    plc,
    seq: from + i,
    fields: { type: "sample", seq: String(from + i), value: String((from + i) * 1.5) },
  }));
}

describe("the disk buffer", () => {
  it("replays entries in the order they were appended and forgets them once acknowledged", () => {
    const buffer = new DiskBuffer({ dir: freshDir(), fsync: false, segmentBytes: 1_000 });
    buffer.append(entries(1, 30));
    buffer.append(entries(31, 30));
    expect(buffer.depth).toBe(60);
    const first = buffer.peek(25);
    expect(first.entries.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    buffer.ack(first.next);
    expect(buffer.depth).toBe(35);
    const rest = buffer.peek(100);
    expect(rest.entries.map((e) => e.seq)).toEqual(Array.from({ length: 35 }, (_, i) => i + 26));
    buffer.ack(rest.next);
    expect(buffer.depth).toBe(0);
  });

  it("deletes segment files once everything in them is acknowledged", () => {
    const dir = freshDir();
    const buffer = new DiskBuffer({ dir, fsync: false, segmentBytes: 2_000 });
    buffer.append(entries(1, 200));
    const segmentsBefore = readdirSync(dir).filter((f) => f.endsWith(".log")).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    buffer.ack(buffer.peek(1_000).next);
    expect(readdirSync(dir).filter((f) => f.endsWith(".log")).length).toBe(1);
  });

  it("resumes after a restart at the first unacknowledged entry, with the PLC's last sequence number", () => {
    const dir = freshDir();
    const before = new DiskBuffer({ dir, fsync: false, segmentBytes: 1_500 });
    before.append(entries(1, 50));
    before.ack(before.peek(20).next);
    before.close();

    const after = new DiskBuffer({ dir, fsync: false, segmentBytes: 1_500 });
    expect(after.depth).toBe(30);
    expect(after.lastSeqByPlc.get("PLC-1")).toBe(50);
    expect(after.peek(100).entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
  });

  it("cuts off a record torn by a crash mid-write instead of replaying garbage", () => {
    const dir = freshDir();
    const buffer = new DiskBuffer({ dir, fsync: false });
    buffer.append(entries(1, 10));
    buffer.close();
    const segment = readdirSync(dir).find((f) => f.endsWith(".log"))!;
    appendFileSync(path.join(dir, segment), Buffer.from([0x40, 0, 0, 0, 1, 2, 3, 4, 123, 34, 107]));

    const reopened = new DiskBuffer({ dir, fsync: false });
    expect(reopened.peek(100).entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    reopened.append(entries(11, 1));
    expect(
      reopened
        .peek(100)
        .entries.map((e) => e.seq)
        .at(-1),
    ).toBe(11);
  });

  it("drops the oldest segments beyond its size bound and counts what it dropped", () => {
    const drops: number[] = [];
    const buffer = new DiskBuffer({
      dir: freshDir(),
      fsync: false,
      segmentBytes: 1_000,
      maxBytes: 3_000,
      onDrop: (n) => drops.push(n),
    });
    buffer.append(entries(1, 100));
    expect(buffer.bytes).toBeLessThanOrEqual(3_000 + 1_000);
    expect(buffer.dropped).toBeGreaterThan(0);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(buffer.dropped);
    const kept = buffer.peek(1_000).entries.map((e) => e.seq);
    expect(kept.length + buffer.dropped).toBe(100);
    expect(kept.at(-1)).toBe(100);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 101 - kept.length + i));
  });

  it("drops data older than its age bound", () => {
    let now = Date.now();
    const buffer = new DiskBuffer({
      dir: freshDir(),
      fsync: false,
      segmentBytes: 500,
      maxAgeMs: 60_000,
      now: () => now,
    });
    buffer.append(entries(1, 20));
    // A segment's age is its file's modification time: ten minutes on, it is past the bound.
    now = Date.now() + 10 * 60_000;
    buffer.append(entries(21, 5));
    expect(buffer.dropped).toBeGreaterThan(0);
  });

  it("loses nothing it acknowledged appending when its process is killed with SIGKILL", async () => {
    const dir = freshDir();
    const writer = path.join(import.meta.dirname, "testing", "disk-buffer-writer.ts");
    const child = spawn(process.execPath, ["--import", "tsx", writer, dir], { stdio: ["ignore", "pipe", "inherit"] });
    let lastConfirmed = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const lines = chunk.toString().trim().split("\n");
        lastConfirmed = Number(lines.at(-1));
        if (lastConfirmed >= 2_000 && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.on("exit", resolve));

    const reopened = new DiskBuffer({ dir });
    const seqs = reopened.peek(1_000_000).entries.map((e) => e.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(lastConfirmed);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});
