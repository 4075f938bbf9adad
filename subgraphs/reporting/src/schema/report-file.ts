// A finished run's PDF: a short-lived signed download link for the caller (served by the gateway,
// which checks the caller's permissions again at download), and the file itself in chunks for the
// gateway to stream, read only by a caller with report:read.
import { open } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";
import { REPORT_DOWNLOAD_LINK_LIFETIME_MS, reportDownloadPath } from "@ms5/schema/report-download-link";
import { builder, uuidArgument } from "../builder.ts";

/** @default 1 MiB: the largest chunk one reportRunFile call returns. */
export const MAX_REPORT_FILE_CHUNK_BYTES = 1024 * 1024;

const ReportDownloadLinkRef = builder.objectRef<{ path: string; expiresAt: Date }>("ReportDownloadLink").implement({
  fields: (t) => ({
    path: t.exposeString("path", { description: "Path and query at the gateway's origin; works until expiresAt." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

const ReportFileChunkRef = builder
  .objectRef<{ totalBytes: number; offset: number; contentType: string; fileName: string; base64: string }>(
    "ReportFileChunk",
  )
  .implement({
    fields: (t) => ({
      totalBytes: t.exposeInt("totalBytes"),
      offset: t.exposeInt("offset"),
      contentType: t.exposeString("contentType"),
      fileName: t.exposeString("fileName"),
      base64: t.exposeString("base64"),
    }),
  });

async function finishedRun(prisma: PrismaClient, rawId: string | number) {
  const id = uuidArgument(rawId, "id");
  const run = await prisma.reportRun.findUnique({ where: { id }, include: { template: true } });
  if (!run) throw new ApiError("NOT_FOUND", `There is no report run ${id}.`);
  if (run.status !== "SUCCEEDED" || !run.fileKey) {
    throw new ApiError(
      "INVALID_STATE_TRANSITION",
      `The report run is ${run.status.toLowerCase()}; it has no file to download.`,
    );
  }
  return run;
}

builder.queryFields((t) => ({
  reportRunDownloadLink: t.field({
    type: ReportDownloadLinkRef,
    description: "A link to download a finished run's PDF at the gateway, valid for five minutes, for the caller only.",
    authScopes: { permission: "report:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, { prisma, identity, reportingFiles }) => {
      const run = await finishedRun(prisma, args.id);
      if (identity.kind !== "user") {
        throw new ApiError("FORBIDDEN", "Download links are for people; a service account reads reportRunFile.");
      }
      const files = reportingFiles;
      if (!files) throw new Error("report files are not served by this instance");
      const expiresAt = Date.now() + REPORT_DOWNLOAD_LINK_LIFETIME_MS;
      return {
        path: reportDownloadPath(files.linkSecret, { runId: run.id, userId: identity.userId, expiresAt }),
        expiresAt: new Date(expiresAt),
      };
    },
  }),
  reportRunFile: t.field({
    type: ReportFileChunkRef,
    description:
      "Bytes of a finished run's PDF from `offset` (at most 1 MiB per call), base64: how the gateway streams a download.",
    authScopes: { permission: "report:read" },
    args: {
      id: t.arg.id({ required: true }),
      offset: t.arg.int({ required: true }),
      length: t.arg.int({ required: true }),
    },
    resolve: async (_root, args, { prisma, reportingFiles }) => {
      if (!Number.isInteger(args.offset) || args.offset < 0)
        throw new ApiError("BAD_USER_INPUT", "offset must be 0 or more.");
      if (!Number.isInteger(args.length) || args.length < 1 || args.length > MAX_REPORT_FILE_CHUNK_BYTES) {
        throw new ApiError("BAD_USER_INPUT", `length must be 1 to ${MAX_REPORT_FILE_CHUNK_BYTES}.`);
      }
      const run = await finishedRun(prisma, args.id);
      const files = reportingFiles;
      if (!files) throw new Error("report files are not served by this instance");
      const handle = await open(path.join(files.reportDirectory, run.fileKey!), "r");
      try {
        const totalBytes = (await handle.stat()).size;
        const length = Math.max(0, Math.min(args.length, totalBytes - args.offset));
        const buffer = Buffer.alloc(length);
        if (length > 0) await handle.read(buffer, 0, length, args.offset);
        return {
          totalBytes,
          offset: args.offset,
          contentType: run.contentType ?? "application/pdf",
          fileName: `${run.template.key}-${run.queuedAt.toISOString().slice(0, 10)}-${run.id.slice(0, 8)}.pdf`,
          base64: buffer.toString("base64"),
        };
      } finally {
        await handle.close();
      }
    },
  }),
}));
