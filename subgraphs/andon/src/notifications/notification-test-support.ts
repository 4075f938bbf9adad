// What the notification, alert and maintenance tests share: a fresh database of the run, users
// made directly (no seed: these tests need a handful of rows), and a real SMTP server on port 0.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { PrismaClient, Role } from "@ms5/db";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { SMTPServer } from "smtp-server";

export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export function openTestDatabase(run: TestRunServices): Promise<TestDatabase> {
  return createTestDatabase({
    serverUrl: run.databaseServerUrl,
    runId: run.runId,
    templateDatabase: run.templateDatabase,
  });
}

export async function insertTestUser(
  prisma: PrismaClient,
  options: { roles?: Role[]; email?: string | null; active?: boolean } = {},
) {
  const unique = randomUUID().slice(0, 8);
  return prisma.user.create({
    data: {
      employeeId: `T${unique}`,
      username: `user-${unique}`,
      firstName: "Test",
      lastName: unique,
      email: options.email === undefined ? `user-${unique}@plant.test` : options.email,
      roles: options.roles ?? ["SHIFT_MANAGER"],
      active: options.active ?? true,
      passwordHash: "not-a-real-hash",
    },
  });
}

/** A header as a person reads it: folded lines joined, RFC 2047 encoded words (Q or B) decoded. */
function decodeHeader(value: string): string {
  return value
    .replace(/\r?\n[ \t]/g, " ")
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_word, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(
              text
                .replace(/_/g, " ")
                .replace(/=([0-9A-Fa-f]{2})/g, (_hex, code: string) => String.fromCharCode(Number.parseInt(code, 16))),
              "latin1",
            );
      return new TextDecoder(charset).decode(bytes);
    })
    .trim();
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Messages whose data the server holds without answering, while `hold()` is in force. */
  held: number;
  /** Stops answering DATA until `release()`: a relay that is slow, without timing anything. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (no TLS, no auth) that keeps every message it accepts. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  const state = { held: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((address) => address.address),
          raw,
          subject: decodeHeader(raw.match(/^Subject: (.*(?:\r?\n[ \t].*)*)/m)?.[1] ?? ""),
        });
        if (!gate) return callback();
        state.held++;
        void gate.then(() => {
          state.held--;
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    get held() {
      return state.held;
    },
    hold() {
      gate ??= new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = null;
      open();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One line with one piece of equipment (a bagger), unique codes so tests can share a database. */
export async function insertTestEquipment(prisma: PrismaClient) {
  const { insertTestLines } = await import("@ms5/kit/subgraph/testing");
  const { bagging } = await insertTestLines(prisma);
  const equipment = await prisma.equipment.create({
    data: {
      lineId: bagging.id,
      code: `bagger-${randomUUID().slice(0, 8)}`,
      name: "Bagger 1",
      kind: "bagger",
      isConstraint: true,
      targetSpeedPerMinute: 40,
    },
  });
  return { line: bagging, equipment };
}
