// Report downloads at the gateway. A run's PDF through its short-lived signed link
// (GET /downloads/reports/<id>.pdf?...): the signature and expiry are checked, then the user named
// in the link is read again (still active, current roles) and the file is fetched as that user
// through the supergraph (reportRunFile, which needs report:read), chunk after chunk, so a user who
// lost report:read since the link was issued gets 403 and no byte. And CSV exports of the analytics
// queries (GET /exports/<query>.csv?from=...&to=...), run as the caller (bearer token or API key)
// page after page and streamed as they come: the export is exactly as authorized as the query.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PrismaClient, Role } from "@ms5/db";
import { type AccessTokenOptions, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import type { ErrorCode } from "@ms5/schema";
import { checkReportDownloadLink, REPORT_DOWNLOAD_PATH_PREFIX } from "@ms5/schema/report-download-link";
import { CSV_EXPORTS, csvLine } from "./analytics-csv-exports.ts";
import { HttpRefusal } from "./http-json.ts";

export const REPORT_DOWNLOAD_DEFAULTS = {
  /** @default 256 KiB of the PDF fetched per call to the reporting subgraph. */
  chunkBytes: 256 * 1024,
  /** @default 500 rows per page of an analytics query while exporting CSV. */
  csvPageSize: 500,
} as const;

export const CSV_EXPORT_PATH_PREFIX = "/exports/";

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: { code?: unknown } }[];
}

export interface ReportDownloadOptions {
  prisma: PrismaClient;
  signingKeys: SigningKeyRing;
  accessToken?: AccessTokenOptions;
  /** SUBGRAPH_GATEWAY_SECRET (new first during a rotation): download links are signed with a key derived from it. */
  gatewaySecrets: readonly string[];
  /** Runs an operation through the supergraph with this Authorization (as /graphql would). */
  execute(authorization: string | undefined, query: string, variables: Record<string, unknown>): Promise<GraphQLResult>;
  /** The caller's Authorization for an export, its API key verified (throws AuthError when it fails). */
  authorizationOf(req: IncomingMessage): Promise<string | undefined>;
}

const STATUS_OF: Partial<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  INVALID_STATE_TRANSITION: 409,
  QUERY_TOO_COMPLEX: 400,
};

/** The first error of a result as a refusal with its HTTP status; null when there was none. */
function refusalOf(result: GraphQLResult): HttpRefusal | null {
  const error = result.errors?.[0];
  if (!error) return null;
  const code = String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR");
  return new HttpRefusal(STATUS_OF[code] ?? 502, code as ErrorCode, error.message);
}

const FILE_CHUNK = `query ($id: ID!, $offset: Int!, $length: Int!) {
  reportRunFile(id: $id, offset: $offset, length: $length) { totalBytes offset contentType fileName base64 } }`;

interface FileChunk {
  totalBytes: number;
  contentType: string;
  fileName: string;
  base64: string;
}

export function createReportDownloads(options: ReportDownloadOptions) {
  const chunkBytes = REPORT_DOWNLOAD_DEFAULTS.chunkBytes;

  async function chunkAt(authorization: string, id: string, offset: number): Promise<FileChunk> {
    const result = await options.execute(authorization, FILE_CHUNK, { id, offset, length: chunkBytes });
    const refusal = refusalOf(result);
    if (refusal) throw refusal;
    return result.data!.reportRunFile as FileChunk;
  }

  async function downloadPdf(res: ServerResponse, url: URL): Promise<void> {
    const checked = checkReportDownloadLink(options.gatewaySecrets, url.pathname, url.searchParams);
    if (!checked.ok) {
      throw checked.reason === "expired"
        ? new HttpRefusal(403, "FORBIDDEN", "The download link has expired; ask for a new one.")
        : new HttpRefusal(403, "FORBIDDEN", "The download link is not valid.");
    }
    const { runId, userId } = checked.link;
    // Checked again now: the link may be minutes old, and the user deactivated or their roles changed since.
    const user = await options.prisma.user.findUnique({ where: { id: userId } });
    if (!user?.active) throw new HttpRefusal(403, "FORBIDDEN", "The download link's user may no longer sign in.");
    const { token } = await issueAccessToken(
      options.signingKeys,
      { kind: "user", userId: user.id, name: user.username, roles: user.roles as Role[] },
      options.accessToken,
    );
    const authorization = `Bearer ${token}`;
    const first = await chunkAt(authorization, runId, 0);
    const safeName = first.fileName.replace(/[^\w.-]/g, "_");
    res.writeHead(200, {
      "content-type": first.contentType,
      "content-length": String(first.totalBytes),
      "content-disposition": `attachment; filename="${safeName}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    let sent = 0;
    let chunk = first;
    for (;;) {
      const bytes = Buffer.from(chunk.base64, "base64");
      sent += bytes.length;
      if (!res.write(bytes)) await new Promise((resolve) => res.once("drain", resolve));
      if (bytes.length === 0 || sent >= first.totalBytes) break;
      chunk = await chunkAt(authorization, runId, sent);
    }
    res.end();
    if (sent !== first.totalBytes) throw new Error(`report file ${runId} changed while it was sent`);
  }

  async function exportCsv(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = url.pathname.slice(CSV_EXPORT_PATH_PREFIX.length).replace(/\.csv$/, "");
    const definition = Object.hasOwn(CSV_EXPORTS, name) ? CSV_EXPORTS[name] : undefined;
    if (!definition) {
      throw new HttpRefusal(
        404,
        "NOT_FOUND",
        `There is no export "${name}"; exports are ${Object.keys(CSV_EXPORTS).join(", ")}.`,
      );
    }
    const variables: Record<string, unknown> = {};
    for (const [key, value] of url.searchParams) {
      if (key === "first" || key === "after") continue;
      variables[key] = definition.listArguments.includes(key) ? value.split(",").filter(Boolean) : value;
    }
    for (const required of definition.requiredArguments) {
      if (variables[required] === undefined)
        throw new HttpRefusal(400, "BAD_USER_INPUT", `The export needs ${required}.`);
    }
    const authorization = await options.authorizationOf(req);
    let after: string | null = null;
    let headerSent = false;
    for (;;) {
      const result = await options.execute(authorization, definition.query, {
        ...variables,
        first: REPORT_DOWNLOAD_DEFAULTS.csvPageSize,
        after,
      });
      const refusal = refusalOf(result);
      if (refusal) {
        if (!headerSent) throw refusal;
        // Mid-stream: the client sees a cut chunked body, never a short file that looks whole.
        res.destroy(refusal);
        return;
      }
      const connection = result.data![definition.field] as {
        edges: { node: Record<string, unknown> }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      if (!headerSent) {
        res.writeHead(200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${name}.csv"`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
        res.write(csvLine(definition.columns.map((c) => c.header)));
        headerSent = true;
      }
      const lines = connection.edges.map(({ node }) => csvLine(definition.columns.map((c) => c.value(node)))).join("");
      if (lines && !res.write(lines)) await new Promise((resolve) => res.once("drain", resolve));
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
      after = connection.pageInfo.endCursor;
    }
    res.end();
  }

  return {
    /** Serves the request when it is a download or an export; false otherwise. */
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = new URL(req.url ?? "/", "http://gateway");
      const isPdf = url.pathname.startsWith(REPORT_DOWNLOAD_PATH_PREFIX);
      const isCsv = url.pathname.startsWith(CSV_EXPORT_PATH_PREFIX);
      if (!isPdf && !isCsv) return false;
      res.setHeader("cache-control", "no-store");
      if (req.method !== "GET")
        throw new HttpRefusal(405, "BAD_USER_INPUT", "Downloads are GET requests.", { allow: "GET" });
      if (isPdf) await downloadPdf(res, url);
      else await exportCsv(req, res, url);
      return true;
    },
  };
}
