// The gateway's two fixture subgraphs ("plant" and "andon", made with the kit) pass the same contract
// as every real subgraph, so the gateway's tests run against subgraphs that behave like real ones.
import { randomUUID } from "node:crypto";
import { issueAccessToken } from "@ms5/kit/auth";
import { type ContractSubgraph, describeSubgraphContract } from "@ms5/kit/subgraph/contract-suite";
import type { Role } from "@ms5/schema";
import { startFederatedTestPlant } from "./testing/federated-test-plant.ts";
import { openGatewayTestEnvironment, TEST_GATEWAY_SECRET } from "./testing/gateway-test-environment.ts";

async function startFixtureSubgraph(name: "plant" | "andon"): Promise<ContractSubgraph> {
  const environment = await openGatewayTestEnvironment();
  const plant = await startFederatedTestPlant({
    gatewaySecret: TEST_GATEWAY_SECRET,
    verificationKeys: environment.keys,
    prisma: environment.db.prisma,
    redis: environment.redis,
    logger: environment.logger,
    lineChangedChannel: `${environment.redisPrefix}contract-${randomUUID()}`,
  });
  const subgraph = plant.subgraphs.find((candidate) => candidate.name === name);
  if (!subgraph) throw new Error(`the federated test plant has no ${name} subgraph`);
  const token = async (roles: Role[]) =>
    (await issueAccessToken(environment.keys, { kind: "user", userId: randomUUID(), name: "Contract", roles })).token;
  const { counters } = plant;
  return {
    url: subgraph.url,
    schema: subgraph.schema,
    gatewaySecret: TEST_GATEWAY_SECRET,
    tokens: { admin: await token(["ADMIN"]), withoutPermissions: await token([]) },
    entities: { Line: { id: plant.lines.bagging.id } },
    resolverCalls: () =>
      counters.linesQueries +
      counters.setLineNameCalls +
      counters.andonCountBatches.length +
      counters.lineChangedSubscriptions,
    async close() {
      await plant.close();
      await environment.dispose();
    },
  };
}

describeSubgraphContract("plant (gateway fixture)", () => startFixtureSubgraph("plant"));
describeSubgraphContract("andon (gateway fixture)", () => startFixtureSubgraph("andon"));
