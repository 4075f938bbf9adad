// Every history edit says why: the note lands on the lineage and audit rows.
import { ApiError } from "@ms5/kit/subgraph";

/** Limits of the note. */
export const HISTORY_EDIT_NOTE_DEFAULTS = {
  /** @default 2000 characters */
  maxLength: 2_000,
} as const;

/** The trimmed note, or BAD_USER_INPUT when it is blank or too long. */
export function requireNote(note: string): string {
  const trimmed = note.trim();
  if (!trimmed) throw new ApiError("BAD_USER_INPUT", "note must say why the history is edited.");
  if (trimmed.length > HISTORY_EDIT_NOTE_DEFAULTS.maxLength) {
    throw new ApiError("BAD_USER_INPUT", `note may be at most ${HISTORY_EDIT_NOTE_DEFAULTS.maxLength} characters.`);
  }
  return trimmed;
}
