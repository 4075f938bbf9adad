// The web server's environment, validated once at start (instrumentation.ts) with the same parser
// the services use: a bad value stops the server with a message naming the variable, instead of a
// sign-in failing later with a connection error.
import { env, parseConfig } from "@ms5/kit/config";
import { z } from "zod";

const httpUrl = (what: string) =>
  z
    .string()
    .url(`must be the ${what}'s http(s):// URL`)
    .refine((value) => /^https?:\/\//.test(value), `must be the ${what}'s http(s):// URL`);

export const webEnvironmentShape = {
  /** The gateway's HTTP origin, called server-side for /auth/* and /graphql. */
  GATEWAY_URL: httpUrl("gateway").default("http://127.0.0.1:4000"),
  /** The graphql-ws endpoint the browser connects to; unset: GATEWAY_URL with ws(s):// and /graphql. */
  GATEWAY_WS_URL: z
    .string()
    .url("must be a ws:// or wss:// URL")
    .refine((value) => /^wss?:\/\//.test(value), "must be a ws:// or wss:// URL")
    .optional(),
  /** Shared with the gateway: lets it count sign-in attempts per browser rather than per web server. */
  GATEWAY_PROXY_SECRET: env.secret(32).optional(),
  WEB_PORT: env.port(3000),
  /** true only behind a reverse proxy that sets X-Forwarded-For itself. */
  WEB_BEHIND_PROXY: env.flag(false),
};

export type WebEnvironment = z.infer<z.ZodObject<typeof webEnvironmentShape>>;

let cached: WebEnvironment | undefined;

/** The validated environment (throws ConfigError naming each bad variable). */
export function webEnvironment(): WebEnvironment {
  cached ??= parseConfig(webEnvironmentShape);
  return cached;
}
