// Report runs end to end against real PostgreSQL: generateReport queues, the runner renders each of
// the seven templates in its worker thread and stores the PDF with checksum and size; the text read
// back from every PDF (pdf-parse) holds the API's own figures for the same scope; each first page,
// rendered to an image with poppler's pdftoppm, is not blank and is kept as the docs' screenshot; a
// cancelled run stays cancelled.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { equipmentReliability } from "@ms5/andon/maintenance";
import { andonStatistics } from "@ms5/andon/statistics";
import type { PrismaClient } from "@ms5/db";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { minutesText, percentText } from "../report-content/report-content.ts";
import { NO_QUALITY_DATA } from "../report-content/shift-summary.ts";
import { openReportingTestPlant, type ReportingTestPlant } from "../testing/reporting-test-plant.ts";

const run = promisify(execFile);
const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");
const NOW = new Date("2026-12-09T13:00:00Z");
const SHIFT_START = new Date("2026-12-09T04:00:00Z");
const SHIFT_END = new Date("2026-12-09T12:00:00Z");
// 9 December in Africa/Johannesburg (UTC+2): the DAY bucket's local day.
const DAY_START = new Date("2026-12-08T22:00:00Z");
const DAY_END = new Date("2026-12-09T22:00:00Z");
const at = (iso: string) => new Date(`2026-12-09T${iso}Z`);

const GENERATE = `mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id status } }`;
const CANCEL = `mutation ($id: ID!) { cancelReportRun(id: $id) { id status } }`;
const RANGE_VARS = "$from: DateTime!, $to: DateTime!, $lineIds: [ID!]";
const LINE_OEE = `query (${RANGE_VARS}) { oeeAnalytics(from: $from, to: $to, groupBy: [LINE], lineIds: $lineIds) {
  edges { node { figures { availability performance quality oee goodCount rejectCount } } } } }`;
const DAY_OEE = `query (${RANGE_VARS}) { oeeAnalytics(from: $from, to: $to, groupBy: [LINE, DAY], lineIds: $lineIds) {
  edges { node { day figures { availability performance quality oee } } } } }`;
const HOURS = `query (${RANGE_VARS}) { productionByHour(from: $from, to: $to, lineIds: $lineIds, first: 100) {
  edges { node { hourStart goodCount targetQuantity } } } }`;
const FAULTS = `query (${RANGE_VARS}) { faultPareto(from: $from, to: $to, lineIds: $lineIds) {
  edges { node { faultCode count firstOutCount totalSeconds } } } }`;
const PARETO = `query (${RANGE_VARS}) { downtimePareto(from: $from, to: $to, by: CATEGORY, lineIds: $lineIds) {
  edges { node { label count totalSeconds meanSeconds share } } } }`;
const KPIS = `query (${RANGE_VARS}) { dailyProductionKpis(from: $from, to: $to, lineIds: $lineIds) {
  edges { node { day goodCount rejectCount scrapCount targetQuantity actualQuantity firstPassYield } } } }`;

let plant: ReportingTestPlant;
let prisma: PrismaClient;
let token: string;
let lineId: string;
let baggerId: string;

async function api<Data>(query: string, from: Date, to: Date): Promise<Data> {
  const response = await plant.call<Data>(token, query, {
    from: from.toISOString(),
    to: to.toISOString(),
    lineIds: [lineId],
  });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

/** Renders a template through generateReport and the runner; returns the PDF and its text, whitespace folded. */
async function rendered(
  templateKey: string,
  from: Date,
  to: Date,
): Promise<{ pdf: Buffer; text: string; file: string }> {
  const response = await plant.call<{ generateReport: { id: string } }>(token, GENERATE, {
    input: { templateKey, from: from.toISOString(), to: to.toISOString(), lineIds: [lineId] },
  });
  expect(response.errors).toBeUndefined();
  const id = response.data!.generateReport.id;
  expect((await prisma.reportRun.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
  expect(await plant.subgraph.runner.runQueued()).toBe(1);
  const stored = await prisma.reportRun.findUniqueOrThrow({ where: { id } });
  expect(stored.error).toBeNull();
  expect(stored.status).toBe("SUCCEEDED");
  expect(stored.progress).toBe(1);
  const file = path.join(plant.reportDirectory, stored.fileKey!);
  const pdf = await readFile(file);
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(stored.fileSizeBytes).toBe(pdf.length);
  expect(stored.fileSha256).toBe(createHash("sha256").update(pdf).digest("hex"));
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  const text = (await parser.getText()).text.replace(/\s+/g, " ");
  await parser.destroy();
  // Site, zone and page numbers on every page.
  expect(text).toContain("Riverside Mill");
  expect(text).toContain("Africa/Johannesburg");
  expect(text).toMatch(/page 1 of \d/);
  return { pdf, text, file };
}

/**
 * The first page as an image: pdftoppm writes it as a binary PPM (checked for ink: at least 0.2% of the
 * pixels not white) and as the PNG kept in the docs.
 */
async function firstPageShot(file: string, templateKey: string): Promise<void> {
  const base = path.join(plant.reportDirectory, templateKey);
  await run("pdftoppm", ["-f", "1", "-l", "1", "-r", "50", "-singlefile", file, base]);
  const ppm = await readFile(`${base}.ppm`);
  const header = ppm.subarray(0, 20).toString("latin1").split(/\s+/);
  expect(header[0]).toBe("P6");
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(ppm.length - width * height * 3);
  let inked = 0;
  for (let i = 0; i < pixels.length; i += 3)
    if (pixels[i]! < 200 || pixels[i + 1]! < 200 || pixels[i + 2]! < 200) inked++;
  expect(inked / (width * height)).toBeGreaterThan(0.002);
  await run("pdftoppm", ["-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", file, base]);
  await copyFile(`${base}.png`, path.join(SCREENSHOTS, `${templateKey}.png`));
}

beforeAll(async () => {
  await run("sh", [path.resolve(import.meta.dirname, "../../scripts/ensure-poppler.sh")]);
  plant = await openReportingTestPlant(inject("testRun"), NOW, { rollup: { now: () => NOW }, runner: false });
  await plant.subgraph.rollup.stop();
  prisma = plant.db.prisma;
  token = await plant.tokenOf("pmanager");
  lineId = (await prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } })).id;
  baggerId = (await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } })).id;
  const smanager = await prisma.user.findUniqueOrThrow({ where: { username: "smanager" } });
  await prisma.equipmentStateChange.createMany({
    data: [
      { equipmentId: baggerId, state: "RUNNING", startedAt: SHIFT_START, endedAt: at("06:00:00") },
      { equipmentId: baggerId, state: "DOWN", startedAt: at("06:00:00"), endedAt: at("06:40:00") },
      { equipmentId: baggerId, state: "RUNNING", startedAt: at("06:40:00"), endedAt: null },
    ],
  });
  const stop = await prisma.downtimeEvent.create({
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
  await prisma.faultEvent.createMany({
    data: [
      {
        equipmentId: baggerId,
        bitIndex: 3,
        faultCode: "F-JAM",
        risingAt: at("06:00:00"),
        fallingAt: at("06:10:00"),
        isFirstOut: true,
      },
      { equipmentId: baggerId, bitIndex: 3, faultCode: "F-JAM", risingAt: at("08:00:00"), fallingAt: at("08:02:00") },
      { equipmentId: baggerId, bitIndex: 7, faultCode: "F-GUARD", risingAt: at("09:00:00"), fallingAt: at("09:01:00") },
    ],
  });
  const andon = await prisma.andonEvent.create({
    data: {
      lineId,
      equipmentId: baggerId,
      type: "MAINTENANCE",
      priority: "HIGH",
      status: "RESOLVED",
      raisedAt: at("06:01:00"),
      acknowledgedAt: at("06:04:00"),
      resolvedAt: at("06:39:00"),
      downtimeEventId: stop.id,
    },
  });
  await prisma.maintenanceWorkOrder.create({
    data: {
      number: "WO-TEST-1",
      equipmentId: baggerId,
      andonId: andon.id,
      downtimeEventId: stop.id,
      type: "CORRECTIVE",
      status: "COMPLETED",
      title: "Clear the jam",
      createdAt: at("06:05:00"),
      startedAt: at("06:06:00"),
      completedAt: at("06:40:00"),
    },
  });
  const morning = await prisma.shiftInstance.findFirstOrThrow({ where: { startsAt: SHIFT_START } });
  await prisma.shiftHandoverNote.create({
    data: {
      lineId,
      shiftInstanceId: morning.id,
      authorId: smanager.id,
      body: "Film roll 4 is half used; splice at the next stop.",
    },
  });
  await plant.subgraph.rollup.runPass();
}, 180_000);

afterAll(async () => {
  await plant?.close();
});

describe("each template", () => {
  it("shift summary: its text holds the API's OEE, hours against target, Pareto, faults, andons, quality and handover notes", async () => {
    const { text, file } = await rendered("shift-summary", SHIFT_START, SHIFT_END);
    const oee = await api<{ oeeAnalytics: { edges: { node: { figures: Record<string, number> } }[] } }>(
      LINE_OEE,
      SHIFT_START,
      SHIFT_END,
    );
    const figures = oee.oeeAnalytics.edges[0]!.node.figures;
    expect(figures.goodCount).toBe(8 * 900 + 28);
    expect(text).toContain("Bagging Line 1");
    expect(text).toContain(`Availability ${percentText(figures.availability)}`);
    expect(text).toContain(`Performance ${percentText(figures.performance)}`);
    expect(text).toContain(`Quality ${percentText(figures.quality)}`);
    expect(text).toContain(`OEE ${percentText(figures.oee)}`);
    expect(text).toContain(`Good ${figures.goodCount}`);
    expect(text).toContain(`Reject ${figures.rejectCount}`);
    const hours = await api<{
      productionByHour: { edges: { node: { goodCount: number; targetQuantity: number | null } }[] };
    }>(HOURS, SHIFT_START, SHIFT_END);
    expect(hours.productionByHour.edges).toHaveLength(8);
    for (const { node } of hours.productionByHour.edges) {
      expect(text).toContain(`${node.goodCount} / ${node.targetQuantity ?? "no target"}`);
    }
    expect(text).toContain("40 min (1)");
    type Fault = { faultCode: string; count: number; firstOutCount: number; totalSeconds: number };
    const faults = await api<{ faultPareto: { edges: { node: Fault }[] } }>(FAULTS, SHIFT_START, SHIFT_END);
    const jam = faults.faultPareto.edges[0]!.node;
    expect(jam).toMatchObject({ faultCode: "F-JAM", count: 2, firstOutCount: 1 });
    expect(text).toContain(`F-JAM F-JAM ${jam.count} ${jam.firstOutCount} ${minutesText(jam.totalSeconds)}`);
    const [maintenance] = await andonStatistics(prisma, { from: SHIFT_START, to: SHIFT_END, by: "TYPE", lineId });
    expect(maintenance!.mttaSeconds).toBe(180);
    expect(text).toContain(
      `MAINTENANCE 1 0 ${minutesText(maintenance!.mttaSeconds)} ${minutesText(maintenance!.mttrSeconds)}`,
    );
    expect(text).toContain(NO_QUALITY_DATA);
    expect(text).toContain("Film roll 4 is half used; splice at the next stop.");
    await firstPageShot(file, "shift-summary");
  }, 120_000);

  it("daily production: its rows are the API's dailyProductionKpis", async () => {
    const { text, file } = await rendered("daily-production", DAY_START, DAY_END);
    const kpis = await api<{ dailyProductionKpis: { edges: { node: Record<string, number | string | null> }[] } }>(
      KPIS,
      DAY_START,
      DAY_END,
    );
    const day = kpis.dailyProductionKpis.edges[0]!.node;
    expect(day.goodCount).toBe(8 * 900 + 28);
    expect(text).toContain(
      `${day.day} ${day.goodCount} ${day.rejectCount} ${day.scrapCount} ${day.targetQuantity ?? "n/a"} ${percentText(day.firstPassYield as number)}`,
    );
    expect(text).toContain(`${day.actualQuantity} / ${day.targetQuantity ?? "no target"}`);
    await firstPageShot(file, "daily-production");
  }, 120_000);

  it("OEE trend: each day's A, P, Q and OEE are the API's oeeAnalytics by line and day", async () => {
    const { text, file } = await rendered("oee-trend", DAY_START, DAY_END);
    const days = await api<{ oeeAnalytics: { edges: { node: { day: string; figures: Record<string, number> } }[] } }>(
      DAY_OEE,
      DAY_START,
      DAY_END,
    );
    expect(days.oeeAnalytics.edges.length).toBeGreaterThan(0);
    for (const { node } of days.oeeAnalytics.edges) {
      const f = node.figures;
      expect(text).toContain(
        `${node.day} ${percentText(f.availability)} ${percentText(f.performance)} ${percentText(f.quality)} ${percentText(f.oee)}`,
      );
    }
    expect(text).toContain("Six big losses");
    await firstPageShot(file, "oee-trend");
  }, 120_000);

  it("downtime analysis: its rows by category are the API's downtimePareto", async () => {
    const { text, file } = await rendered("downtime-pareto", DAY_START, DAY_END);
    const pareto = await api<{
      downtimePareto: {
        edges: { node: { label: string; count: number; totalSeconds: number; meanSeconds: number; share: number } }[];
      };
    }>(PARETO, DAY_START, DAY_END);
    const rows = pareto.downtimePareto.edges.map((e) => e.node);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(text).toContain(
        `${row.label} ${row.count} ${minutesText(row.totalSeconds)} ${minutesText(row.meanSeconds)} ${percentText(row.share)}`,
      );
    }
    await firstPageShot(file, "downtime-pareto");
  }, 120_000);

  it("andon summary: its counts, MTTA and MTTR are andon's andonStatistics", async () => {
    const { text, file } = await rendered("andon-summary", DAY_START, DAY_END);
    const [line] = await andonStatistics(prisma, { from: DAY_START, to: DAY_END, by: "LINE", lineId });
    expect(line!.count).toBeGreaterThan(0);
    expect(text).toContain(`Andons ${line!.count}`);
    expect(text).toContain(`MTTA ${minutesText(line!.mttaSeconds)}`);
    expect(text).toContain(`MTTR ${minutesText(line!.mttrSeconds)}`);
    for (const group of await andonStatistics(prisma, { from: DAY_START, to: DAY_END, by: "PRIORITY", lineId })) {
      expect(text).toContain(`${group.key} ${group.count} ${group.open} ${minutesText(group.mttaSeconds)}`);
    }
    await firstPageShot(file, "andon-summary");
  }, 120_000);

  it("maintenance summary: failures, repairs and MTTR per equipment are andon's equipmentReliability", async () => {
    const { text, file } = await rendered("maintenance-summary", DAY_START, DAY_END);
    const [bagger] = await equipmentReliability(prisma, [baggerId], DAY_START, DAY_END);
    expect(bagger!.repairCount).toBe(1);
    const name = (await prisma.equipment.findUniqueOrThrow({ where: { id: baggerId } })).name;
    expect(text).toContain(`${name} 1 ${bagger!.failureCount} ${bagger!.repairCount}`);
    expect(text).toContain(minutesText(bagger!.mttrSeconds));
    await firstPageShot(file, "maintenance-summary");
  }, 120_000);

  it('quality summary: says "no quality data" beside the counted rejects of the API', async () => {
    const { text, file } = await rendered("quality-summary", SHIFT_START, SHIFT_END);
    const oee = await api<{ oeeAnalytics: { edges: { node: { figures: Record<string, number> } }[] } }>(
      LINE_OEE,
      SHIFT_START,
      SHIFT_END,
    );
    expect(text).toContain(NO_QUALITY_DATA);
    expect(text).toContain(`Reject ${oee.oeeAnalytics.edges[0]!.node.figures.rejectCount}`);
    await firstPageShot(file, "quality-summary");
  }, 120_000);
});

describe("a run", () => {
  it("once cancelled while queued, is never rendered, and a second cancel is refused with INVALID_STATE_TRANSITION", async () => {
    const response = await plant.call<{ generateReport: { id: string } }>(token, GENERATE, {
      input: { templateKey: "shift-summary", from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString() },
    });
    const id = response.data!.generateReport.id;
    const cancelled = await plant.call<{ cancelReportRun: { status: string } }>(token, CANCEL, { id });
    expect(cancelled.data?.cancelReportRun.status).toBe("CANCELLED");
    expect(await plant.subgraph.runner.runQueued()).toBe(0);
    const again = await plant.call(token, CANCEL, { id });
    expect(again.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");
    const stored = await prisma.reportRun.findUniqueOrThrow({ where: { id } });
    expect(stored.status).toBe("CANCELLED");
    expect(stored.fileKey).toBeNull();
  });

  it("of an unknown template is refused with BAD_USER_INPUT and queues nothing", async () => {
    const before = await prisma.reportRun.count();
    const response = await plant.call(token, GENERATE, {
      input: { templateKey: "no-such-report", from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString() },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma.reportRun.count()).toBe(before);
  });
});
