// Report runs end to end against real PostgreSQL: generateReport queues, the runner renders the
// shift summary in its worker thread and stores the PDF with checksum and size; the text read back
// from the PDF (pdf-parse) holds the API's own figures for the same scope; a cancelled run stays
// cancelled; a template not rendered yet fails with its reason.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@ms5/db";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { percentText } from "../report-rendering/shift-report-content.ts";
import { openReportingTestPlant, type ReportingTestPlant } from "../testing/reporting-test-plant.ts";

const NOW = new Date("2026-12-09T13:00:00Z");
const SHIFT_START = new Date("2026-12-09T04:00:00Z");
const SHIFT_END = new Date("2026-12-09T12:00:00Z");
const at = (iso: string) => new Date(`2026-12-09T${iso}Z`);

const GENERATE = `mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id status } }`;
const CANCEL = `mutation ($id: ID!) { cancelReportRun(id: $id) { id status } }`;
const LINE_OEE = `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!]) {
  oeeAnalytics(from: $from, to: $to, groupBy: [LINE], lineIds: $lineIds) {
    edges { node { figures { availability performance quality oee goodCount rejectCount } } } } }`;

let plant: ReportingTestPlant;
let prisma: PrismaClient;
let token: string;
let lineId: string;

async function generate(templateKey: string): Promise<string> {
  const response = await plant.call<{ generateReport: { id: string } }>(token, GENERATE, {
    input: { templateKey, from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString(), lineIds: [lineId] },
  });
  expect(response.errors).toBeUndefined();
  return response.data!.generateReport.id;
}

beforeAll(async () => {
  plant = await openReportingTestPlant(inject("testRun"), NOW, { rollup: { now: () => NOW }, runner: false });
  await plant.subgraph.rollup.stop();
  prisma = plant.db.prisma;
  token = await plant.tokenOf("pmanager");
  lineId = (await prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } })).id;
  const baggerId = (await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } })).id;
  await prisma.equipmentStateChange.createMany({
    data: [
      { equipmentId: baggerId, state: "RUNNING", startedAt: SHIFT_START, endedAt: at("06:00:00") },
      { equipmentId: baggerId, state: "DOWN", startedAt: at("06:00:00"), endedAt: at("06:40:00") },
      { equipmentId: baggerId, state: "RUNNING", startedAt: at("06:40:00"), endedAt: null },
    ],
  });
  await prisma.downtimeEvent.create({
    data: { equipmentId: baggerId, lineId, startedAt: at("06:00:00"), endedAt: at("06:40:00"), category: "UNPLANNED" },
  });
  await prisma.productionCount.createMany({
    data: Array.from({ length: 8 }, (_, hour) => ({
      equipmentId: baggerId,
      lineId,
      recordedAt: new Date(SHIFT_START.getTime() + hour * 3_600_000 + 1_800_000),
      goodDelta: 900 + hour,
      rejectDelta: 7,
    })),
  });
  await plant.subgraph.rollup.runPass();
}, 120_000);

afterAll(async () => {
  await plant?.close();
});

describe("a shift summary run", () => {
  it("is rendered off the request path and stored with its checksum and size, its text holding the API's figures", async () => {
    const id = await generate("shift-summary");
    expect((await prisma.reportRun.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
    expect(await plant.subgraph.runner.runQueued()).toBe(1);
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id } });
    expect(run.error).toBeNull();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.progress).toBe(1);
    const pdf = await readFile(path.join(plant.reportDirectory, run.fileKey!));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(run.fileSizeBytes).toBe(pdf.length);
    expect(run.fileSha256).toBe(createHash("sha256").update(pdf).digest("hex"));

    const api = await plant.call<{
      oeeAnalytics: { edges: { node: { figures: Record<string, number> } }[] };
    }>(token, LINE_OEE, { from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString(), lineIds: [lineId] });
    const figures = api.data!.oeeAnalytics.edges[0]!.node.figures;
    expect(figures.goodCount).toBe(8 * 900 + 28);
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const text = (await parser.getText()).text.replace(/\s+/g, " ");
    await parser.destroy();
    expect(text).toContain("Bagging Line 1");
    expect(text).toContain("Riverside Mill");
    expect(text).toContain("Africa/Johannesburg");
    expect(text).toContain("page 1 of 1");
    expect(text).toContain(`Availability ${percentText(figures.availability!)}`);
    expect(text).toContain(`Performance ${percentText(figures.performance!)}`);
    expect(text).toContain(`Quality ${percentText(figures.quality!)}`);
    expect(text).toContain(`OEE ${percentText(figures.oee!)}`);
    expect(text).toContain(`Good ${figures.goodCount}`);
    expect(text).toContain(`Reject ${figures.rejectCount}`);
    // The 40-minute stop, in the Pareto.
    expect(text).toContain("40 min (1)");
  });

  it("once cancelled while queued, is never rendered, and a second cancel is refused with INVALID_STATE_TRANSITION", async () => {
    const id = await generate("shift-summary");
    const cancelled = await plant.call<{ cancelReportRun: { status: string } }>(token, CANCEL, { id });
    expect(cancelled.data?.cancelReportRun.status).toBe("CANCELLED");
    expect(await plant.subgraph.runner.runQueued()).toBe(0);
    const again = await plant.call(token, CANCEL, { id });
    expect(again.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id } });
    expect(run.status).toBe("CANCELLED");
    expect(run.fileKey).toBeNull();
  });

  it("of a template not rendered yet fails with the reason recorded", async () => {
    const id = await generate("oee-trend");
    await plant.subgraph.runner.runQueued();
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/not rendered yet/);
  });
});
