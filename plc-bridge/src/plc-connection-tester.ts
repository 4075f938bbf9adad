// Answers "test this PLC connection" for the API (in a segmented plant only the bridge reaches the
// PLCs): takes requests from a Redis list, connects with a fresh driver, reads the identity (where
// the driver can) and the given tags, and pushes the answer, per tag, to the request's reply list.
// The contract is @ms5/schema's plc-connection-test.ts.
import type { Logger, RedisClient } from "@ms5/kit";
import {
  PLC_TEST_REPLY_TTL_S,
  PLC_TEST_VERSION,
  type PlcSymbol,
  type PlcTestReply,
  type PlcTestRequest,
  type PlcTestTagResult,
  plcTestReplyKey,
  plcTestRequestsKey,
} from "@ms5/schema";
import { z } from "zod";
import type { CipIdentity } from "./cip/cip-identity.ts";
import { browseLogixSymbols } from "./driver/logix-symbol-browse.ts";
import type { PlcDriver, PlcEndpoint, TagSpec, TagValue } from "./driver/plc-driver.ts";
import { createPlcDriver, PLC_DRIVER_NAMES, type PlcDriverName } from "./driver/plc-driver-registry.ts";
import { tagAddressProblem } from "./driver/tag-address-check.ts";
import { TAG_TYPES } from "./plant-config.ts";

const requestSchema = z.object({
  v: z.literal(PLC_TEST_VERSION),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "request ids are letters, digits, '-' and '_'"),
  plc: z.object({
    driver: z.enum(PLC_DRIVER_NAMES as [PlcDriverName, ...PlcDriverName[]]),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535),
    slot: z.number().int().min(0).max(255),
    timeoutMs: z.number().int().min(50).max(30_000),
    connected: z.boolean(),
  }),
  tags: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        type: z.enum(TAG_TYPES),
        length: z.number().int().min(1).max(1000).optional(),
      }),
    )
    .max(100),
  browse: z.boolean().optional(),
  deadline: z.number(),
});

export interface PlcConnectionTesterOptions {
  redis: RedisClient;
  keyPrefix: string;
  logger: Logger;
  /** How long one BRPOP waits before looking again. @default 5 */
  blockSeconds?: number;
  createDriver?: (driver: PlcDriverName, endpoint: PlcEndpoint) => PlcDriver;
  browseSymbols?: (endpoint: PlcEndpoint) => Promise<PlcSymbol[]>;
  now?: () => number;
}

/** A driver that can read the controller's Identity object (the SLC driver can). */
interface IdentityReader {
  readIdentity(): Promise<CipIdentity>;
}

export class PlcConnectionTester {
  private blocking: RedisClient | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Requests answered since start, and those skipped because their deadline had passed. */
  readonly counters = { answered: 0, expired: 0, malformed: 0 };

  constructor(private readonly options: PlcConnectionTesterOptions) {}

  async start(): Promise<void> {
    // BRPOP blocks its connection: a connection of its own
    const blocking = this.options.redis.duplicate();
    blocking.on("error", (error: Error) => this.options.logger.warn({ err: error }, "PLC test request listener error"));
    await blocking.connect();
    this.blocking = blocking;
    this.loop = this.run(blocking);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.blocking?.destroy();
    await this.loop;
  }

  /** Connects, reads and answers one request (without Redis); exposed for tests. */
  async answer(request: PlcTestRequest): Promise<PlcTestReply> {
    const started = performance.now();
    const reply = (fields: Omit<PlcTestReply, "v" | "requestId" | "ms">): PlcTestReply => ({
      v: PLC_TEST_VERSION,
      requestId: request.requestId,
      ...fields,
      ms: Math.round(performance.now() - started),
    });
    const driverName = request.plc.driver as PlcDriverName;
    const results = new Array<PlcTestTagResult>(request.tags.length);
    const toRead: { index: number; spec: TagSpec }[] = [];
    request.tags.forEach((tag, index) => {
      const spec = { name: tag.name, type: tag.type, ...(tag.length ? { length: tag.length } : {}) } as TagSpec;
      const problem = tagAddressProblem(driverName, spec);
      if (problem) results[index] = { name: tag.name, ok: false, error: problem };
      else toRead.push({ index, spec });
    });
    const create = this.options.createDriver ?? createPlcDriver;
    const driver = create(driverName, { ...request.plc });
    try {
      await driver.connect();
      const identity = isIdentityReader(driver) ? await driver.readIdentity() : undefined;
      const read = toRead.length > 0 ? await driver.readTags(toRead.map((t) => t.spec)) : [];
      read.forEach((result, i) => {
        results[toRead[i]!.index] = result.ok
          ? { name: result.name, ok: true, value: jsonValue(result.value) }
          : {
              name: result.name,
              ok: false,
              error: result.error,
              ...(result.code === undefined ? {} : { code: result.code }),
            };
      });
      const browsed = request.browse ? await this.browse(driverName, request) : {};
      return reply({
        ok: true,
        ...(identity ? { identity: identityFields(identity) } : {}),
        tags: results,
        ...browsed,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const { index, spec } of toRead) results[index] = { name: spec.name, ok: false, error: message };
      return reply({ ok: false, error: message, tags: results });
    } finally {
      await driver.close();
    }
  }

  /** The symbol list, or why there is none; the connection test's answer stands either way. */
  private async browse(
    driverName: PlcDriverName,
    request: PlcTestRequest,
  ): Promise<Pick<PlcTestReply, "symbols" | "browseError">> {
    if (driverName !== "LOGIX") {
      return { browseError: `a ${driverName} controller has no symbol list: type its data-table addresses` };
    }
    try {
      const browse = this.options.browseSymbols ?? browseLogixSymbols;
      return { symbols: await browse({ ...request.plc }) };
    } catch (error) {
      return { browseError: error instanceof Error ? error.message : String(error) };
    }
  }

  private async run(blocking: RedisClient): Promise<void> {
    const { keyPrefix, logger } = this.options;
    const key = plcTestRequestsKey(keyPrefix);
    while (!this.stopped) {
      let raw: string | undefined;
      try {
        const popped = await blocking.brPop(key, this.options.blockSeconds ?? 5);
        raw = popped?.element;
      } catch (error) {
        if (this.stopped) return;
        logger.warn({ err: error }, "PLC test request listener: BRPOP failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (raw === undefined) continue;
      await this.handle(raw);
    }
  }

  private async handle(raw: string): Promise<void> {
    const { logger } = this.options;
    let request: PlcTestRequest;
    try {
      const parsed = requestSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        this.counters.malformed++;
        const requestId = (JSON.parse(raw) as { requestId?: unknown }).requestId;
        logger.warn({ issues: parsed.error.issues }, "refused a malformed PLC test request");
        // An id we can name a reply list by gets told why; anything else has nobody to tell
        if (typeof requestId === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(requestId)) {
          const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
          await this.send({
            v: PLC_TEST_VERSION,
            requestId,
            ok: false,
            error: `request refused: ${problems}`,
            tags: [],
            ms: 0,
          });
        }
        return;
      }
      request = parsed.data as PlcTestRequest;
    } catch (error) {
      this.counters.malformed++;
      logger.warn({ err: error }, "refused a PLC test request that is not JSON");
      return;
    }
    if ((this.options.now ?? Date.now)() > request.deadline) {
      this.counters.expired++;
      return;
    }
    const reply = await this.answer(request);
    this.counters.answered++;
    logger.info(
      { requestId: request.requestId, host: request.plc.host, ok: reply.ok, ms: reply.ms },
      "answered a PLC connection test",
    );
    await this.send(reply).catch((error: unknown) => logger.warn({ err: error }, "could not send a PLC test reply"));
  }

  private async send(reply: PlcTestReply): Promise<void> {
    const { redis, keyPrefix } = this.options;
    const key = plcTestReplyKey(reply.requestId, keyPrefix);
    await redis.multi().lPush(key, JSON.stringify(reply)).expire(key, PLC_TEST_REPLY_TTL_S).exec();
  }
}

function isIdentityReader(driver: PlcDriver): driver is PlcDriver & IdentityReader {
  return typeof (driver as Partial<IdentityReader>).readIdentity === "function";
}

function identityFields(identity: CipIdentity): NonNullable<PlcTestReply["identity"]> {
  const { vendorId, deviceType, productCode, revision, serialNumber, productName } = identity;
  return { vendorId, deviceType, productCode, revision, serialNumber, productName };
}

/** A tag value as JSON: LINT (bigint) as a decimal string, arrays element by element. */
function jsonValue(value: TagValue): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map((element) => (typeof element === "bigint" ? element.toString() : element));
  return value;
}
