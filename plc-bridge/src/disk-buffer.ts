// Store-and-forward buffer on local disk: entries Redis could not take are appended to segment
// files and replayed in order; they are deleted only once Redis has acknowledged them. Every record
// is framed with its length and a CRC32 and checked on every read: a record torn by a crash at the
// end of a file is cut off, a corrupt record in the middle is skipped (and counted) and the good
// records after it are kept. A full disk fails the append loudly, keeps what was written whole and
// says how much was not. Bounded by size and age; what is dropped is counted.
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { fsyncDirectory, replaceFileDurably } from "./durable-file.ts";

/** One stream entry waiting for Redis. */
export interface BufferedEntry {
  key: string;
  plc: string;
  seq: number;
  fields: Record<string, string>;
}

/**
 * The two file-system calls an append makes, so a test can make the disk run full at an exact
 * byte (the real calls are node:fs's).
 */
export interface DiskBufferFileSystem {
  /** fs.writeSync at a position: may write fewer bytes than asked, or throw (ENOSPC, EIO). */
  write(fd: number, data: Buffer, offset: number, length: number, position: number): number;
  fsync(fd: number): void;
}

const NODE_FILE_SYSTEM: DiskBufferFileSystem = {
  write: (fd, data, offset, length, position) => writeSync(fd, data, offset, length, position),
  fsync: (fd) => fsyncSync(fd),
};

export interface DiskBufferOptions {
  dir: string;
  /** Drop the oldest data beyond this many bytes. @default 512 MiB */
  maxBytes?: number;
  /** Drop data older than this. @default 7 days */
  maxAgeMs?: number;
  /** Start a new segment file past this size. @default 8 MiB */
  segmentBytes?: number;
  /** fsync every append (survives power loss, not only a killed process). @default true */
  fsync?: boolean;
  /** Told how many entries were dropped and why. */
  onDrop?: (count: number, reason: "size" | "age") => void;
  /** Told of each corrupt record skipped (or an unreadable head.json, then replay starts at the oldest segment). */
  onCorrupt?: (count: number, what: "record" | "head") => void;
  /** Told when the disk refused a write: how many of the entries offered were not written. */
  onWriteFailure?: (error: unknown, notWritten: number) => void;
  fileSystem?: DiskBufferFileSystem;
  now?: () => number;
}

interface Segment {
  index: number;
  file: string;
  /** Bytes of whole, written records: where the next append goes. */
  bytes: number;
  records: number;
}

/** The newest counts entry of an equipment in the buffer: its totals outrank an older saved state. */
export interface BufferedCounterTotals {
  epoch: string;
  seq: number;
  good?: number;
  reject?: number;
}

/** Where replay resumes: a segment and a byte offset in it, plus how many records precede it there. */
export interface BufferCursor {
  segment: number;
  offset: number;
  recordsBefore: number;
}

interface StoredRecord {
  k: string;
  p: string;
  s: number;
  f: Record<string, string>;
}

const HEADER_BYTES = 8;
/** No record of the bridge comes near this; a larger length in a header is garbage. */
const MAX_RECORD_BYTES = 1024 * 1024;

export class DiskBuffer {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private readonly now: () => number;
  private readonly fs: DiskBufferFileSystem;
  private readonly onDrop: NonNullable<DiskBufferOptions["onDrop"]>;
  private readonly onCorrupt: NonNullable<DiskBufferOptions["onCorrupt"]>;
  private readonly onWriteFailure: NonNullable<DiskBufferOptions["onWriteFailure"]>;
  private segments: Segment[] = [];
  private head: BufferCursor = { segment: 0, offset: 0, recordsBefore: 0 };
  private activeFd: number | undefined;
  private headCache: { segment: number; bytes: number; data: Buffer } | undefined;
  /** Corrupt stretches already counted, per segment: start offset -> offset of the next good record. */
  private readonly corruptSpans = new Map<number, Map<number, number>>();
  private lastWriteError: unknown;
  /** Highest sequence number ever appended, per PLC (survives restarts through the records). */
  readonly lastSeqByPlc = new Map<string, number>();
  /** Per equipment, the newest counts entry ever appended (survives restarts through the records). */
  readonly lastCountsByEquipment = new Map<string, BufferedCounterTotals>();
  dropped = 0;
  /** Corrupt records skipped since start (in recovery or replay). */
  corruptRecords = 0;
  /** Appends and head writes the disk refused since start. */
  writeFailures = 0;

  constructor(options: DiskBufferOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3_600_000;
    this.segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.fsync = options.fsync ?? true;
    this.now = options.now ?? Date.now;
    this.fs = options.fileSystem ?? NODE_FILE_SYSTEM;
    this.onDrop = options.onDrop ?? (() => {});
    this.onCorrupt = options.onCorrupt ?? (() => {});
    this.onWriteFailure = options.onWriteFailure ?? (() => {});
    mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  /** Entries waiting for Redis. */
  get depth(): number {
    let total = 0;
    for (const s of this.segments) total += s.records;
    return Math.max(0, total - this.head.recordsBefore);
  }

  get bytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.bytes;
    return total - this.head.offset;
  }

  /**
   * Appends `entries` in order and returns how many of them (a prefix) are now on disk whole; the
   * rest were refused by the disk (full, failing) and stay the caller's to keep or count.
   */
  append(entries: readonly BufferedEntry[]): number {
    if (entries.length === 0) return 0;
    const at = this.now();
    let written = 0;
    try {
      // Records never straddle segments; a segment is closed once it reaches segmentBytes.
      let active = this.segments.at(-1);
      if (!active || active.bytes >= this.segmentBytes || this.activeFd === undefined) active = this.rollSegment();
      let pending: Buffer[] = [];
      let recordEnds: number[] = [];
      let pendingBytes = 0;
      const writePending = (segment: Segment) => {
        if (recordEnds.length === 0) return;
        const offered = recordEnds.length;
        const stored = this.writeRecords(segment, Buffer.concat(pending, pendingBytes), recordEnds);
        for (const entry of entries.slice(written, written + stored)) this.remember(entry.plc, entry.seq, entry.fields);
        written += stored;
        pending = [];
        recordEnds = [];
        pendingBytes = 0;
        if (stored < offered) throw this.lastWriteError;
      };
      for (const entry of entries) {
        const payload = Buffer.from(JSON.stringify({ k: entry.key, p: entry.plc, s: entry.seq, f: entry.fields, at }));
        const header = Buffer.allocUnsafe(HEADER_BYTES);
        header.writeUInt32LE(payload.length, 0);
        header.writeUInt32LE(crc32(payload), 4);
        if (recordEnds.length > 0 && active.bytes + pendingBytes + HEADER_BYTES + payload.length > this.segmentBytes) {
          writePending(active);
          active = this.rollSegment();
        }
        pending.push(header, payload);
        pendingBytes += HEADER_BYTES + payload.length;
        recordEnds.push(pendingBytes);
      }
      writePending(active);
    } catch (error) {
      this.writeFailures++;
      this.onWriteFailure(error, entries.length - written);
    }
    this.enforceBounds();
    return written;
  }

  /** Up to `max` entries from the oldest, and the cursor to acknowledge once Redis has them. */
  peek(max: number): { entries: BufferedEntry[]; next: BufferCursor } {
    this.enforceBounds();
    const entries: BufferedEntry[] = [];
    let cursor = { ...this.head };
    while (entries.length < max) {
      const segment = this.segments.find((s) => s.index === cursor.segment);
      if (!segment) break;
      if (cursor.offset >= segment.bytes) {
        const following = this.segments.find((s) => s.index > cursor.segment);
        if (!following) break;
        cursor = { segment: following.index, offset: 0, recordsBefore: 0 };
        continue;
      }
      const data = this.segmentData(segment);
      while (entries.length < max && cursor.offset < segment.bytes) {
        const read = decodeRecord(data, cursor.offset, segment.bytes);
        if (read) {
          const { record, next } = read;
          entries.push({ key: record.k, plc: record.p, seq: record.s, fields: record.f });
          cursor = { segment: cursor.segment, offset: next, recordsBefore: cursor.recordsBefore + 1 };
        } else {
          cursor = { ...cursor, offset: this.skipCorrupt(segment, data, cursor.offset) };
        }
      }
      // A corrupt stretch found only now held records counted at append: the segment is done.
      if (cursor.offset >= segment.bytes) cursor.recordsBefore = Math.max(cursor.recordsBefore, segment.records);
    }
    return { entries, next: cursor };
  }

  /** Redis has everything before `cursor`: forget it, durably. */
  ack(cursor: BufferCursor): void {
    // Whole segments before the cursor's are done; convert the head into the cursor's segment.
    for (const segment of this.segments.filter((s) => s.index < cursor.segment)) this.deleteSegment(segment);
    this.head = { ...cursor };
    const current = this.segments.find((s) => s.index === cursor.segment);
    if (current && cursor.offset >= current.bytes && current !== this.segments.at(-1)) {
      this.deleteSegment(current);
      const next = this.segments[0];
      this.head = next
        ? { segment: next.index, offset: 0, recordsBefore: 0 }
        : { segment: cursor.segment, offset: 0, recordsBefore: 0 };
    }
    this.writeHead();
  }

  close(): void {
    if (this.activeFd !== undefined) closeSync(this.activeFd);
    this.activeFd = undefined;
  }

  /**
   * Writes whole records at the segment's end and makes them durable. On a short or failed write
   * only the records that reached the disk whole (and were fsynced) count; a torn tail is cut off,
   * and were that to fail too the next append overwrites it (writes go at `segment.bytes`).
   */
  private writeRecords(segment: Segment, data: Buffer, recordEnds: readonly number[]): number {
    const fd = this.activeFd!;
    let done = 0;
    let failed = false;
    try {
      while (done < data.length) {
        const n = this.fs.write(fd, data, done, data.length - done, segment.bytes + done);
        if (n <= 0) throw new Error(`${segment.file}: the disk took no bytes`);
        done += n;
      }
    } catch (error) {
      failed = true;
      this.lastWriteError = error;
    }
    let records = failed ? recordEnds.filter((end) => end <= done).length : recordEnds.length;
    if (this.fsync && records > 0) {
      try {
        this.fs.fsync(fd);
      } catch (error) {
        // After a failed fsync nothing says what reached the disk: count none of it as written.
        failed = true;
        this.lastWriteError = error;
        records = 0;
      }
    }
    const kept = records === 0 ? 0 : recordEnds[records - 1]!;
    if (failed && kept < done) {
      try {
        ftruncateSync(fd, segment.bytes + kept);
      } catch {
        // Overwritten by the next append, or cut off at recovery as a torn tail.
      }
    }
    segment.bytes += kept;
    segment.records += records;
    return records;
  }

  private remember(plc: string, seq: number, fields: Record<string, string>): void {
    if ((this.lastSeqByPlc.get(plc) ?? -1) < seq) this.lastSeqByPlc.set(plc, seq);
    if (fields.type !== "counts" || !fields.equipment) return;
    const epoch = fields.epoch ?? "";
    const known = this.lastCountsByEquipment.get(fields.equipment);
    if (known && known.epoch === epoch && known.seq > seq) return;
    const totals: BufferedCounterTotals = { epoch, seq };
    const good = Number(fields.goodTotal || Number.NaN);
    const reject = Number(fields.rejectTotal || Number.NaN);
    if (Number.isFinite(good)) totals.good = good;
    if (Number.isFinite(reject)) totals.reject = reject;
    this.lastCountsByEquipment.set(fields.equipment, totals);
  }

  /** From a record that fails its checks to the next good one (or the segment's end); counted once. */
  private skipCorrupt(segment: Segment, data: Buffer, offset: number): number {
    const known = this.corruptSpans.get(segment.index)?.get(offset);
    if (known !== undefined) return known;
    const resume = findNextRecord(data, offset + 1, segment.bytes) ?? segment.bytes;
    this.noteCorrupt(segment.index, offset, resume);
    return resume;
  }

  private noteCorrupt(segment: number, from: number, to: number): void {
    const spans = this.corruptSpans.get(segment) ?? new Map<number, number>();
    spans.set(from, to);
    this.corruptSpans.set(segment, spans);
    this.corruptRecords++;
    this.onCorrupt(1, "record");
  }

  private segmentData(segment: Segment): Buffer {
    if (!this.headCache || this.headCache.segment !== segment.index || this.headCache.bytes !== segment.bytes) {
      this.headCache = {
        segment: segment.index,
        bytes: segment.bytes,
        data: readFileSync(segment.file).subarray(0, segment.bytes),
      };
    }
    return this.headCache.data;
  }

  private rollSegment(): Segment {
    if (this.activeFd !== undefined) closeSync(this.activeFd);
    this.activeFd = undefined;
    const index = (this.segments.at(-1)?.index ?? this.head.segment - 1) + 1;
    const segment: Segment = { index, file: this.segmentFile(index), bytes: 0, records: 0 };
    // Positional writes (not "a"): with O_APPEND Linux ignores the position, and a torn tail would stay.
    this.activeFd = openSync(segment.file, "w");
    if (this.fsync) fsyncDirectory(this.dir);
    this.segments.push(segment);
    return segment;
  }

  private segmentFile(index: number): string {
    return path.join(this.dir, `segment-${String(index).padStart(12, "0")}.log`);
  }

  private deleteSegment(segment: Segment): void {
    if (segment === this.segments.at(-1) && this.activeFd !== undefined) {
      closeSync(this.activeFd);
      this.activeFd = undefined;
    }
    rmSync(segment.file, { force: true });
    this.segments = this.segments.filter((s) => s !== segment);
    this.corruptSpans.delete(segment.index);
    if (this.headCache?.segment === segment.index) this.headCache = undefined;
  }

  /** Drops whole old segments while over the size bound or older than the age bound. */
  private enforceBounds(): void {
    const cutoff = this.now() - this.maxAgeMs;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const overSize = this.bytes > this.maxBytes;
      const tooOld = statSync(oldest.file).mtimeMs < cutoff;
      if (!overSize && !tooOld) break;
      const lost = Math.max(0, oldest.records - (oldest.index === this.head.segment ? this.head.recordsBefore : 0));
      this.deleteSegment(oldest);
      const next = this.segments[0]!;
      this.head = { segment: next.index, offset: 0, recordsBefore: 0 };
      this.writeHead();
      this.dropped += lost;
      this.onDrop(lost, overSize ? "size" : "age");
    }
  }

  /** A head that cannot be written is kept in memory: after a restart the replay repeats a little, which the publisher's reconcile absorbs. */
  private writeHead(): void {
    try {
      replaceFileDurably(path.join(this.dir, "head.json"), JSON.stringify(this.head));
    } catch (error) {
      this.writeFailures++;
      this.onWriteFailure(error, 0);
    }
  }

  /** The saved head, or undefined when there is none or it cannot be trusted. */
  private readHead(): BufferCursor | undefined {
    const file = path.join(this.dir, "head.json");
    if (!existsSync(file)) return undefined;
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<BufferCursor> | null;
      const { segment, offset, recordsBefore } = parsed ?? {};
      if ([segment, offset, recordsBefore].every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
        return { segment: segment!, offset: offset!, recordsBefore: recordsBefore! };
    } catch {
      // Unreadable: handled below like a wrong shape.
    }
    this.onCorrupt(1, "head");
    return undefined;
  }

  /** Reads the head, scans every segment, skips corrupt records, cuts a torn tail, rebuilds counters. */
  private recover(): void {
    const savedHead = this.readHead();
    if (savedHead) this.head = savedHead;
    const indexes = readdirSync(this.dir)
      .map((name) => /^segment-(\d+)\.log$/.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const index of indexes) {
      const file = this.segmentFile(index);
      if (savedHead && index < savedHead.segment) {
        rmSync(file, { force: true });
        continue;
      }
      const data = readFileSync(file);
      let offset = 0;
      let validEnd = 0;
      let records = 0;
      while (offset + HEADER_BYTES <= data.length) {
        const read = decodeRecord(data, offset, data.length);
        if (read) {
          this.remember(read.record.p, read.record.s, read.record.f);
          offset = validEnd = read.next;
          records++;
          continue;
        }
        const resume = findNextRecord(data, offset + 1, data.length);
        // Nothing good after it: a write torn by the crash, cut off below.
        if (resume === undefined) break;
        this.noteCorrupt(index, offset, resume);
        offset = resume;
      }
      if (validEnd < data.length) {
        try {
          truncateSync(file, validEnd);
        } catch {
          // Appends go at validEnd and overwrite the torn tail.
        }
      }
      this.segments.push({ index, file, bytes: validEnd, records });
    }
    const headSegment = this.segments.find((s) => s.index === this.head.segment);
    if (!headSegment) {
      const first = this.segments[0];
      this.head = first
        ? { segment: first.index, offset: 0, recordsBefore: 0 }
        : { segment: this.head.segment, offset: 0, recordsBefore: 0 };
    } else if (this.head.offset > headSegment.bytes) {
      this.head = { ...this.head, offset: headSegment.bytes, recordsBefore: headSegment.records };
    }
    const last = this.segments.at(-1);
    if (last) this.activeFd = openSync(last.file, "r+");
  }
}

/** The record at `offset` when its length, CRC and content all check out. */
function decodeRecord(data: Buffer, offset: number, end: number): { record: StoredRecord; next: number } | undefined {
  if (offset + HEADER_BYTES > end) return undefined;
  const length = data.readUInt32LE(offset);
  const next = offset + HEADER_BYTES + length;
  if (length === 0 || length > MAX_RECORD_BYTES || next > end) return undefined;
  const payload = data.subarray(offset + HEADER_BYTES, next);
  if (crc32(payload) !== data.readUInt32LE(offset + 4)) return undefined;
  try {
    const record = JSON.parse(payload.toString()) as StoredRecord;
    if (typeof record.k !== "string" || typeof record.p !== "string" || !Number.isSafeInteger(record.s))
      return undefined;
    if (typeof record.f !== "object" || record.f === null) return undefined;
    return { record, next };
  } catch {
    return undefined;
  }
}

/** The first offset at or after `from` where a whole, valid record starts. */
function findNextRecord(data: Buffer, from: number, end: number): number | undefined {
  for (let offset = from; offset + HEADER_BYTES < end; offset++) {
    const length = data.readUInt32LE(offset);
    // Most garbage fails this cheap test; the CRC is computed only for a plausible length.
    if (length === 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > end) continue;
    if (decodeRecord(data, offset, end)) return offset;
  }
  return undefined;
}
