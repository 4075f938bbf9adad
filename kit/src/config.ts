// Environment parsing shared by every service: validated once at start-up, and a bad or missing
// value stops the process with a message naming the variable.
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
import { z } from "zod";

/** Thrown when the environment does not satisfy a service's schema; lists every bad variable. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses `env` against `shape` and returns the typed configuration, or throws a ConfigError that
 * names each variable at fault.
 */
export function parseConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  // Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = z.object(shape).safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join(".") || "(environment)",
      message: issue.message,
    })),
  );
}

/**
 * For a service's entry point: parse, or print which variables are wrong and exit with status 78
 * (EX_CONFIG), before anything else starts.
 */
export function loadConfigOrExit<Shape extends z.ZodRawShape>(
  serviceName: string,
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  try {
    return parseConfig(shape, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${serviceName}: ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw error;
  }
}

/**
 * Whether a service runs production-safe: no introspection, no stack traces or internal detail in
 * answers, no ephemeral signing key. Development behaviour is opt-in (NODE_ENV=development, or test
 * under the test runner); anything else, unset included, is production.
 */
export function isProductionEnvironment(nodeEnv: string | undefined): boolean {
  return nodeEnv !== "development" && nodeEnv !== "test";
}

/** loadConfigOrExit for configuration that loads asynchronously (keys): a ConfigError exits 78 the same way. */
export async function loadOrExit<T>(serviceName: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${serviceName}: ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw error;
  }
}

/** Reusable field schemas, so every service spells the shared variables the same way. */
export const env = {
  databaseUrl: () =>
    z
      .string()
      .url("must be a postgresql:// URL")
      .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// URL"),
  redisUrl: () =>
    z
      .string()
      .url("must be a redis:// URL")
      .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// URL"),
  port: (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort),
  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Unset means production: development behaviour is opt-in (isProductionEnvironment). */
  nodeEnv: () => z.enum(["development", "test", "production"]).default("production"),
  /**
   * STREAM_KEY_PREFIX: the prefix of every stream key and channel (`ms5:{<line>}:telemetry`). The
   * bridge and every subgraph read it through this one schema, so setting it never cuts one off.
   */
  streamKeyPrefix: () =>
    z
      .string()
      .regex(/^[^\s{}]+$/, "must be non-empty, without spaces or braces (braces are Redis Cluster hash tags)")
      .default(DEFAULT_KEY_PREFIX),
  /**
   * INSTANCE_ID: names this instance of a service (its stream consumer, its leases), stable across
   * its restarts. Unset: `<host>-<ordinal>` (claimInstanceId), so two instances on a host differ.
   */
  instanceId: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
      .optional(),
  /** A switch: `true`/`1` or `false`/`0` (any case); anything else names the variable. */
  flag: (defaultValue: boolean) =>
    z
      .string()
      .transform((v) => v.trim().toLowerCase())
      .pipe(z.enum(["true", "1", "false", "0"], { error: "must be true or false (or 1 or 0)" }))
      .transform((v) => v === "true" || v === "1")
      .default(defaultValue),
  /** A duration in milliseconds, given as a whole number. */
  millis: (defaultMs: number) => z.coerce.number().int().positive().default(defaultMs),
  /** A size in bytes, given as a whole number. */
  bytes: (defaultBytes: number) => z.coerce.number().int().positive().default(defaultBytes),
  /**
   * A shared secret (required): long enough that guessing is hopeless, so a short placeholder left
   * in a deployment stops the process instead of protecting nothing.
   */
  secret: (minLength = 32) =>
    z
      .string({ error: "is required" })
      .min(minLength, `must be at least ${minLength} characters (e.g. \`openssl rand -base64 48\`)`),
};

/** A URL fit for logs and summaries: its password, if any, replaced by ***. */
export function urlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
