// The data of a Multiple Service Packet (service 0x0A), request and reply alike: the service count,
// an offset table (from the start of the data) and the embedded requests or replies.

/** Bytes of each entry of the offset table. */
export const SERVICE_OFFSET_BYTES = 2;

/** Lays out `items` (embedded requests, or the replies to them) behind their count and offsets. */
export function encodeMultipleServiceData(items: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(2 + SERVICE_OFFSET_BYTES * items.length);
  header.writeUInt16LE(items.length, 0);
  let offset = header.length;
  items.forEach((item, i) => {
    header.writeUInt16LE(offset, 2 + i * SERVICE_OFFSET_BYTES);
    offset += item.length;
  });
  return Buffer.concat([header, ...items]);
}
