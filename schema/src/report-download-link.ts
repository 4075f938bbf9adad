// The short-lived signed link a report run's PDF is downloaded through at the gateway:
// GET /downloads/reports/<run id>.pdf?user=<user id>&expires=<epoch ms>&signature=<hex>. The reporting
// subgraph issues it to a caller who may read the run; the gateway checks the signature and expiry,
// then the user's CURRENT permissions again before a byte is sent. The key is derived from the
// secret the gateway and the subgraphs already share (SUBGRAPH_GATEWAY_SECRET). A subpath of its
// own (@ms5/schema/report-download-link): it needs node:crypto, the rest of the package runs in browsers.
import { createHmac, timingSafeEqual } from "node:crypto";

export const REPORT_DOWNLOAD_PATH_PREFIX = "/downloads/reports/";

/** @default 5 minutes: how long a link works. */
export const REPORT_DOWNLOAD_LINK_LIFETIME_MS = 5 * 60_000;

export interface ReportDownloadLink {
  runId: string;
  userId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function signatureOf(secret: string, link: ReportDownloadLink): string {
  const key = createHmac("sha256", secret).update("ms5 report download link v1").digest();
  return createHmac("sha256", key).update(`${link.runId}|${link.userId}|${link.expiresAt}`).digest("hex");
}

/** The link's path and query, to be put after the gateway's origin. */
export function reportDownloadPath(secret: string, link: ReportDownloadLink): string {
  const query = new URLSearchParams({
    user: link.userId,
    expires: String(link.expiresAt),
    signature: signatureOf(secret, link),
  });
  return `${REPORT_DOWNLOAD_PATH_PREFIX}${link.runId}.pdf?${query}`;
}

export type ReportDownloadLinkCheck =
  | { ok: true; link: ReportDownloadLink }
  | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

/** Checks a requested path and query against every secret in force (new first during a rotation). */
export function checkReportDownloadLink(
  secrets: readonly string[],
  pathname: string,
  search: URLSearchParams,
  now: number = Date.now(),
): ReportDownloadLinkCheck {
  const runId = pathname.startsWith(REPORT_DOWNLOAD_PATH_PREFIX)
    ? pathname.slice(REPORT_DOWNLOAD_PATH_PREFIX.length).replace(/\.pdf$/, "")
    : "";
  const userId = search.get("user") ?? "";
  const expiresAt = Number(search.get("expires"));
  const signature = search.get("signature") ?? "";
  if (
    !UUID.test(runId) ||
    !UUID.test(userId) ||
    !Number.isSafeInteger(expiresAt) ||
    !/^[0-9a-f]{64}$/.test(signature)
  ) {
    return { ok: false, reason: "malformed" };
  }
  const link = { runId, userId, expiresAt };
  const given = Buffer.from(signature, "hex");
  const valid = secrets.some((secret) => timingSafeEqual(Buffer.from(signatureOf(secret, link), "hex"), given));
  if (!valid) return { ok: false, reason: "bad-signature" };
  if (expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, link };
}
