import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { LinesWithLiveStateDocument, MyJobsDocument } from "../generated/graphql.ts";
import { executeOperation, GatewayError } from "../operations/integrator-client.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const operationsDir = path.join(root, "schema/operations");

describe("integrator SDK (codegen.yml)", () => {
  it("every integrator operation is valid against the composed API schema", () => {
    const schema = buildSchema(readFileSync(path.join(root, "schema/api.graphql"), "utf8"));
    const files = readdirSync(operationsDir).filter((name) => name.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(0);
    // Fragments are shared across files, so validate the documents together.
    const document = parse(files.map((name) => readFileSync(path.join(operationsDir, name), "utf8")).join("\n"));
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });

  it("the committed generated files match what pnpm codegen writes now (run pnpm codegen when this fails)", async () => {
    const { config } = await loadCodegenConfig({ configFilePath: path.join(root, "codegen.yml") });
    const outputs: Array<{ filename: string; content: string }> = await generate(
      { ...config, cwd: root, silent: true },
      false,
    );
    const sdkFiles = outputs.filter((output) => path.resolve(root, output.filename).includes("/schema/generated/"));
    expect(sdkFiles.map((output) => path.basename(output.filename)).sort()).toEqual(
      readdirSync(path.join(root, "schema/generated")).sort(),
    );
    const stale = outputs
      .filter((output) => {
        let committed: string | undefined;
        try {
          committed = readFileSync(path.resolve(root, output.filename), "utf8");
        } catch {
          committed = undefined;
        }
        return committed !== output.content;
      })
      .map((output) => path.relative(root, path.resolve(root, output.filename)));
    expect(stale, "stale generated files: run `pnpm codegen`").toEqual([]);
  }, 60_000);

  it("executeOperation posts the printed document with a bearer token and returns the typed data", async () => {
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return Response.json({ data: { myJobs: [{ id: "j1", title: "Run batch", status: "ASSIGNED" }] } });
    }) as unknown as typeof fetch;

    const data = await executeOperation(
      { url: "http://gateway.test/graphql", bearer: "ms5_key", fetch: fakeFetch },
      MyJobsDocument,
      { status: ["ASSIGNED"] },
    );

    expect(data.myJobs?.[0]?.title).toBe("Run batch");
    const request = requests[0]!;
    expect(request.url).toBe("http://gateway.test/graphql");
    expect(new Headers(request.init.headers).get("authorization")).toBe("Bearer ms5_key");
    const body = JSON.parse(String(request.init.body)) as { query: string; variables: unknown };
    expect(body.query).toContain("query MyJobs($status: [JobStatus!])");
    expect(body.variables).toEqual({ status: ["ASSIGNED"] });
  });

  it("executeOperation throws a GatewayError carrying the error's extensions.code", async () => {
    const fakeFetch = (async () =>
      Response.json({
        errors: [{ message: "No token", extensions: { code: "UNAUTHENTICATED" } }],
      })) as unknown as typeof fetch;

    const failure = executeOperation(
      { url: "http://gateway.test/graphql", bearer: "x", fetch: fakeFetch },
      LinesWithLiveStateDocument,
      {
        first: 10,
      },
    );

    await expect(failure).rejects.toBeInstanceOf(GatewayError);
    await expect(failure).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
