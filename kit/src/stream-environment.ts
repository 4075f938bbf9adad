// The environment every service that reads or writes the Redis streams shares: where Redis is, the
// key prefix and this instance's id, parsed by one reader so the bridge, the subgraphs and the
// dead-letter tool never disagree about where the streams are.
import { env, loadConfigOrExit, parseConfig } from "./config.ts";

export const streamEnvironmentShape = {
  REDIS_URL: env.redisUrl().default("redis://127.0.0.1:6379"),
  STREAM_KEY_PREFIX: env.streamKeyPrefix(),
  INSTANCE_ID: env.instanceId(),
};

export interface StreamEnvironment {
  /** REDIS_URL. @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** STREAM_KEY_PREFIX. @default "ms5:" */
  keyPrefix: string;
  /** INSTANCE_ID; undefined lets claimInstanceId derive one. */
  instanceId: string | undefined;
}

function fromParsed(parsed: ReturnType<typeof parseConfig<typeof streamEnvironmentShape>>): StreamEnvironment {
  return { redisUrl: parsed.REDIS_URL, keyPrefix: parsed.STREAM_KEY_PREFIX, instanceId: parsed.INSTANCE_ID };
}

/** Parses the stream variables; throws ConfigError naming each bad one. */
export function parseStreamEnvironment(source: NodeJS.ProcessEnv = process.env): StreamEnvironment {
  return fromParsed(parseConfig(streamEnvironmentShape, source));
}

/** For an entry point: parse, or print what is wrong and exit 78. */
export function loadStreamEnvironment(serviceName: string, source: NodeJS.ProcessEnv = process.env): StreamEnvironment {
  return fromParsed(loadConfigOrExit(serviceName, streamEnvironmentShape, source));
}
