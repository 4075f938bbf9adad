import { startEmbeddedPostgres } from "./start/embedded-postgres.ts";
const pgs = await startEmbeddedPostgres({ dataDir: process.argv[2]!, port: Number(process.argv[3]), maxConnections: 32 });
console.log(pgs.databaseUrl);
process.on("SIGTERM", async () => { await pgs.stop(); process.exit(0); });
