// Downloads through the real gateway in front of the reporting subgraph: a run's PDF through its
// short-lived signed link (Content-Disposition, Cache-Control: no-store, the stored bytes exactly),
// refused when the link is tampered with or expired, and when its user was deactivated since it
// was issued (the user and their current roles are read again at download, and the file is fetched
// as them through reportRunFile, which needs report:read); analytics as CSV streamed page after page,
// exactly the rows the query gives the caller, refused to an anonymous caller.
import { createHash } from "node:crypto";
import { createLogger } from "@ms5/kit";
import { reportDownloadPath } from "@ms5/schema/report-download-link";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ReportingGateway, startReportingGateway } from "../testing/reporting-gateway.ts";
import {
  openReportingTestPlant,
  type ReportingTestPlant,
  TEST_GATEWAY_SECRET,
} from "../testing/reporting-test-plant.ts";

const NOW = new Date("2026-12-09T13:00:00Z");
const FROM = "2026-12-08T22:00:00.000Z";
const TO = "2026-12-09T22:00:00.000Z";

let plant: ReportingTestPlant;
let gateway: ReportingGateway;
let origin: string;
let graphqlUrl: string;
let token: string;
let runId: string;

async function viaGateway<Data>(query: string, variables: Record<string, unknown> = {}, bearer = token) {
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Data; errors?: { extensions?: { code?: string } }[] };
}

async function linkPath(bearer = token): Promise<string> {
  const response = await viaGateway<{ reportRunDownloadLink: { path: string } }>(
    `query ($id: ID!) { reportRunDownloadLink(id: $id) { path expiresAt } }`,
    { id: runId },
    bearer,
  );
  expect(response.errors).toBeUndefined();
  return response.data!.reportRunDownloadLink.path;
}

beforeAll(async () => {
  plant = await openReportingTestPlant(inject("testRun"), NOW, { rollup: false, runner: false });
  gateway = await startReportingGateway(plant.subgraph, {
    gatewaySecret: TEST_GATEWAY_SECRET,
    signingKeys: plant.keys,
    prisma: plant.db.prisma,
    redis: plant.redis,
    logger: createLogger({ service: "reporting-downloads-test", level: "silent" }),
    production: false,
  });
  graphqlUrl = gateway.url;
  origin = gateway.origin;
  token = await plant.tokenOf("pmanager");
  const queued = await viaGateway<{ generateReport: { id: string } }>(
    `mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id } }`,
    { input: { templateKey: "downtime-pareto", from: FROM, to: TO } },
  );
  expect(queued.errors).toBeUndefined();
  runId = queued.data!.generateReport.id;
  expect(await plant.subgraph.runner.runQueued()).toBe(1);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await plant?.close();
});

describe("a run's PDF through its signed link", () => {
  it("is the stored file, as an attachment that is never cached", async () => {
    const response = await fetch(`${origin}${await linkPath()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="downtime-pareto-2026-12-0\d-[0-9a-f]{8}\.pdf"$/,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = Buffer.from(await response.arrayBuffer());
    const run = await plant.db.prisma.reportRun.findUniqueOrThrow({ where: { id: runId } });
    expect(body.length).toBe(run.fileSizeBytes);
    expect(createHash("sha256").update(body).digest("hex")).toBe(run.fileSha256);
  });

  it("is refused with 403 when the signature was tampered with", async () => {
    const path = await linkPath();
    const tampered = path.replace(/signature=([0-9a-f])/, (_m, c: string) => `signature=${c === "0" ? "1" : "0"}`);
    const response = await fetch(`${origin}${tampered}`);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-disposition")).toBeNull();
  });

  it("is refused with 403 once the link has expired", async () => {
    const user = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "pmanager" } });
    const expired = reportDownloadPath(TEST_GATEWAY_SECRET, { runId, userId: user.id, expiresAt: Date.now() - 1_000 });
    const response = await fetch(`${origin}${expired}`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/expired/);
  });

  it("is refused with 403 to a user deactivated after the link was issued: checked again at download", async () => {
    const engineer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "engineer" } });
    const path = await linkPath(await plant.tokenOf("engineer"));
    expect((await fetch(`${origin}${path}`)).status).toBe(200);
    await plant.db.prisma.user.update({ where: { id: engineer.id }, data: { active: false } });
    try {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).not.toBe("application/pdf");
    } finally {
      await plant.db.prisma.user.update({ where: { id: engineer.id }, data: { active: true } });
    }
  });
});

describe("a CSV export of an analytics query", () => {
  it("streams every row the query gives the caller, page after page", async () => {
    const from = "2026-11-25T00:00:00.000Z";
    const to = "2026-12-20T00:00:00.000Z";
    const response = await fetch(`${origin}/exports/productionByHour.csv?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("lineId,hourStart,goodCount,rejectCount,targetQuantity");
    // The same query through the API, paged by hand.
    const rows: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: {
          productionByHour: {
            edges: { node: Record<string, unknown> }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
      } = await viaGateway(
        `query ($from: DateTime!, $to: DateTime!, $after: String) { productionByHour(from: $from, to: $to, first: 500, after: $after) {
            edges { node { lineId hourStart goodCount rejectCount targetQuantity } } pageInfo { hasNextPage endCursor } } }`,
        { from, to, after },
      );
      const connection = page.data!.productionByHour;
      for (const { node } of connection.edges) {
        rows.push([node.lineId, node.hourStart, node.goodCount, node.rejectCount, node.targetQuantity ?? ""].join(","));
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(rows.length).toBeGreaterThan(500);
    expect(lines.slice(1)).toEqual(rows);
  });

  it("is refused with 401 to an anonymous caller and with 400 for bad input, before any row", async () => {
    const anonymous = await fetch(`${origin}/exports/downtimePareto.csv?from=${FROM}&to=${TO}&by=REASON`);
    expect(anonymous.status).toBe(401);
    const backwards = await fetch(`${origin}/exports/downtimePareto.csv?from=${TO}&to=${FROM}&by=REASON`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(backwards.status).toBe(400);
    const unknown = await fetch(`${origin}/exports/salaries.csv?from=${FROM}&to=${TO}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknown.status).toBe(404);
  });
});
