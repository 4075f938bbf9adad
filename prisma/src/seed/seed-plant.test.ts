import { ROLES } from "@ms5/schema";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { verifySecret } from "../password-hash.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { DEMO_PASSWORD } from "./demo-plant.ts";
import { seedPlant } from "./seed-plant.ts";

async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}"`);
      counts[table_name] = Number(rows[0]!.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

describe("the demo plant seed", () => {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  const now = new Date("2026-11-25T12:00:00Z");
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    await seedPlant(db.prisma, { now, fastHashing: true });
  });
  afterAll(async () => {
    await db.drop();
  });

  it("is idempotent: a second run leaves every table's row count unchanged", async () => {
    const before = await rowCounts(db.url);
    await seedPlant(db.prisma, { now, fastHashing: true });
    const after = await rowCounts(db.url);
    expect(after).toEqual(before);
    expect(Object.values(before).filter((n) => n > 0).length).toBeGreaterThan(25);
  });

  it("puts Bagger 1 on a CompactLogix with a 64-bit fault array and a catalogued fault list", async () => {
    const bagger = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "BAGGER-1" },
      include: { plc: true, tagMap: true, faults: { orderBy: { bitIndex: "asc" } }, line: true },
    });
    expect(bagger.line.code).toBe("bagging-1");
    expect(bagger.isConstraint).toBe(true);
    expect((bagger.plc!.connectionOptions as { model: string }).model).toMatch(/CompactLogix/);
    expect((bagger.tagMap!.tags as { faultWords: { type: string; length: number } }).faultWords).toMatchObject({
      type: "DINT",
      length: 2,
    });
    expect(bagger.faults.at(-1)?.bitIndex).toBe(63);
    expect(bagger.faults.every((f) => f.suggestedReasonCodeId !== null)).toBe(true);
    const loader = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "LOADER-1" },
      include: { line: true },
    });
    expect(loader.name).toBe("Basket Loader 1");
    expect(loader.line.code).toBe("loading-1");
  });

  it("puts Basket Loader 1 on an SLC 5/05, its 64 fault bits in B3:0-B3:3 and its counters in N7", async () => {
    const loader = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "LOADER-1" },
      include: { plc: true, tagMap: true, faults: { orderBy: { bitIndex: "asc" } } },
    });
    expect(loader.plc!.driver).toBe("SLC_PCCC");
    expect((loader.plc!.connectionOptions as { model: string }).model).toMatch(/SLC 5\/05/);
    expect(loader.plcTagPrefix).toBeNull();
    const tags = loader.tagMap!.tags as Record<string, { tag: string; type: string; length?: number }>;
    expect(tags.faultWords).toMatchObject({ tag: "B3:0", type: "INT", length: 4 });
    expect(tags.goodCount).toMatchObject({ tag: "N7:1", type: "INT" });
    // Bit 17 is B3:1/1: the catalog numbers bits across the four 16-bit words
    expect(loader.faults.map((f) => f.bitIndex)).toEqual(expect.arrayContaining([0, 17, 50]));
    expect(loader.faults.every((f) => f.bitIndex < 64 && f.suggestedReasonCodeId !== null)).toBe(true);
  });

  it("has one demo user per role, each able to sign in with the documented password", async () => {
    const users = await db.prisma.user.findMany();
    for (const role of ROLES)
      expect(
        users.some((u) => u.roles.includes(role)),
        role,
      ).toBe(true);
    const operator = users.find((u) => u.username === "operator")!;
    expect(await verifySecret(DEMO_PASSWORD, operator.passwordHash)).toBe(true);
    expect(await verifySecret("1234", operator.pinHash!)).toBe(true);
  });

  it("plans three shifts a day for the week containing the seed date, and the night shift running into its Monday, with targets per shift and hour", async () => {
    const instances = await db.prisma.shiftInstance.findMany({ orderBy: { startsAt: "asc" } });
    expect(instances).toHaveLength(22);
    // Sunday 22 Nov 2026, 22:00 in Johannesburg (UTC+2): the night shift a plant started at Monday 01:00 is in.
    expect(instances[0]!.startsAt.toISOString()).toBe("2026-11-22T20:00:00.000Z");
    // Monday 23 Nov 2026, 06:00.
    expect(instances[1]!.startsAt.toISOString()).toBe("2026-11-23T04:00:00.000Z");
    const line = await db.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    expect(await db.prisma.productionTarget.count({ where: { lineId: line.id, granularity: "SHIFT" } })).toBe(22);
    expect(await db.prisma.productionTarget.count({ where: { lineId: line.id, granularity: "HOUR" } })).toBe(22 * 8);
    expect(await db.prisma.workOrder.count({ where: { lineId: line.id } })).toBe(14);
  });

  it("gives every andon priority an escalation rule with acknowledge and resolve levels", async () => {
    const rules = await db.prisma.escalationRule.findMany({ include: { levels: { include: { recipients: true } } } });
    expect(new Set(rules.map((r) => r.priority))).toEqual(new Set(["LOW", "MEDIUM", "HIGH", "CRITICAL"]));
    for (const rule of rules) {
      expect(rule.levels.some((l) => l.kind === "ACKNOWLEDGE")).toBe(true);
      expect(rule.levels.some((l) => l.kind === "RESOLVE")).toBe(true);
      expect(rule.levels.every((l) => l.recipients.length > 0)).toBe(true);
    }
  });
});
