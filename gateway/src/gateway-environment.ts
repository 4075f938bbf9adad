// The environment the gateway's binary reads, parsed once at start-up with kit's parseConfig: a bad
// or missing value stops the process naming the variable.
import { env, GATEWAY_DEFAULT_PORT, loadConfigOrExit, parseConfig } from "@ms5/kit";
import { AUTH_DEFAULTS } from "@ms5/kit/auth";
import { z } from "zod";
import { GATEWAY_DEFAULTS } from "./gateway-defaults.ts";
import { TRUSTED_DOCUMENTS_MODES, type TrustedDocumentsMode } from "./trusted-documents.ts";

/** Where codegen writes the web app's persisted-documents manifest, from the repository root. */
export const TRUSTED_DOCUMENTS_DEFAULT_PATH = "web/lib/graphql/generated/persisted-documents.json";

const shape = {
  GATEWAY_PORT: env.port(GATEWAY_DEFAULT_PORT),
  GATEWAY_HOST: z.string().min(1).default(GATEWAY_DEFAULTS.host),
  /** Signs every subgraph request; the subgraphs read the same variable. */
  SUBGRAPH_GATEWAY_SECRET: env.secret(32),
  /** The composed supergraph the gateway serves. */
  SUPERGRAPH_PATH: z.string().min(1).default("schema/supergraph.graphql"),
  GATEWAY_BODY_LIMIT_BYTES: env.bytes(GATEWAY_DEFAULTS.bodyLimitBytes),
  GATEWAY_SHUTDOWN_GRACE_MS: env.millis(GATEWAY_DEFAULTS.shutdownGracePeriodMs),
  /** off | allow | enforce (gateway-defaults.ts explains each). */
  GATEWAY_TRUSTED_DOCUMENTS: z.enum(TRUSTED_DOCUMENTS_MODES).default(GATEWAY_DEFAULTS.trustedDocuments),
  GATEWAY_TRUSTED_DOCUMENTS_PATH: z.string().min(1).default(TRUSTED_DOCUMENTS_DEFAULT_PATH),
  /** Shared with the web app: proves a sign-in came through it, so its X-Forwarded-For is believed. */
  GATEWAY_PROXY_SECRET: env.secret(32).optional(),
  GATEWAY_LOGIN_LIMITER_TIMEOUT_MS: env.millis(AUTH_DEFAULTS.loginLimiterTimeoutMs),
  REDIS_URL: env.redisUrl().default("redis://127.0.0.1:6379"),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
};

export interface GatewayEnvironment {
  port: number;
  host: string;
  gatewaySecret: string;
  supergraphPath: string;
  bodyLimitBytes: number;
  shutdownGracePeriodMs: number;
  trustedDocuments: TrustedDocumentsMode;
  /** The persisted-documents manifest, relative to the repository root unless absolute. */
  trustedDocumentsPath: string;
  /** GATEWAY_PROXY_SECRET; undefined: forwarded client addresses are never believed. */
  proxySecret: string | undefined;
  loginLimiterTimeoutMs: number;
  redisUrl: string;
  databasePoolMax: number;
  nodeEnv: "development" | "test" | "production";
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** `<NAME>_SUBGRAPH_URL` for each subgraph that sets one, by subgraph name. */
  subgraphUrls: Record<string, string>;
}

function subgraphUrlsOf(source: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(source)) {
    const match = /^([A-Z][A-Z0-9_]*)_SUBGRAPH_URL$/.exec(variable);
    if (match && value) urls[match[1]!.toLowerCase()] = value;
  }
  return urls;
}

function fromParsed(parsed: z.infer<z.ZodObject<typeof shape>>, source: NodeJS.ProcessEnv): GatewayEnvironment {
  return {
    port: parsed.GATEWAY_PORT,
    host: parsed.GATEWAY_HOST,
    gatewaySecret: parsed.SUBGRAPH_GATEWAY_SECRET,
    supergraphPath: parsed.SUPERGRAPH_PATH,
    bodyLimitBytes: parsed.GATEWAY_BODY_LIMIT_BYTES,
    shutdownGracePeriodMs: parsed.GATEWAY_SHUTDOWN_GRACE_MS,
    trustedDocuments: parsed.GATEWAY_TRUSTED_DOCUMENTS,
    trustedDocumentsPath: parsed.GATEWAY_TRUSTED_DOCUMENTS_PATH,
    proxySecret: parsed.GATEWAY_PROXY_SECRET,
    loginLimiterTimeoutMs: parsed.GATEWAY_LOGIN_LIMITER_TIMEOUT_MS,
    redisUrl: parsed.REDIS_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    subgraphUrls: subgraphUrlsOf(source),
  };
}

/** Parses the gateway's variables; throws ConfigError naming each bad one. */
export function parseGatewayEnvironment(source: NodeJS.ProcessEnv = process.env): GatewayEnvironment {
  return fromParsed(parseConfig(shape, source), source);
}

/** For the entry point: parse, or print what is wrong and exit 78. */
export function loadGatewayEnvironment(source: NodeJS.ProcessEnv = process.env): GatewayEnvironment {
  return fromParsed(loadConfigOrExit("gateway", shape, source), source);
}
