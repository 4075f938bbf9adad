// The kit README's "A new subgraph" example is real code (kit/src/subgraph/example/): this test holds
// the README to those files, word for word, and builds and starts the subgraph they make, so a
// newcomer who copies the README gets a subgraph that answers.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSigningKeyRing, generateSigningKey } from "../auth/signing-keys.ts";
import { createLogger } from "../logger.ts";
import { createRedisClient, type RedisClient } from "../redis-client.ts";
import { startQualitySubgraph } from "./example/quality-subgraph.ts";
import { schema } from "./example/schema/index.ts";
import { printFieldRules } from "./field-rules.ts";
import { printSubgraphSdl } from "./subgraph-sdl.ts";
import type { SubgraphServer } from "./subgraph-server.ts";
import { accessTokenFor, openTestDatabase, postAsGateway, TEST_GATEWAY_SECRET } from "./subgraph-test-fixtures.ts";
import { insertTestLines } from "./testing/test-lines.ts";

const EXAMPLE_DIRECTORY = path.join(import.meta.dirname, "example");
/** The README's code blocks, in order, and the example file each one is. */
const README_BLOCKS = ["builder.ts", "schema/line.ts", "schema/index.ts", "quality-subgraph.ts", "server.ts"];

async function readmeCodeBlocks(): Promise<string[]> {
  const readme = await readFile(path.join(import.meta.dirname, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("## A new subgraph"),
    readme.indexOf("\n## ", readme.indexOf("## A new subgraph") + 1),
  );
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

describe("the kit README's example subgraph", () => {
  it("is, block for block, the example files the test builds", async () => {
    const blocks = await readmeCodeBlocks();
    expect(blocks).toHaveLength(README_BLOCKS.length);
    for (const [index, file] of README_BLOCKS.entries()) {
      expect(blocks[index], `README block ${index + 1} is example/${file}`).toBe(
        await readFile(path.join(EXAMPLE_DIRECTORY, file), "utf8"),
      );
    }
  });

  it("builds a federated schema with the Line entity, a guarded root field and the shared NotFound", () => {
    const sdl = printSubgraphSdl(schema);
    expect(sdl).toContain('type Line\n  @key(fields: "id")');
    expect(sdl).toMatch(/line\(id: ID!\): QueryLineResult/);
    expect(sdl).toContain("union QueryLineResult = NotFound | QueryLineSuccess");
    expect(sdl).toContain("scalar DateTime");
    expect(JSON.parse(printFieldRules(schema))).toMatchObject({ "Query.line": { kind: "permission" } });
  });

  describe("started", () => {
    let db: TestDatabase;
    let redis: RedisClient;
    let server: SubgraphServer;
    let token: string;
    let lineId: string;

    beforeAll(async () => {
      db = await openTestDatabase();
      redis = createRedisClient({ url: inject("testRun").redisUrl });
      await redis.connect();
      const keys = await createSigningKeyRing([await generateSigningKey()]);
      lineId = (await insertTestLines(db.prisma)).bagging.id;
      server = await startQualitySubgraph({
        port: 0,
        prisma: db.prisma,
        redis,
        logger: createLogger({ service: "readme-example-test", level: "silent" }),
        verificationKeys: keys,
        gatewaySecret: TEST_GATEWAY_SECRET,
        production: false,
      });
      token = await accessTokenFor(keys, ["ENGINEER"]);
    });
    afterAll(async () => {
      await server?.close();
      redis?.destroy();
      await db?.drop();
    });

    it("answers a line by id, NotFound for an id that names nothing, and refuses an anonymous caller", async () => {
      const query = `query ($id: ID!) { line(id: $id) { __typename
        ... on QueryLineSuccess { data { id name } } ... on NotFound { code entity id } } }`;
      const found = await postAsGateway(server.url, { query, variables: { id: lineId } }, { token });
      expect(found.body).toEqual({
        data: { line: { __typename: "QueryLineSuccess", data: { id: lineId, name: expect.any(String) } } },
      });
      const unknown = "00000000-0000-4000-8000-000000000000";
      const missing = await postAsGateway(server.url, { query, variables: { id: unknown } }, { token });
      expect(missing.body.data).toEqual({
        line: { __typename: "NotFound", code: "NOT_FOUND", entity: "line", id: unknown },
      });
      const anonymous = await postAsGateway(server.url, { query, variables: { id: lineId } });
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });
  });
});
