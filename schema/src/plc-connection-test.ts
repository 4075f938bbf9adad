// The wire contract of "test a PLC connection": the API asks, the PLC bridge (the one process that
// reaches the PLCs in a segmented plant) connects, reads the controller's identity and the given
// tags, and answers per tag. Carried by two Redis lists; see PROTOCOL.md, "PLC connection tests".

/** Redis list the bridge takes requests from (the API LPUSHes, the bridge BRPOPs). */
export function plcTestRequestsKey(prefix = "ms5:"): string {
  return `${prefix}plc-test:requests`;
}

/** Redis list one request's reply is pushed to (the API BRPOPs it); it expires after PLC_TEST_REPLY_TTL_S. */
export function plcTestReplyKey(requestId: string, prefix = "ms5:"): string {
  return `${prefix}plc-test:reply:${requestId}`;
}

/** Seconds a reply waits for the API before Redis drops it. */
export const PLC_TEST_REPLY_TTL_S = 60;

/** Wire version of requests and replies. */
export const PLC_TEST_VERSION = 1;

export interface PlcTestRequest {
  v: typeof PLC_TEST_VERSION;
  /** Chosen by the asker, unique; names the reply list. */
  requestId: string;
  plc: {
    /** A driver the bridge's registry knows ("LOGIX", "SLC_PCCC"). */
    driver: string;
    host: string;
    port: number;
    slot: number;
    timeoutMs: number;
    connected: boolean;
  };
  /** Tags to read, in the driver's address syntax; at most 100. */
  tags: { name: string; type: string; length?: number }[];
  /** Also list the controller's symbols (Logix only: the Symbol object's instance list). */
  browse?: boolean;
  /** Epoch ms after which nobody waits for the answer: the bridge skips a request it takes later. */
  deadline: number;
}

/** One tag's outcome: the value as JSON (a LINT as a decimal string) or why it could not be read. */
export type PlcTestTagResult =
  | { name: string; ok: true; value: unknown }
  | { name: string; ok: false; error: string; code?: number };

/** One symbol of a Logix controller: `Program:<program>.<name>` when it has a program. */
export interface PlcSymbol {
  name: string;
  program?: string;
  /** The atomic type (DINT, REAL, ...) or the structure's name. */
  type: string;
  structure: boolean;
  /** 0 for a scalar, else the number of array dimensions. */
  arrayDims: number;
}

export interface PlcTestReply {
  v: typeof PLC_TEST_VERSION;
  requestId: string;
  /** Connected (and, where the driver reads it, identity read); tags may still fail one by one. */
  ok: boolean;
  /** Why the connection failed (refused, timeout, protocol) or the request was refused. */
  error?: string;
  /** The controller's Identity object, where the driver reads it. */
  identity?: {
    vendorId: number;
    deviceType: number;
    productCode: number;
    revision: string;
    serialNumber: number;
    productName: string;
  };
  tags: PlcTestTagResult[];
  /** The controller's symbols when asked to browse: controller scope first, then each program's. */
  symbols?: PlcSymbol[];
  /** Why the browse failed when the connection itself held (an SLC has no symbols; a timeout). */
  browseError?: string;
  /** Time the bridge spent on it. */
  ms: number;
}
