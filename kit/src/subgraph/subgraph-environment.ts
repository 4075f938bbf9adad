// The environment a subgraph's server reads, parsed once at start-up with kit's parseConfig: a bad
// or missing value stops the process naming the variable.
import { z } from "zod";
import { env, loadConfigOrExit, parseConfig } from "../config.ts";
import { SUBGRAPH_DEFAULT_PORTS, SUBGRAPH_SERVER_DEFAULTS, type SubgraphName } from "./subgraph-defaults.ts";

export interface SubgraphEnvironment {
  /** `<NAME>_SUBGRAPH_PORT`, e.g. PRODUCTION_SUBGRAPH_PORT. */
  port: number;
  /** SUBGRAPH_HOST. */
  host: string;
  /** SUBGRAPH_GATEWAY_SECRET (required, at least 32 characters). */
  gatewaySecret: string;
  /** SUBGRAPH_GATEWAY_PREVIOUS_SECRET: still accepted while the gateway moves to a new secret. */
  previousGatewaySecret: string | undefined;
  /** SUBGRAPH_BODY_LIMIT_BYTES. */
  bodyLimitBytes: number;
  /** SUBGRAPH_SHUTDOWN_GRACE_MS. */
  shutdownGracePeriodMs: number;
  nodeEnv: "development" | "test" | "production";
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/** The variable that sets a subgraph's port. */
export function subgraphPortVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_SUBGRAPH_PORT`;
}

function shapeFor(name: SubgraphName) {
  return {
    [subgraphPortVariable(name)]: env.port(SUBGRAPH_DEFAULT_PORTS[name]),
    SUBGRAPH_HOST: z.string().min(1).default(SUBGRAPH_SERVER_DEFAULTS.host),
    SUBGRAPH_GATEWAY_SECRET: env.secret(32),
    SUBGRAPH_GATEWAY_PREVIOUS_SECRET: env.secret(32).optional(),
    SUBGRAPH_BODY_LIMIT_BYTES: env.bytes(SUBGRAPH_SERVER_DEFAULTS.bodyLimitBytes),
    SUBGRAPH_SHUTDOWN_GRACE_MS: env.millis(SUBGRAPH_SERVER_DEFAULTS.shutdownGracePeriodMs),
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
  };
}

function fromParsed(name: SubgraphName, parsed: Record<string, unknown>): SubgraphEnvironment {
  return {
    port: parsed[subgraphPortVariable(name)] as number,
    host: parsed.SUBGRAPH_HOST as string,
    gatewaySecret: parsed.SUBGRAPH_GATEWAY_SECRET as string,
    previousGatewaySecret: parsed.SUBGRAPH_GATEWAY_PREVIOUS_SECRET as string | undefined,
    bodyLimitBytes: parsed.SUBGRAPH_BODY_LIMIT_BYTES as number,
    shutdownGracePeriodMs: parsed.SUBGRAPH_SHUTDOWN_GRACE_MS as number,
    nodeEnv: parsed.NODE_ENV as SubgraphEnvironment["nodeEnv"],
    logLevel: parsed.LOG_LEVEL as SubgraphEnvironment["logLevel"],
  };
}

/** Parses the subgraph's variables; throws ConfigError naming each bad one. */
export function parseSubgraphEnvironment(
  name: SubgraphName,
  source: NodeJS.ProcessEnv = process.env,
): SubgraphEnvironment {
  return fromParsed(name, parseConfig(shapeFor(name), source));
}

/** For a subgraph's entry point: parse, or print what is wrong and exit 78. */
export function loadSubgraphEnvironment(
  name: SubgraphName,
  source: NodeJS.ProcessEnv = process.env,
): SubgraphEnvironment {
  return fromParsed(name, loadConfigOrExit(`${name} subgraph`, shapeFor(name), source));
}

/** The part of startSubgraphServer's options the environment decides. */
export function subgraphServerOptionsOf(environment: SubgraphEnvironment) {
  return {
    port: environment.port,
    gatewaySecret: environment.previousGatewaySecret
      ? [environment.gatewaySecret, environment.previousGatewaySecret]
      : [environment.gatewaySecret],
    production: environment.nodeEnv === "production",
    settings: {
      host: environment.host,
      bodyLimitBytes: environment.bodyLimitBytes,
      shutdownGracePeriodMs: environment.shutdownGracePeriodMs,
    },
  };
}
