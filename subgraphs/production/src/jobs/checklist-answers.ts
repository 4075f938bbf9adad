// An answer to one checklist item, checked against the item's type: what value it must carry, and
// whether a number lies within the item's limits. Pure: no database.
import type { ChecklistTemplateItem } from "@ms5/db";
import { InvalidChecklistAnswer } from "./job-errors.ts";

/** The longest TEXT (or SIGNATURE) answer kept. @default 2000 characters */
export const MAX_CHECKLIST_TEXT_LENGTH = 2000;

export interface ChecklistAnswerValue {
  boolean?: boolean | null;
  number?: number | null;
  text?: string | null;
}

/** The columns of a checklist_response row an answer sets. */
export interface CheckedChecklistAnswer {
  valueBoolean: boolean | null;
  valueNumber: number | null;
  valueText: string | null;
  /** NUMBER items only: false when the value lies outside [minValue, maxValue]; null otherwise. */
  withinLimits: boolean | null;
}

type ItemShape = Pick<ChecklistTemplateItem, "id" | "type" | "label" | "minValue" | "maxValue" | "options">;

/** The row values for `value` as an answer to `item`, or InvalidChecklistAnswer saying what is wrong. */
export function checkChecklistAnswer(item: ItemShape, value: ChecklistAnswerValue): CheckedChecklistAnswer {
  const given = {
    boolean: value.boolean !== null && value.boolean !== undefined,
    number: value.number !== null && value.number !== undefined,
    text: value.text !== null && value.text !== undefined,
  };
  const only = (kind: keyof typeof given, what: string) => {
    const others = (Object.keys(given) as (keyof typeof given)[]).filter((k) => k !== kind && given[k]);
    if (!given[kind] || others.length > 0) {
      throw new InvalidChecklistAnswer(item.id, `"${item.label}" is answered with ${what} only.`);
    }
  };
  const text = () => {
    const trimmed = (value.text ?? "").trim();
    if (trimmed.length === 0) throw new InvalidChecklistAnswer(item.id, `"${item.label}" needs a non-empty answer.`);
    if (trimmed.length > MAX_CHECKLIST_TEXT_LENGTH) {
      throw new InvalidChecklistAnswer(
        item.id,
        `"${item.label}" takes at most ${MAX_CHECKLIST_TEXT_LENGTH} characters.`,
      );
    }
    return trimmed;
  };

  switch (item.type) {
    case "CHECKBOX":
      only("boolean", "yes or no");
      return { valueBoolean: value.boolean!, valueNumber: null, valueText: null, withinLimits: null };
    case "NUMBER": {
      only("number", "a number");
      const number = value.number!;
      if (!Number.isFinite(number)) throw new InvalidChecklistAnswer(item.id, `"${item.label}" needs a finite number.`);
      const withinLimits =
        (item.minValue === null || number >= item.minValue) && (item.maxValue === null || number <= item.maxValue);
      return { valueBoolean: null, valueNumber: number, valueText: null, withinLimits };
    }
    case "SELECT": {
      only("text", "one of its options");
      const choice = text();
      if (!item.options.includes(choice)) {
        throw new InvalidChecklistAnswer(
          item.id,
          `"${choice}" is not an option of "${item.label}" (${item.options.map((o) => `"${o}"`).join(", ")}).`,
        );
      }
      return { valueBoolean: null, valueNumber: null, valueText: choice, withinLimits: null };
    }
    case "TEXT":
    case "SIGNATURE":
      only("text", "text");
      return { valueBoolean: null, valueNumber: null, valueText: text(), withinLimits: null };
  }
}

/** A checklist passes when every ticked box is ticked yes and every number lies within its limits. */
export function checklistPassed(
  responses: readonly { valueBoolean: boolean | null; withinLimits: boolean | null; item: { type: string } }[],
): boolean {
  return responses.every(
    (response) =>
      response.withinLimits !== false && (response.item.type !== "CHECKBOX" || response.valueBoolean === true),
  );
}
