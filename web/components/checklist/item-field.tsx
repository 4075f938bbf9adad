"use client";
import { useState } from "react";
import type { ChecklistTemplatesQuery as TemplatesResult } from "@/lib/graphql/generated/graphql";

export type Template = NonNullable<TemplatesResult["checklistTemplates"]>[number];
export type Item = NonNullable<Template["items"]>[number];
export type Answer = { valueBoolean?: boolean; valueNumber?: number; valueText?: string };

export function ItemField({
  item,
  answer,
  onAnswer,
}: {
  item: Item;
  answer: Answer | undefined;
  onAnswer: (answer: Answer) => void;
}) {
  const id = `item-${item.id}`;
  const [draft, setDraft] = useState<string>(
    answer?.valueText ?? (answer?.valueNumber !== undefined ? String(answer.valueNumber) : ""),
  );
  const label = (
    <>
      {item.label}
      {item.unit ? ` (${item.unit})` : ""}
      {item.required ? "" : " (optional)"}
    </>
  );
  switch (item.type) {
    case "CHECKBOX":
      return (
        <label className="row" htmlFor={id} style={{ minHeight: 44 }}>
          <input
            id={id}
            type="checkbox"
            style={{ width: 32, height: 32 }}
            checked={answer?.valueBoolean ?? false}
            onChange={(event) => onAnswer({ valueBoolean: event.target.checked })}
          />
          {label}
        </label>
      );
    case "NUMBER": {
      const value = Number(draft);
      const outside =
        draft !== "" &&
        ((item.minValue !== null && item.minValue !== undefined && value < item.minValue) ||
          (item.maxValue !== null && item.maxValue !== undefined && value > item.maxValue));
      return (
        <div>
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            inputMode="decimal"
            value={draft}
            aria-describedby={`${id}-limits`}
            onChange={(event) => setDraft(event.target.value)}
            onBlur={() => draft !== "" && Number.isFinite(value) && onAnswer({ valueNumber: value })}
          />
          <span id={`${id}-limits`} className={outside ? "error" : "muted"}>
            {" "}
            {outside ? "⚠ outside limits: " : ""}
            {item.minValue ?? "–"} to {item.maxValue ?? "–"}
          </span>
        </div>
      );
    }
    case "SELECT":
      return (
        <div>
          <label htmlFor={id}>{label}</label>
          <select
            id={id}
            value={answer?.valueText ?? ""}
            onChange={(event) => onAnswer({ valueText: event.target.value })}
          >
            <option value="" disabled>
              Choose…
            </option>
            {(item.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
      );
    default:
      return (
        <div>
          <label htmlFor={id}>{item.type === "SIGNATURE" ? <>{label}: type your full name</> : label}</label>
          <input
            id={id}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onBlur={() => draft.trim() !== "" && onAnswer({ valueText: draft.trim() })}
            style={{ width: "100%" }}
          />
        </div>
      );
  }
}
