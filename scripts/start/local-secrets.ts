// Secrets for a local `pnpm start`: the gateway-to-subgraph signing secret and the token signing
// key, generated once into .data/ (mode 0600) so tokens and sessions survive a restart. A real
// deployment sets SUBGRAPH_GATEWAY_SECRET and AUTH_SIGNING_KEYS itself; those always win.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateSigningKey } from "@ms5/kit/auth";

export interface LocalSecrets {
  SUBGRAPH_GATEWAY_SECRET: string;
  AUTH_SIGNING_KEYS: string;
}

export async function localSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalSecrets> {
  const file = path.join(dataDir, "local-secrets.json");
  let stored: Partial<LocalSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>;
  if (!stored.SUBGRAPH_GATEWAY_SECRET || !stored.AUTH_SIGNING_KEYS) {
    stored = {
      SUBGRAPH_GATEWAY_SECRET: randomBytes(48).toString("base64url"),
      AUTH_SIGNING_KEYS: JSON.stringify([await generateSigningKey()]),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    SUBGRAPH_GATEWAY_SECRET: env.SUBGRAPH_GATEWAY_SECRET || stored.SUBGRAPH_GATEWAY_SECRET!,
    AUTH_SIGNING_KEYS: env.AUTH_SIGNING_KEYS || stored.AUTH_SIGNING_KEYS!,
  };
}
