// Store-and-forward buffer on local disk: entries Redis could not take are appended to segment
// files and replayed in order; they are deleted only once Redis has acknowledged them. Every record
// is framed with its length and a CRC32, so a write torn by SIGKILL or power loss is found and cut
// off on restart instead of being replayed as garbage. Bounded by size and age; what is dropped is
// counted.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";

/** One stream entry waiting for Redis. */
export interface BufferedEntry {
  key: string;
  plc: string;
  seq: number;
  fields: Record<string, string>;
}

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
  now?: () => number;
}

interface Segment {
  index: number;
  file: string;
  bytes: number;
  records: number;
}

/** Where replay resumes: a segment and a byte offset in it, plus how many records precede it there. */
export interface BufferCursor {
  segment: number;
  offset: number;
  recordsBefore: number;
}

const HEADER_BYTES = 8;

export class DiskBuffer {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private readonly now: () => number;
  private readonly onDrop: NonNullable<DiskBufferOptions["onDrop"]>;
  private segments: Segment[] = [];
  private head: BufferCursor = { segment: 0, offset: 0, recordsBefore: 0 };
  private activeFd: number | undefined;
  private headCache: { segment: number; bytes: number; data: Buffer } | undefined;
  /** Highest sequence number ever appended, per PLC (survives restarts through the records). */
  readonly lastSeqByPlc = new Map<string, number>();
  dropped = 0;

  constructor(options: DiskBufferOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3_600_000;
    this.segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.fsync = options.fsync ?? true;
    this.now = options.now ?? Date.now;
    this.onDrop = options.onDrop ?? (() => {});
    mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  /** Entries waiting for Redis. */
  get depth(): number {
    let total = 0;
    for (const s of this.segments) total += s.records;
    return total - this.head.recordsBefore;
  }

  get bytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.bytes;
    return total - this.head.offset;
  }

  append(entries: readonly BufferedEntry[]): void {
    if (entries.length === 0) return;
    const at = this.now();
    // Records never straddle segments; a segment is closed once it reaches segmentBytes.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let pendingRecords = 0;
    let active = this.segments.at(-1);
    if (!active || active.bytes >= this.segmentBytes) active = this.rollSegment();
    const writePending = (segment: Segment) => {
      if (pendingRecords === 0) return;
      writeSync(this.activeFd!, Buffer.concat(pending, pendingBytes));
      if (this.fsync) fsyncSync(this.activeFd!);
      segment.bytes += pendingBytes;
      segment.records += pendingRecords;
      pending = [];
      pendingBytes = 0;
      pendingRecords = 0;
    };
    for (const entry of entries) {
      const payload = Buffer.from(JSON.stringify({ k: entry.key, p: entry.plc, s: entry.seq, f: entry.fields, at }));
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      header.writeUInt32LE(payload.length, 0);
      header.writeUInt32LE(crc32(payload), 4);
      if (pendingRecords > 0 && active.bytes + pendingBytes + HEADER_BYTES + payload.length > this.segmentBytes) {
        writePending(active);
        active = this.rollSegment();
      }
      pending.push(header, payload);
      pendingBytes += HEADER_BYTES + payload.length;
      pendingRecords++;
      if ((this.lastSeqByPlc.get(entry.plc) ?? -1) < entry.seq) this.lastSeqByPlc.set(entry.plc, entry.seq);
    }
    writePending(active);
    this.enforceBounds();
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
        const length = data.readUInt32LE(cursor.offset);
        const payload = data.subarray(cursor.offset + HEADER_BYTES, cursor.offset + HEADER_BYTES + length);
        const record = JSON.parse(payload.toString()) as { k: string; p: string; s: number; f: Record<string, string> };
        entries.push({ key: record.k, plc: record.p, seq: record.s, fields: record.f });
        cursor = {
          segment: cursor.segment,
          offset: cursor.offset + HEADER_BYTES + length,
          recordsBefore: cursor.recordsBefore + 1,
        };
      }
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
    const index = (this.segments.at(-1)?.index ?? this.head.segment - 1) + 1;
    const segment: Segment = { index, file: this.segmentFile(index), bytes: 0, records: 0 };
    this.activeFd = openSync(segment.file, "a");
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
      const lost = oldest.records - (oldest.index === this.head.segment ? this.head.recordsBefore : 0);
      this.deleteSegment(oldest);
      const next = this.segments[0]!;
      this.head = { segment: next.index, offset: 0, recordsBefore: 0 };
      this.writeHead();
      this.dropped += lost;
      this.onDrop(lost, overSize ? "size" : "age");
    }
  }

  private writeHead(): void {
    const file = path.join(this.dir, "head.json");
    writeFileSync(`${file}.tmp`, JSON.stringify(this.head));
    renameSync(`${file}.tmp`, file);
  }

  /** Reads the head, scans every segment, cuts a torn tail, rebuilds counters. */
  private recover(): void {
    const headFile = path.join(this.dir, "head.json");
    if (existsSync(headFile)) this.head = JSON.parse(readFileSync(headFile, "utf8")) as BufferCursor;
    const indexes = readdirSync(this.dir)
      .map((name) => /^segment-(\d+)\.log$/.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const index of indexes) {
      const file = this.segmentFile(index);
      if (index < this.head.segment) {
        rmSync(file, { force: true });
        continue;
      }
      const data = readFileSync(file);
      let offset = 0;
      let records = 0;
      while (offset + HEADER_BYTES <= data.length) {
        const length = data.readUInt32LE(offset);
        const end = offset + HEADER_BYTES + length;
        if (end > data.length) break;
        const payload = data.subarray(offset + HEADER_BYTES, end);
        if (crc32(payload) !== data.readUInt32LE(offset + 4)) break;
        const record = JSON.parse(payload.toString()) as { p: string; s: number };
        if ((this.lastSeqByPlc.get(record.p) ?? -1) < record.s) this.lastSeqByPlc.set(record.p, record.s);
        offset = end;
        records++;
      }
      if (offset < data.length) truncateSync(file, offset);
      this.segments.push({ index, file, bytes: offset, records });
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
    if (last) this.activeFd = openSync(last.file, "a");
  }
}
