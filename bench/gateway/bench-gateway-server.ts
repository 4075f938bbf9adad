// The server side of `pnpm bench:gateway`, in its own process so the load generator does not share
// its CPU: the two-subgraph test plant and a gateway over it, on loopback. Prints one JSON line with
// the URLs and a token, then runs until SIGTERM.

import { createPrismaClient } from "@ms5/db";
import { migrateDatabase } from "@ms5/db/migrate";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { createGateway } from "../../gateway/src/gateway.ts";
import { composeSupergraph } from "../../gateway/src/supergraph-composition.ts";
import { startFederatedTestPlant } from "../../gateway/src/testing/federated-test-plant.ts";

const databaseUrl = process.argv[2]!;
const redisUrl = process.argv[3]!;
const gatewaySecret = "bench-gateway-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ service: "bench-gateway", level: "warn" });

await migrateDatabase(databaseUrl);
const prisma = createPrismaClient({ databaseUrl, poolMax: 10 });
const redis = createRedisClient({ url: redisUrl });
await redis.connect();
const keys = await createSigningKeyRing([await generateSigningKey()]);
const plant = await startFederatedTestPlant({ gatewaySecret, verificationKeys: keys, prisma, redis, logger });
const { supergraphSdl } = composeSupergraph(plant.subgraphs);
const gateway = await createGateway({
  supergraphSdl,
  subgraphUrls: Object.fromEntries(plant.subgraphs.map((s) => [s.name, s.url])),
  gatewaySecret,
  signingKeys: keys,
  prisma,
  redis,
  logger,
});
const { port } = await gateway.listen(0);
const { token } = await issueAccessToken(keys, {
  kind: "user",
  userId: "00000000-0000-4000-8000-000000000001",
  name: "Bench Viewer",
  roles: ["PRODUCTION_MANAGER"],
});
process.stdout.write(
  `${JSON.stringify({ gatewayUrl: `http://127.0.0.1:${port}/graphql`, subgraphs: plant.subgraphs.map(({ name, url }) => ({ name, url })), token, gatewaySecret })}\n`,
);

process.on("SIGTERM", () => {
  void (async () => {
    await gateway.close();
    await plant.close();
    redis.destroy();
    await prisma.$disconnect();
    process.exit(0);
  })();
});
