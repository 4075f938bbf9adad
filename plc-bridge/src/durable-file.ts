// Replaces a small file so that after a crash or power loss it holds either the old or the new
// content, whole: written to a temporary file, fsynced, renamed over the old one, the folder fsynced
// (without that last step the rename itself may not survive power loss).
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";

export function replaceFileDurably(file: string, content: string): void {
  const temporary = `${file}.tmp`;
  const data = Buffer.from(content);
  const fd = openSync(temporary, "w");
  try {
    let written = 0;
    // writeSync may write less than asked (a full disk); a short write is finished or fails, never ignored.
    while (written < data.length) {
      const n = writeSync(fd, data, written, data.length - written);
      if (n <= 0) throw new Error(`${temporary}: the file system took no bytes`);
      written += n;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  fsyncDirectory(path.dirname(file));
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** As replaceFileDurably, off the event loop: an fsync on a busy disk takes tens of milliseconds. */
export async function replaceFileDurablyAsync(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, "w");
  try {
    // FileHandle.writeFile loops over short writes itself.
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
