// A state said three ways: a word, a symbol and a colour (colour is never the only signal).
const SYMBOL: Record<string, string> = {
  RUNNING: "▶",
  IDLE: "❚❚",
  DOWN: "■",
  PLANNED_STOP: "◷",
  CHANGEOVER: "⇄",
  COMMS_LOST: "?",
  UNKNOWN: "…",
};

const WORD: Record<string, string> = {
  RUNNING: "Running",
  IDLE: "Idle",
  DOWN: "Down",
  PLANNED_STOP: "Planned stop",
  CHANGEOVER: "Changeover",
  COMMS_LOST: "No PLC data",
  UNKNOWN: "Waiting for data",
};

export function LiveStateBadge({ state, label }: { state: string | null | undefined; label?: string }) {
  const key = state ?? "UNKNOWN";
  return (
    <span className="state" data-state={key} data-testid="state-badge">
      <span aria-hidden="true">{SYMBOL[key] ?? "•"}</span>
      <span>
        {label ? <span className="visually-hidden">{label}: </span> : null}
        {WORD[key] ?? key}
      </span>
    </span>
  );
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${r} s` : `${r} s`;
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : `${(value * 100).toFixed(1)} %`;
}
