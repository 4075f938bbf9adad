// The andon subgraph's tunables in one place, each with its default.

export const ANDON_DEFAULTS = {
  /**
   * @default 192 KiB: a photo larger than this is refused before it is written anywhere. Photos
   * travel base64 in the mutation, so this must stay under the gateway's body limit (256 KiB by
   * default) after base64's 4/3 growth; the tablet shrinks photos before sending them.
   */
  maxPhotoBytes: 192 * 1024,
  /** @default 4 photos per andon. */
  maxPhotosPerAndon: 4,
  /** @default 2,000 characters for a note, a root cause or a resolution note. */
  maxNoteLength: 2_000,
  /** @default 200 andons in one list. */
  maxAndonsListed: 200,
} as const;

export const ESCALATION_SCHEDULER_DEFAULTS = {
  /**
   * @default 30,000 ms: how long a claimed escalation belongs to the instance that claimed it. An
   * instance that dies mid-fire loses its claim after this; the level then fires on another one.
   */
  leaseMs: 30_000,
  /** @default 200 escalations claimed per round trip. */
  claimBatchSize: 200,
  /**
   * @default 1,000 ms: the longest the loop sleeps between scans. It wakes earlier for the next known
   * due time and at once when this instance starts an escalation itself.
   */
  maxSleepMs: 1_000,
  /** @default 4 escalations fired at the same time by one instance. */
  fireConcurrency: 4,
} as const;

export type EscalationSchedulerSettings = { -readonly [K in keyof typeof ESCALATION_SCHEDULER_DEFAULTS]: number };
