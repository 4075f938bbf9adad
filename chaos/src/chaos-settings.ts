// Every tunable of the chaos run in one place: how long it runs, how often each fault is injected,
// how long a fault lasts, and how long recovery may take before the run gives up on it.

export interface ChaosSettings {
  /** Faults of every kind are injected this many times each. @default 2 */
  injectionsPerKind: number;
  /** PostgreSQL stays stopped this long: longer than the consumers' claim idle time (30 s). @default 65,000 ms */
  postgresOutageMs: number;
  /** Redis stays stopped this long before it is started again on its append-only file. @default 4,000 ms */
  redisOutageMs: number;
  /** A killed service is started again after this long. @default 1,500 ms */
  killedServiceDownMs: number;
  /** The buffer's disk stays full (with Redis away, so the bridge must buffer) this long. @default 6,000 ms */
  diskFullMs: number;
  /** A PLC misbehaves (NaN, silence, malformed replies) this long; longer than BRIDGE_COMMS_LOST_MS. @default 5,000 ms */
  plcFaultMs: number;
  /** Quiet time between two faults of one lane, drawn between these bounds. @default [2,000, 6,000] ms */
  gapMs: readonly [number, number];
  /** A fault's recovery is given up (and reported as such) after this long. @default 90,000 ms */
  recoveryTimeoutMs: number;
  /** Equipment state changes (runs, faults, stops) happen every this long per equipment, drawn. @default [2,500, 7,000] ms */
  stateChangeEveryMs: readonly [number, number];
  /** Size of the tmpfs the bridge buffers on. @default 8 MiB */
  bufferDiskBytes: number;
  /** Minimum dwell of a scripted state, so the bridge (100 ms scans) sees every one. @default 1,500 ms */
  minimumDwellMs: number;
  /** After the last fault: time for everything to settle before the comparison. @default 120,000 ms */
  settleTimeoutMs: number;
  /** Escalation levels of the run's rules, seconds after the raise, and the reminder interval. */
  escalation: { firstLevelSeconds: number; secondLevelSeconds: number; reminderIntervalSeconds: number };
  /** Live subscribers through the gateway. @default 4 */
  subscribers: number;
}

export const CHAOS_DEFAULTS: ChaosSettings = {
  injectionsPerKind: 2,
  postgresOutageMs: 65_000,
  redisOutageMs: 4_000,
  killedServiceDownMs: 1_500,
  diskFullMs: 6_000,
  plcFaultMs: 5_000,
  gapMs: [2_000, 6_000],
  recoveryTimeoutMs: 90_000,
  stateChangeEveryMs: [2_500, 7_000],
  bufferDiskBytes: 8 * 1024 * 1024,
  minimumDwellMs: 1_500,
  settleTimeoutMs: 120_000,
  escalation: { firstLevelSeconds: 15, secondLevelSeconds: 45, reminderIntervalSeconds: 20 },
  subscribers: 4,
};
