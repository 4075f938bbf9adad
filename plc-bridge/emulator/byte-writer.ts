// A growable little-endian byte buffer each connection reuses to build its replies, so the request
// path allocates one Buffer per reply (the copy handed to the socket) and nothing else.

export class ByteWriter {
  buffer: Buffer;
  /** Next byte to write; also the length written so far. */
  position = 0;

  constructor(initialSize = 4096) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.position = 0;
  }

  /** Makes room for `bytes` more bytes, keeping what is written. */
  ensure(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buffer[this.position++] = value & 0xff;
  }

  u16(value: number): void {
    this.ensure(2);
    this.buffer.writeUInt16LE(value & 0xffff, this.position);
    this.position += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.position);
    this.position += 4;
  }

  /** Writes `count` zero bytes. */
  zeros(count: number): void {
    this.ensure(count);
    this.buffer.fill(0, this.position, this.position + count);
    this.position += count;
  }

  bytes(source: Buffer, start = 0, end = source.length): void {
    const length = end - start;
    this.ensure(length);
    source.copy(this.buffer, this.position, start, end);
    this.position += length;
  }

  ascii(text: string): void {
    this.ensure(text.length);
    this.position += this.buffer.write(text, this.position, "latin1");
  }

  setU16(at: number, value: number): void {
    this.buffer.writeUInt16LE(value & 0xffff, at);
  }

  setU8(at: number, value: number): void {
    this.buffer[at] = value & 0xff;
  }

  /** A copy of what was written from `start`, safe to hand to a socket while the writer is reused. */
  copyOut(start = 0): Buffer {
    const out = Buffer.allocUnsafe(this.position - start);
    this.buffer.copy(out, 0, start, this.position);
    return out;
  }
}
