// Tunables of production alerts in one place, each with its default.
import type { AndonPriority, NotificationChannel, Role } from "@ms5/db";

export const ALERT_DEFAULTS = {
  /** @default 15_000 ms between evaluations of every active rule */
  evaluationIntervalMs: 15_000,
  /** @default 300 s — OEE and reject rate are taken over this much recent production, not one instant */
  observationWindowSeconds: 300,
  /** @default 86_400 s — the longest minimum duration a rule may ask for */
  maxDurationSeconds: 86_400,
  /** @default PRODUCTION_MANAGER and SHIFT_MANAGER — who is told when an alert is raised or cleared */
  recipientRoles: ["PRODUCTION_MANAGER", "SHIFT_MANAGER"] as readonly Role[],
  /** @default in-app for every alert, e-mail too from HIGH up */
  channelsBySeverity: {
    LOW: ["IN_APP"],
    MEDIUM: ["IN_APP"],
    HIGH: ["IN_APP", "EMAIL"],
    CRITICAL: ["IN_APP", "EMAIL"],
  } as Readonly<Record<AndonPriority, readonly NotificationChannel[]>>,
} as const;
