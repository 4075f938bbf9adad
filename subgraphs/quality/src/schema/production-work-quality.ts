// Quality fields of the production subgraph's work orders, jobs and product types: the checks,
// holds, defects and scrap recorded against them and the product's inspection plans. Every list
// goes through a DataLoader, so a page of work orders costs one query per field, not one per order.
import type { DefectRecord, QualityCheck, QualityCheckTemplate, QualityHold, ScrapRecord } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { DefectRecordRef } from "./defect.ts";
import { QualityHoldRef } from "./hold.ts";
import { InspectionPlanRef } from "./inspection-plan.ts";
import { JobRef, ProductTypeRef, WorkOrderRef } from "./plant-refs.ts";
import { QualityCheckRef } from "./quality-check.ts";
import { ScrapRecordRef } from "./scrap.ts";

/** Rows grouped by a key column, in the order of the keys asked for. */
function groupedBy<Row, Key extends keyof Row>(rows: readonly Row[], key: Key, ids: readonly string[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const id = row[key] as unknown as string;
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return ids.map((id) => groups.get(id) ?? []);
}

/** Most recent first; a work order or job holds tens of these, not thousands. */
export const PER_WORK_LIMIT = 500;

export const checksOfWorkOrder = defineLoader<string, QualityCheck[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.qualityCheck.findMany({ where: { workOrderId: { in: [...ids] } }, orderBy: { dueAt: "desc" } }),
    "workOrderId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const holdsOfWorkOrder = defineLoader<string, QualityHold[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.qualityHold.findMany({ where: { workOrderId: { in: [...ids] } }, orderBy: { placedAt: "desc" } }),
    "workOrderId",
    ids,
  ),
);
export const scrapOfWorkOrder = defineLoader<string, ScrapRecord[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.scrapRecord.findMany({ where: { workOrderId: { in: [...ids] } }, orderBy: { reportedAt: "desc" } }),
    "workOrderId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const defectsOfWorkOrder = defineLoader<string, DefectRecord[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.defectRecord.findMany({ where: { workOrderId: { in: [...ids] } }, orderBy: { recordedAt: "desc" } }),
    "workOrderId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const checksOfJob = defineLoader<string, QualityCheck[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.qualityCheck.findMany({ where: { jobId: { in: [...ids] } }, orderBy: { dueAt: "desc" } }),
    "jobId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const scrapOfJob = defineLoader<string, ScrapRecord[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.scrapRecord.findMany({ where: { jobId: { in: [...ids] } }, orderBy: { reportedAt: "desc" } }),
    "jobId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const defectsOfJob = defineLoader<string, DefectRecord[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.defectRecord.findMany({ where: { jobId: { in: [...ids] } }, orderBy: { recordedAt: "desc" } }),
    "jobId",
    ids,
  ).map((rows) => rows.slice(0, PER_WORK_LIMIT)),
);
export const plansOfProductType = defineLoader<string, QualityCheckTemplate[]>(async (ids, { prisma }) =>
  groupedBy(
    await prisma.qualityCheckTemplate.findMany({
      where: { productTypeId: { in: [...ids] }, active: true },
      orderBy: { name: "asc" },
    }),
    "productTypeId",
    ids,
  ),
);

const quality = { permission: "quality:read" } as const;

builder.objectFields(WorkOrderRef, (t) => ({
  qualityChecks: t.field({
    type: [QualityCheckRef],
    listSize: { assumedSize: 20 },
    description: "Checks made for this work order, newest first.",
    authScopes: quality,
    resolve: (order, _args, context) => context.loaders.of(checksOfWorkOrder).load(order.id),
  }),
  qualityHolds: t.field({
    type: [QualityHoldRef],
    listSize: { assumedSize: 5 },
    description: "Holds placed on this work order, newest first.",
    authScopes: quality,
    resolve: (order, _args, context) => context.loaders.of(holdsOfWorkOrder).load(order.id),
  }),
  scrapRecords: t.field({
    type: [ScrapRecordRef],
    listSize: { assumedSize: 20 },
    description: "Scrap and rework reported against this work order, newest first.",
    authScopes: quality,
    resolve: (order, _args, context) => context.loaders.of(scrapOfWorkOrder).load(order.id),
  }),
  defects: t.field({
    type: [DefectRecordRef],
    listSize: { assumedSize: 20 },
    description: "Defects recorded against this work order, newest first.",
    authScopes: quality,
    resolve: (order, _args, context) => context.loaders.of(defectsOfWorkOrder).load(order.id),
  }),
}));

builder.objectFields(JobRef, (t) => ({
  qualityChecks: t.field({
    type: [QualityCheckRef],
    listSize: { assumedSize: 20 },
    description: "Checks made during this job (first-off checks among them), newest first.",
    authScopes: quality,
    resolve: (job, _args, context) => context.loaders.of(checksOfJob).load(job.id),
  }),
  scrapRecords: t.field({
    type: [ScrapRecordRef],
    listSize: { assumedSize: 20 },
    description: "Scrap and rework reported during this job, newest first.",
    authScopes: quality,
    resolve: (job, _args, context) => context.loaders.of(scrapOfJob).load(job.id),
  }),
  defects: t.field({
    type: [DefectRecordRef],
    listSize: { assumedSize: 20 },
    description: "Defects recorded during this job, newest first.",
    authScopes: quality,
    resolve: (job, _args, context) => context.loaders.of(defectsOfJob).load(job.id),
  }),
}));

builder.objectFields(ProductTypeRef, (t) => ({
  inspectionPlans: t.field({
    type: [InspectionPlanRef],
    listSize: { assumedSize: 10 },
    description: "The active inspection plans of this product (their characteristics carry the charts).",
    authScopes: quality,
    resolve: (product, _args, context) => context.loaders.of(plansOfProductType).load(product.id),
  }),
}));
