import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BufferedEntry, DiskBuffer, type DiskBufferFileSystem } from "./disk-buffer.ts";

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

function onlySegment(dir: string): string {
  const segments = readdirSync(dir).filter((f) => f.endsWith(".log"));
  expect(segments).toHaveLength(1);
  return path.join(dir, segments[0]!);
}

/** Byte offsets of each record's header in a segment file. */
function recordOffsets(file: string): number[] {
  const data = readFileSync(file);
  const offsets: number[] = [];
  for (let offset = 0; offset + 8 <= data.length; offset += 8 + data.readUInt32LE(offset)) offsets.push(offset);
  return offsets;
}

/** Changes one byte of a file in place, as a bad sector or a torn page would. */
function damage(file: string, at: number, byte: number): void {
  const data = readFileSync(file);
  data[at] = byte;
  writeFileSync(file, data);
}

const ENOSPC = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/** The real file system with a disk that holds only `room.bytes` more bytes: a short write, then ENOSPC. */
function diskWithRoom(room: { bytes: number }, fsyncFails = { now: false }): DiskBufferFileSystem {
  return {
    write(fd, data, offset, length, position) {
      if (room.bytes <= 0) throw ENOSPC();
      const n = writeSync(fd, data, offset, Math.min(length, room.bytes), position);
      room.bytes -= n;
      return n;
    },
    fsync() {
      if (fsyncFails.now) throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
    },
  };
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

  it("checks every record's CRC on replay: a record damaged on disk is skipped and counted, the rest replayed", () => {
    const dir = freshDir();
    const corrupt: string[] = [];
    const buffer = new DiskBuffer({ dir, fsync: false, onCorrupt: (n, what) => corrupt.push(`${n} ${what}`) });
    buffer.append(entries(1, 10));
    const file = onlySegment(dir);
    // A digit of record 5's payload changed to another digit: still valid JSON, no longer its CRC.
    const fifth = recordOffsets(file)[4]!;
    const payload = readFileSync(file).subarray(fifth + 8, fifth + 8 + readFileSync(file).readUInt32LE(fifth));
    const digit = fifth + 8 + payload.indexOf('"s":5') + 4;
    damage(file, digit, "7".charCodeAt(0));

    expect(buffer.peek(100).entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(buffer.corruptRecords).toBe(1);
    expect(corrupt).toEqual(["1 record"]);
    buffer.ack(buffer.peek(100).next);
    expect(buffer.depth).toBe(0);
    expect(corrupt).toEqual(["1 record"]);
  });

  it("on restart skips a corrupt record in the middle with a count and keeps every good record after it", () => {
    const dir = freshDir();
    const before = new DiskBuffer({ dir, fsync: false });
    before.append(entries(1, 10));
    before.close();
    const file = onlySegment(dir);
    // Record 4's length field garbled: nothing says where record 5 starts.
    damage(file, recordOffsets(file)[3]! + 1, 0x7f);

    const corrupt: string[] = [];
    const after = new DiskBuffer({ dir, fsync: false, onCorrupt: (n, what) => corrupt.push(`${n} ${what}`) });
    expect(corrupt).toEqual(["1 record"]);
    expect(after.corruptRecords).toBe(1);
    expect(after.depth).toBe(9);
    expect(after.lastSeqByPlc.get("PLC-1")).toBe(10);
    expect(after.peek(100).entries.map((e) => e.seq)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    after.append(entries(11, 2));
    expect(after.peek(100).entries.map((e) => e.seq)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("starts from the oldest segment when head.json is unreadable instead of failing on every start", () => {
    const dir = freshDir();
    const before = new DiskBuffer({ dir, fsync: false });
    before.append(entries(1, 10));
    before.ack(before.peek(4).next);
    before.close();
    for (const garbage of ['{"segment":0,"off', '{"segment":-1,"offset":"x"}', "null"]) {
      writeFileSync(path.join(dir, "head.json"), garbage);
      const corrupt: string[] = [];
      const after = new DiskBuffer({ dir, fsync: false, onCorrupt: (n, what) => corrupt.push(`${n} ${what}`) });
      expect(corrupt).toEqual(["1 head"]);
      // Replayed from the start: what Redis already has, the publisher's reconcile skips.
      expect(after.peek(100).entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      after.close();
    }
  });

  it("on a full disk keeps the records written whole, refuses the rest loudly, and takes them once there is room", () => {
    const dir = freshDir();
    const room = { bytes: 700 };
    const failures: number[] = [];
    const buffer = new DiskBuffer({
      dir,
      fileSystem: diskWithRoom(room),
      onWriteFailure: (_error, notWritten) => failures.push(notWritten),
    });
    const offered = entries(1, 10);
    const written = buffer.append(offered);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(10);
    expect(failures).toEqual([10 - written]);
    expect(buffer.writeFailures).toBe(1);
    expect(buffer.depth).toBe(written);
    expect(buffer.lastSeqByPlc.get("PLC-1")).toBe(written);
    // Still full: nothing more goes in, and nothing throws.
    expect(buffer.append(offered.slice(written))).toBe(0);
    expect(failures).toEqual([10 - written, 10 - written]);

    room.bytes = 1_000_000;
    expect(buffer.append(offered.slice(written))).toBe(10 - written);
    expect(buffer.peek(100).entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    buffer.close();
    // No torn record left in the file: a restart reads exactly the ten.
    const reopened = new DiskBuffer({ dir, fsync: false });
    expect(reopened.corruptRecords).toBe(0);
    expect(reopened.peek(100).entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it("counts none of an append as written when the disk refuses its fsync, and leaves no copy of it behind", () => {
    const dir = freshDir();
    const fsyncFails = { now: true };
    const buffer = new DiskBuffer({ dir, fileSystem: diskWithRoom({ bytes: 1_000_000 }, fsyncFails) });
    expect(buffer.append(entries(1, 5))).toBe(0);
    expect(buffer.depth).toBe(0);
    fsyncFails.now = false;
    expect(buffer.append(entries(1, 5))).toBe(5);
    buffer.close();
    const reopened = new DiskBuffer({ dir, fsync: false });
    expect(reopened.peek(100).entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
