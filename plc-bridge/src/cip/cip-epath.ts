// EPATH encoding (CIP Vol. 1 Appendix C): the segment type bytes, symbolic and element segments
// that name a tag, and class/instance paths. The driver and the emulator's test client build with it.

/** EPATH segment type bytes. */
export const PathSegment = {
  Class8: 0x20,
  Class16: 0x21,
  Instance8: 0x24,
  Instance16: 0x25,
  Instance32: 0x26,
  Attribute8: 0x30,
  Attribute16: 0x31,
  Element8: 0x28,
  Element16: 0x29,
  Element32: 0x2a,
  Symbolic: 0x91,
} as const;

/** An ANSI extended symbolic segment: 0x91, length, the name, a pad byte when the length is odd. */
export function symbolicSegment(name: string): Buffer {
  const bytes = Buffer.from(name, "latin1");
  const segment = Buffer.alloc(2 + bytes.length + (bytes.length & 1));
  segment[0] = PathSegment.Symbolic;
  segment.writeUInt8(bytes.length, 1);
  bytes.copy(segment, 2);
  return segment;
}

/** An element (array index) segment, in the smallest of the 8-, 16- and 32-bit forms that holds it. */
export function elementSegment(index: number): Buffer {
  if (index < 0x100) return Buffer.from([PathSegment.Element8, index]);
  if (index < 0x10000) {
    const segment = Buffer.from([PathSegment.Element16, 0, 0, 0]);
    segment.writeUInt16LE(index, 2);
    return segment;
  }
  const segment = Buffer.from([PathSegment.Element32, 0, 0, 0, 0, 0]);
  segment.writeUInt32LE(index, 2);
  return segment;
}

/** Class/instance path with 8-bit segments (16-bit padded instance when needed). */
export function encodeLogicalPath(classId: number, instanceId: number, attributeId?: number): Buffer {
  const parts = [Buffer.from([PathSegment.Class8, classId])];
  if (instanceId < 0x100) parts.push(Buffer.from([PathSegment.Instance8, instanceId]));
  else {
    const segment = Buffer.from([PathSegment.Instance16, 0, 0, 0]);
    segment.writeUInt16LE(instanceId, 2);
    parts.push(segment);
  }
  if (attributeId !== undefined) parts.push(Buffer.from([PathSegment.Attribute8, attributeId]));
  return Buffer.concat(parts);
}
