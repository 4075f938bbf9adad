// Secrets for a local `pnpm start`: the gateway-to-subgraph signing secret and the token signing
// key, generated once into .data/ (mode 0600) so tokens and sessions survive a restart. A real
// deployment sets SUBGRAPH_GATEWAY_SECRET and AUTH_SIGNING_KEYS itself; those always win. Each
// service is handed only the secrets it uses (secretsFor): the private keys go to the gateway alone,
// the subgraphs get the public half, and the bridge, the emulators and the web app get none.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createSigningKeyRing, generateSigningKey } from "@ms5/kit/auth";

export interface LocalSecrets {
  SUBGRAPH_GATEWAY_SECRET: string;
  /** Private JWKs: the gateway's alone. */
  AUTH_SIGNING_KEYS: string;
  /** Their public half, derived: what the subgraphs verify tokens with. */
  AUTH_VERIFICATION_KEYS: string;
}

export type SecretName = keyof LocalSecrets;

/**
 * Every variable that carries a secret. A service's environment is stripped of each one it is not
 * handed, so a secret exported in the developer's shell does not leak into every child either.
 */
export const SECRET_VARIABLES: readonly string[] = [
  "SUBGRAPH_GATEWAY_SECRET",
  "SUBGRAPH_GATEWAY_PREVIOUS_SECRET",
  "AUTH_SIGNING_KEYS",
  "AUTH_VERIFICATION_KEYS",
];

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
  const signingKeys = env.AUTH_SIGNING_KEYS || stored.AUTH_SIGNING_KEYS!;
  const ring = await createSigningKeyRing(JSON.parse(signingKeys) as Parameters<typeof createSigningKeyRing>[0]);
  return {
    SUBGRAPH_GATEWAY_SECRET: env.SUBGRAPH_GATEWAY_SECRET || stored.SUBGRAPH_GATEWAY_SECRET!,
    AUTH_SIGNING_KEYS: signingKeys,
    AUTH_VERIFICATION_KEYS: JSON.stringify(ring.jwks()),
  };
}

/**
 * The environment a service runs with: the parent's minus every secret variable, plus the secrets
 * it is handed and its own variables. `shared` (DATABASE_URL, REDIS_URL, ...) holds no secret.
 */
export function serviceEnvironment(
  parent: NodeJS.ProcessEnv,
  secrets: LocalSecrets | undefined,
  handed: readonly SecretName[],
  own: Readonly<Record<string, string>>,
  shared: Readonly<Record<string, string>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && !SECRET_VARIABLES.includes(name)) environment[name] = value;
  }
  // A rotation's previous secret travels with the current one.
  if (handed.includes("SUBGRAPH_GATEWAY_SECRET") && parent.SUBGRAPH_GATEWAY_PREVIOUS_SECRET) {
    environment.SUBGRAPH_GATEWAY_PREVIOUS_SECRET = parent.SUBGRAPH_GATEWAY_PREVIOUS_SECRET;
  }
  for (const name of handed) {
    const value = secrets?.[name];
    if (value !== undefined) environment[name] = value;
  }
  return { ...environment, ...own, ...shared };
}
