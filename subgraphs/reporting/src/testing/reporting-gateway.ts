// The reporting subgraph behind the real gateway (over the committed supergraph; the other subgraphs'
// URLs point nowhere), every server on a free port: for end-to-end tests and the benchmark.
import { readFile } from "node:fs/promises";
import { createGateway, type Gateway, subgraphEndpointsOf } from "@ms5/gateway";
import type { ReportingSubgraph } from "../reporting-subgraph.ts";

const SUPERGRAPH_URL = new URL("../../../../schema/supergraph.graphql", import.meta.url);

export interface ReportingGateway {
  gateway: Gateway;
  /** The gateway's /graphql URL. */
  url: string;
  /** Its origin, where downloads and exports are served. */
  origin: string;
  close(): Promise<void>;
}

export async function startReportingGateway(
  subgraph: ReportingSubgraph,
  options: Omit<Parameters<typeof createGateway>[0], "supergraphSdl" | "subgraphUrls">,
): Promise<ReportingGateway> {
  const supergraphSdl = await readFile(SUPERGRAPH_URL, "utf8");
  const subgraphUrls = Object.fromEntries(
    subgraphEndpointsOf(supergraphSdl).map(({ name }) => [
      name,
      name === "reporting" ? subgraph.server.url : "http://127.0.0.1:9/graphql",
    ]),
  );
  const gateway = await createGateway({ ...options, supergraphSdl, subgraphUrls });
  const { url } = await gateway.listen(0, "127.0.0.1");
  return { gateway, url, origin: new URL(url).origin, close: () => gateway.close() };
}
