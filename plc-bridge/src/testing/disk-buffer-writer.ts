// Test helper process: appends numbered entries to a disk buffer forever, printing the last
// sequence number after each append returns, until it is killed.
import { DiskBuffer } from "../disk-buffer.ts";

const buffer = new DiskBuffer({ dir: process.argv[2]!, segmentBytes: 64 * 1024 });
let seq = 0;
for (;;) {
  const batch = Array.from({ length: 50 }, () => {
    seq++;
    return { key: "ms5:{t}:telemetry", plc: "PLC-K", seq, fields: { seq: String(seq), value: "x".repeat(40) } };
  });
  buffer.append(batch);
  process.stdout.write(`${seq}\n`);
  await new Promise((resolve) => setImmediate(resolve));
}
