// Andon live events as they cross Redis pub/sub: one channel for the plant, a small JSON message
// naming what changed; subscribers read the row fresh, so any instance can serve any subscriber.

import { DEFAULT_KEY_PREFIX } from "@ms5/schema";

export type AndonEventMessage =
  | { kind: "andon-raised" | "andon-updated"; andonId: string; lineId: string }
  | { kind: "escalation-updated"; andonId: string; lineId: string; escalationId: string };

export type AndonEventKind = AndonEventMessage["kind"];

const KINDS: ReadonlySet<string> = new Set<AndonEventKind>(["andon-raised", "andon-updated", "escalation-updated"]);

/** `<prefix>andon:events`, e.g. `ms5:andon:events`. */
export function andonEventChannel(prefix = DEFAULT_KEY_PREFIX): string {
  return `${prefix}andon:events`;
}

/** The event of a channel message, or null for anything that is not one. */
export function parseAndonEventMessage(message: string): AndonEventMessage | null {
  try {
    const value = JSON.parse(message) as Record<string, unknown>;
    if (typeof value !== "object" || value === null) return null;
    if (typeof value.kind !== "string" || !KINDS.has(value.kind)) return null;
    if (typeof value.andonId !== "string" || typeof value.lineId !== "string") return null;
    if (value.kind === "escalation-updated" && typeof value.escalationId !== "string") return null;
    return value as AndonEventMessage;
  } catch {
    return null;
  }
}
