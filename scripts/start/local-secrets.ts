// Secrets for a local `pnpm start`: the gateway-to-subgraph signing secret, the token signing key,
// the checklist and release-check signing keys, the web server's sign-in proxy secret and the password of the services'
// database login, generated once into
// .data/ (mode 0600) so tokens, sessions and signed records survive a restart. A real deployment sets
// them itself; the variables of the same names always win. Each
// service is handed only the secrets it uses (secretsFor): the private keys go to the gateway alone,
// the subgraphs get the public half, and the bridge, the emulators and the web app get none.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateRecordSigningKey } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey } from "@ms5/kit/auth";
import { generateChecklistSigningKey } from "../../subgraphs/production/src/jobs/checklist-signing-keys.ts";

export interface LocalSecrets {
  SUBGRAPH_GATEWAY_SECRET: string;
  /** Private JWKs: the gateway's alone. */
  AUTH_SIGNING_KEYS: string;
  /** Their public half, derived: what the subgraphs verify tokens with. */
  AUTH_VERIFICATION_KEYS: string;
  /** The production subgraph's alone: the database must never see it. */
  CHECKLIST_SIGNING_KEYS: string;
  /** The quality subgraph's alone: MACs release-check signatures. */
  QUALITY_SIGNING_KEYS: string;
  /** The services' database login (start.ts makes it); handed to no service as a variable. */
  DATABASE_SERVICE_PASSWORD: string;
  /** The gateway's and the web app's alone: the web server's proof that it is the sign-in proxy. */
  GATEWAY_PROXY_SECRET: string;
}

type StoredSecrets = Omit<LocalSecrets, "AUTH_VERIFICATION_KEYS">;

const generators: { [Name in keyof StoredSecrets]: () => Promise<string> | string } = {
  SUBGRAPH_GATEWAY_SECRET: () => randomBytes(48).toString("base64url"),
  AUTH_SIGNING_KEYS: async () => JSON.stringify([await generateSigningKey()]),
  CHECKLIST_SIGNING_KEYS: () => generateChecklistSigningKey(),
  QUALITY_SIGNING_KEYS: () => generateRecordSigningKey("qk"),
  DATABASE_SERVICE_PASSWORD: () => randomBytes(24).toString("base64url"),
  GATEWAY_PROXY_SECRET: () => randomBytes(48).toString("base64url"),
};

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
  "CHECKLIST_SIGNING_KEYS",
  "QUALITY_SIGNING_KEYS",
  // The tables' owner: migrate and seed only, never a service; the services' login travels in DATABASE_URL.
  "MIGRATION_DATABASE_URL",
  "DATABASE_SERVICE_PASSWORD",
  "GATEWAY_PROXY_SECRET",
];

export async function localSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalSecrets> {
  const file = path.join(dataDir, "local-secrets.json");
  const stored: Partial<StoredSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<StoredSecrets>)
    : {};
  // Only what is missing is made: a secret a newer version adds must not replace the older ones.
  let changed = false;
  for (const name of Object.keys(generators) as (keyof StoredSecrets)[]) {
    if (stored[name]) continue;
    stored[name] = await generators[name]();
    changed = true;
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  const signingKeys = env.AUTH_SIGNING_KEYS || stored.AUTH_SIGNING_KEYS!;
  const ring = await createSigningKeyRing(JSON.parse(signingKeys) as Parameters<typeof createSigningKeyRing>[0]);
  return {
    SUBGRAPH_GATEWAY_SECRET: env.SUBGRAPH_GATEWAY_SECRET || stored.SUBGRAPH_GATEWAY_SECRET!,
    AUTH_SIGNING_KEYS: signingKeys,
    AUTH_VERIFICATION_KEYS: JSON.stringify(ring.jwks()),
    CHECKLIST_SIGNING_KEYS: env.CHECKLIST_SIGNING_KEYS || stored.CHECKLIST_SIGNING_KEYS!,
    QUALITY_SIGNING_KEYS: env.QUALITY_SIGNING_KEYS || stored.QUALITY_SIGNING_KEYS!,
    DATABASE_SERVICE_PASSWORD: stored.DATABASE_SERVICE_PASSWORD!,
    GATEWAY_PROXY_SECRET: env.GATEWAY_PROXY_SECRET || stored.GATEWAY_PROXY_SECRET!,
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
