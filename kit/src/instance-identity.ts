// A service instance's stable name: INSTANCE_ID when set, else `<host>-<ordinal>` where the ordinal
// is the lowest one no other live instance of the service on this host holds (a Redis lease), so a
// restarted instance takes its old name back and two instances sharing a host never share one.
import { hostname } from "node:os";
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";

export interface InstanceIdentitySettings {
  /** How long a lease on an ordinal lasts without renewal: a killed instance's ordinal is free after it. @default 30000 */
  leaseMs: number;
  /** Ordinals tried per host before giving up. @default 64 */
  maxOrdinals: number;
}

export const INSTANCE_IDENTITY_DEFAULTS: Readonly<InstanceIdentitySettings> = {
  leaseMs: 30_000,
  maxOrdinals: 64,
};

export interface InstanceIdentity {
  /** e.g. `plant-host-0`. */
  id: string;
  /** Gives the ordinal back (on a graceful stop). */
  release(): Promise<void>;
}

/** Renews the lease only while it is still ours. */
const RENEW_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export async function claimInstanceId(options: {
  redis: RedisClient;
  /** The service ("production", "andon"): ordinals are per service and host. */
  service: string;
  keyPrefix: string;
  /** INSTANCE_ID, used as it is when set. */
  configured?: string | undefined;
  logger: Logger;
  host?: string;
  settings?: Partial<InstanceIdentitySettings>;
}): Promise<InstanceIdentity> {
  if (options.configured) return { id: options.configured, release: async () => undefined };
  const settings = { ...INSTANCE_IDENTITY_DEFAULTS, ...options.settings };
  const host = (options.host ?? hostname()).replace(/[^A-Za-z0-9._-]/g, "_");
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (let ordinal = 0; ordinal < settings.maxOrdinals; ordinal++) {
    const key = `${options.keyPrefix}instance:${options.service}:${host}:${ordinal}`;
    const taken = await options.redis.set(key, token, { NX: true, PX: settings.leaseMs });
    if (taken !== "OK") continue;
    const renew = setInterval(() => {
      options.redis
        .eval(RENEW_IF_OURS, { keys: [key], arguments: [token, String(settings.leaseMs)] })
        .catch((error: unknown) => options.logger.warn({ err: error, key }, "could not renew the instance lease"));
    }, settings.leaseMs / 3);
    renew.unref();
    return {
      id: `${host}-${ordinal}`,
      async release() {
        clearInterval(renew);
        await options.redis.eval(RELEASE_IF_OURS, { keys: [key], arguments: [token] }).catch(() => undefined);
      },
    };
  }
  throw new Error(`no free instance ordinal for ${options.service} on ${host}; set INSTANCE_ID`);
}
