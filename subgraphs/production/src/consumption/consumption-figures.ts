// Material and energy used against good output, per work order, job, equipment or line. Good units
// are the constraint's (the line's) or the equipment's own PLC counts over the window the work ran;
// a completed job uses the quantity its operator reported. Every figure is batched: one query per
// kind of figure for a whole page of work orders or jobs.
import type { Prisma, PrismaClient } from "@ms5/db";

/** One window of one subject: whose counts and energy, from when to when. */
export interface FigureWindow {
  /** The loader key, e.g. the work order's id. */
  key: string;
  /** Count good units of this equipment (the line's constraint for line-level figures). */
  countEquipmentId: string | null;
  /** Sum energy of these: one equipment, or every equipment of a line. */
  energy: { equipmentId: string } | { lineId: string };
  from: Date;
  to: Date;
}

export interface WindowFigures {
  goodUnits: number;
  kwh: number;
}

/** Good units and kWh of each window, in two queries whatever the number of windows. */
export async function figuresOfWindows(
  prisma: PrismaClient,
  windows: readonly FigureWindow[],
): Promise<Map<string, WindowFigures>> {
  const figures = new Map<string, WindowFigures>(windows.map((window) => [window.key, { goodUnits: 0, kwh: 0 }]));
  if (windows.length === 0) return figures;
  const keys = windows.map((window) => window.key);
  const froms = windows.map((window) => window.from);
  const tos = windows.map((window) => window.to);
  const counted = windows.filter((window) => window.countEquipmentId);
  if (counted.length > 0) {
    const rows = await prisma.$queryRaw<{ key: string; good: bigint }[]>`
      SELECT w.key, COALESCE(SUM(c."goodDelta"), 0)::bigint AS good
      FROM unnest(${counted.map((w) => w.key)}::text[], ${counted.map((w) => w.countEquipmentId)}::uuid[],
                  ${counted.map((w) => w.from)}::timestamptz[], ${counted.map((w) => w.to)}::timestamptz[])
           AS w(key, equipment_id, from_at, to_at)
      LEFT JOIN production_count c
        ON c."equipmentId" = w.equipment_id AND c."recordedAt" >= w.from_at AND c."recordedAt" < w.to_at
      GROUP BY w.key`;
    for (const row of rows) figures.get(row.key)!.goodUnits = Number(row.good);
  }
  const equipmentIds = windows.map((window) => ("equipmentId" in window.energy ? window.energy.equipmentId : null));
  const lineIds = windows.map((window) => ("lineId" in window.energy ? window.energy.lineId : null));
  const energyRows = await prisma.$queryRaw<{ key: string; kwh: number }[]>`
    SELECT w.key, COALESCE(SUM(r."deltaKwh"), 0)::float8 AS kwh
    FROM unnest(${keys}::text[], ${equipmentIds}::uuid[], ${lineIds}::uuid[], ${froms}::timestamptz[], ${tos}::timestamptz[])
         AS w(key, equipment_id, line_id, from_at, to_at)
    LEFT JOIN equipment e ON e.id = w.equipment_id OR e."lineId" = w.line_id
    LEFT JOIN energy_reading r
      ON r."equipmentId" = e.id AND r."recordedAt" >= w.from_at AND r."recordedAt" < w.to_at
    GROUP BY w.key`;
  for (const row of energyRows) figures.get(row.key)!.kwh = Number(row.kwh);
  return figures;
}

export interface MaterialTotal {
  materialCode: string;
  materialName: string | null;
  unit: string;
  quantity: number;
}

/** Material used per work order or job (by the column given), summed per material and unit. */
export async function materialTotals(
  prisma: PrismaClient,
  by: "workOrderId" | "jobId",
  ids: readonly string[],
): Promise<Map<string, MaterialTotal[]>> {
  const groups = await prisma.materialConsumption.groupBy({
    by: [by, "materialCode", "unit"],
    where: { [by]: { in: [...ids] } } as Prisma.MaterialConsumptionWhereInput,
    _sum: { quantity: true },
    _max: { materialName: true },
    orderBy: [{ materialCode: "asc" }, { unit: "asc" }],
  });
  const totals = new Map<string, MaterialTotal[]>(ids.map((id) => [id, []]));
  for (const group of groups) {
    const owner = (group as Record<string, unknown>)[by] as string;
    totals.get(owner)?.push({
      materialCode: group.materialCode,
      materialName: group._max.materialName ?? null,
      unit: group.unit,
      quantity: group._sum.quantity ?? 0,
    });
  }
  return totals;
}

/** quantity / good units, or null when nothing good was made (a ratio over zero means nothing). */
export function perGoodUnit(quantity: number, goodUnits: number): number | null {
  return goodUnits > 0 ? quantity / goodUnits : null;
}
