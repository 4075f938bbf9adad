// Quality live events as they cross Redis pub/sub: one channel for the plant, a small JSON message
// naming what changed; subscribers read the row fresh, so any instance can serve any subscriber.

export type QualityEventMessage =
  | { kind: "check-due"; checkId: string; lineId: string }
  | { kind: "spc-violation"; violationId: string; lineId: string; characteristicId: string; readAt?: number }
  | { kind: "defect-recorded"; defectId: string; lineId: string }
  /** New subgroups joined a chart (the check weigher's), so an open chart can read itself again. */
  | { kind: "spc-subgroups"; characteristicId: string; lineId: string; count: number };

export type QualityEventKind = QualityEventMessage["kind"];

const ID_FIELD: Readonly<Record<QualityEventKind, string>> = {
  "check-due": "checkId",
  "spc-violation": "violationId",
  "defect-recorded": "defectId",
  "spc-subgroups": "characteristicId",
};

/** `<prefix>quality:events`, e.g. `ms5:quality:events`. */
export function qualityEventChannel(prefix = "ms5:"): string {
  return `${prefix}quality:events`;
}

/** The event of a channel message, or null for anything that is not one. */
export function parseQualityEventMessage(message: string): QualityEventMessage | null {
  try {
    const value = JSON.parse(message) as Record<string, unknown>;
    if (typeof value !== "object" || value === null || typeof value.kind !== "string") return null;
    const idField = ID_FIELD[value.kind as QualityEventKind];
    if (!idField || typeof value[idField] !== "string" || typeof value.lineId !== "string") return null;
    if (value.kind === "spc-violation" && typeof value.characteristicId !== "string") return null;
    if (value.kind === "spc-subgroups" && !Number.isInteger(value.count)) return null;
    return value as QualityEventMessage;
  } catch {
    return null;
  }
}
