// Whole WebSocket frames, encoded once and written to many connections' sockets as they are.
//
// A broadcast to thousands of subscribers is one socket write per subscriber, and that write's
// system call is most of the fan-out's cost (CPU profiles of `pnpm bench:gateway`). ws's send()
// frames each message again per socket and writes header and payload as two buffers (cork, two
// writes, uncork: a writev); a frame encoded once per broadcast is one plain write per socket, with
// nothing allocated per socket.
//
// Writing beside ws on the same socket is safe because ws writes every frame whole and at once, in
// call order: it queues frames only while compressing (permessage-deflate, which the gateway's
// server turns off) or while reading a Blob (the gateway sends none), and it never sends a message
// in fragments. So a frame written here lands between ws's frames, never inside one.
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";

/** An unmasked text frame with FIN set, as a server sends a whole message (RFC 6455, section 5.2). */
export function serverTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength, "utf8");
  return frame;
}

/**
 * The socket under each WebSocket, recorded when the server upgrades it, so pre-encoded frames can
 * be written to it (the server must run without permessage-deflate: see above).
 */
export class FrameWriter {
  private readonly transports = new WeakMap<WebSocket, Duplex>();

  /** handleUpgrade's callback wrapped so the upgraded socket is recorded first. */
  recording(transport: Duplex, upgraded: (socket: WebSocket) => void): (socket: WebSocket) => void {
    return (socket) => {
      this.transports.set(socket, transport);
      upgraded(socket);
    };
  }

  /** Writes `frame` (from serverTextFrame) to `socket` if it is open; every socket it is given came through `recording`. */
  write(socket: WebSocket, frame: Buffer): void {
    if (socket.readyState === socket.OPEN) this.transports.get(socket)?.write(frame);
  }
}
