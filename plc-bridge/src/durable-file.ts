// Replaces a small file so that after a crash or power loss it holds either the old or the new
// content, whole: written to a temporary file, fsynced, renamed over the old one, the folder fsynced
// (without that last step the rename itself may not survive power loss).
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
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
