"use client";
// The steps that finish an andon, each shown only when its status allows it and the role holds its
// permission (the server checks both again): acknowledge, start work, resolve with a root cause, close, reopen
// with a note, escalate by hand to a level with a note. A refusal (someone else moved it first, a
// level the rule does not have) is shown beside the step and the andon is read again.
import type { ReactNode } from "react";
import { useMutation } from "urql";
import { AcknowledgeAndonMutation } from "@/lib/graphql/andon";
import {
  CloseAndonMutation,
  EscalateAndonMutation,
  ReopenAndonMutation,
  ResolveAndonMutation,
  StartAndonWorkMutation,
} from "@/lib/graphql/andon-workflow";
import type { MutationOutcome } from "@/lib/graphql/mutation-outcome";
import { useMutationForm } from "@/lib/react/use-mutation-form";

type Step<Values extends Record<string, string>> = {
  id: string;
  title: string;
  initial: Values;
  send: (values: Values) => Promise<MutationOutcome>;
  field: string;
  submitLabel: string;
  onApplied: () => void;
  /** The step's inputs, bound to its values by name. */
  fields: (bind: (key: keyof Values & string) => object) => ReactNode;
};

function StepForm<Values extends Record<string, string>>({ step }: { step: Step<Values> }) {
  const form = useMutationForm(step.initial, step.send, {
    field: step.field,
    resetOnApplied: true,
    onApplied: step.onApplied,
  });
  return (
    <form onSubmit={form.submit} className="panel" aria-labelledby={`${step.id}-heading`} data-testid={step.id}>
      <h3 id={`${step.id}-heading`}>{step.title}</h3>
      {step.fields((key) => form.bind(key as never))}
      {form.error ? (
        <p className="error" role="alert" data-testid={`${step.id}-refusal`}>
          {form.error}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={form.busy}>
          {step.submitLabel}
        </button>
      </div>
    </form>
  );
}

export function AndonActions({
  andonId,
  status,
  canRespond,
  canEscalate,
  onChanged,
}: {
  andonId: string;
  status: string;
  canRespond: boolean;
  canEscalate: boolean;
  onChanged: () => void;
}) {
  const [, acknowledge] = useMutation(AcknowledgeAndonMutation);
  const [, start] = useMutation(StartAndonWorkMutation);
  const [, resolve] = useMutation(ResolveAndonMutation);
  const [, close] = useMutation(CloseAndonMutation);
  const [, reopen] = useMutation(ReopenAndonMutation);
  const [, escalate] = useMutation(EscalateAndonMutation);
  const finished = status === "RESOLVED" || status === "CLOSED";
  const text = (id: string, label: string, bound: object, required = false) => (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} required={required} maxLength={2000} style={{ width: "100%" }} {...bound} />
    </>
  );
  return (
    <div className="grid two" data-testid="andon-actions">
      {canRespond && status === "OPEN" ? (
        <StepForm
          step={{
            id: "andon-acknowledge",
            title: "Acknowledge",
            initial: { note: "" },
            // One key per attempt: the server keeps it per person, so a resend acknowledges once.
            send: (values) =>
              acknowledge({ andonId, note: values.note.trim() || null, idempotencyKey: crypto.randomUUID() }),
            field: "acknowledgeAndon",
            submitLabel: "Acknowledge",
            onApplied: onChanged,
            fields: (bind) => text("andon-acknowledge-note", "Note (optional)", bind("note")),
          }}
        />
      ) : null}
      {canRespond && status === "ACKNOWLEDGED" ? (
        <StepForm
          step={{
            id: "andon-start",
            title: "Start work",
            initial: { note: "" },
            send: (values) => start({ andonId, note: values.note.trim() || null }),
            field: "startAndonWork",
            submitLabel: "Start work",
            onApplied: onChanged,
            fields: (bind) => text("andon-start-note", "Note (optional)", bind("note")),
          }}
        />
      ) : null}
      {canRespond && (status === "ACKNOWLEDGED" || status === "IN_PROGRESS") ? (
        <StepForm
          step={{
            id: "andon-resolve",
            title: "Resolve",
            initial: { rootCause: "", resolutionNote: "" },
            send: (values) =>
              resolve({
                andonId,
                rootCause: values.rootCause.trim(),
                resolutionNote: values.resolutionNote.trim() || null,
              }),
            field: "resolveAndon",
            submitLabel: "Resolve",
            onApplied: onChanged,
            fields: (bind) => (
              <>
                {text("andon-root-cause", "Root cause", bind("rootCause"), true)}
                {text("andon-resolution-note", "What was done (optional)", bind("resolutionNote"))}
              </>
            ),
          }}
        />
      ) : null}
      {canRespond && status === "RESOLVED" ? (
        <StepForm
          step={{
            id: "andon-close",
            title: "Close",
            initial: { note: "" },
            send: (values) => close({ andonId, note: values.note.trim() || null }),
            field: "closeAndon",
            submitLabel: "Close",
            onApplied: onChanged,
            fields: (bind) => text("andon-close-note", "Note (optional)", bind("note")),
          }}
        />
      ) : null}
      {canRespond && finished ? (
        <StepForm
          step={{
            id: "andon-reopen",
            title: "Reopen",
            initial: { note: "" },
            send: (values) => reopen({ andonId, note: values.note.trim() }),
            field: "reopenAndon",
            submitLabel: "Reopen",
            onApplied: onChanged,
            fields: (bind) => text("andon-reopen-note", "Why reopen", bind("note"), true),
          }}
        />
      ) : null}
      {canEscalate && !finished ? (
        <StepForm
          step={{
            id: "andon-escalate",
            title: "Escalate by hand",
            initial: { level: "1", note: "" },
            send: (values) => escalate({ andonId, level: Number(values.level), note: values.note.trim() }),
            field: "escalateAndon",
            submitLabel: "Escalate",
            onApplied: onChanged,
            fields: (bind) => (
              <>
                <label htmlFor="andon-escalate-level">Level of the rule</label>
                <input id="andon-escalate-level" type="number" min={1} max={10} step={1} required {...bind("level")} />
                {text("andon-escalate-note", "Why escalate", bind("note"), true)}
              </>
            ),
          }}
        />
      ) : null}
    </div>
  );
}
