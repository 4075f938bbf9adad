"use client";
import { useEffect, useState } from "react";
import { useClient } from "urql";
import { type Answer, type Item, ItemField, type Template } from "@/components/checklist/item-field";
import { SignChecklistMutation, StartChecklistMutation } from "@/lib/graphql/jobs";
import { actionQueue } from "@/lib/offline/action-queue";
import { useQueuedActions, useSession } from "@/lib/react/stores";

function startKeyOf(jobId: string, templateId: string): string {
  const storageKey = `ms5.checklist-start.${jobId}.${templateId}`;
  let key = localStorage.getItem(storageKey);
  if (!key) {
    key = crypto.randomUUID();
    localStorage.setItem(storageKey, key);
  }
  return key;
}

export function TemplateForm({
  template,
  jobId,
  equipmentId,
}: {
  template: Template;
  jobId: string;
  equipmentId: string;
}) {
  const client = useClient();
  const session = useSession();
  const queued = useQueuedActions();
  const [completionId, setCompletionId] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);
  const [secret, setSecret] = useState("");
  const [signed, setSigned] = useState<{ passed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void client
      .mutation(StartChecklistMutation, {
        templateId: template.id!,
        equipmentId,
        jobId,
        idempotencyKey: startKeyOf(jobId, template.id!),
      })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        const payload = result.data?.startChecklist;
        if (payload?.__typename === "MutationStartChecklistSuccess") {
          setCompletionId(payload.data.id);
          if (payload.data.status === "SIGNED") setSigned({ passed: true });
          const restored: Record<string, Answer> = {};
          for (const response of payload.data.responses ?? []) {
            if (!response.itemId) continue;
            restored[response.itemId] = {
              ...(response.valueBoolean !== null ? { valueBoolean: response.valueBoolean } : {}),
              ...(response.valueNumber !== null ? { valueNumber: response.valueNumber } : {}),
              ...(response.valueText !== null ? { valueText: response.valueText } : {}),
            };
          }
          setAnswers(restored);
        } else {
          setMessage({
            kind: "error",
            text:
              payload && "message" in payload
                ? payload.message
                : (result.error?.graphQLErrors[0]?.message ??
                  "The checklist could not be opened: is the tablet online?"),
          });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [client, template.id, equipmentId, jobId]);

  const answer = (item: Item, value: Answer) => {
    if (!completionId) return;
    setAnswers((current) => ({ ...current, [item.id!]: value }));
    actionQueue.enqueue("answerChecklistItem", { completionId, itemId: item.id, ...value }, `answer “${item.label}”`);
  };

  const sign = async () => {
    if (!completionId) return;
    setBusy(true);
    await actionQueue.flush();
    const result = await client
      .mutation(SignChecklistMutation, { completionId, secret, meaning: template.defaultSignatureMeaning ?? undefined })
      .toPromise();
    setBusy(false);
    setSecret("");
    const payload = result.data?.signChecklist;
    if (payload?.__typename === "MutationSignChecklistSuccess") {
      setSigned({ passed: payload.data.passed ?? false });
      setMessage(null);
    } else if (payload?.__typename === "ChecklistIncomplete") {
      setMessage({
        kind: "error",
        text: `Answer every required item first (${payload.missingItemIds?.length ?? 0} left).`,
      });
    } else if (payload?.__typename === "SignatureRejected") {
      setMessage({ kind: "error", text: "That PIN or password is not yours. Nothing was signed." });
    } else if (payload && "message" in payload) {
      setMessage({ kind: "error", text: payload.message });
    } else {
      setMessage({ kind: "error", text: "Signing needs a connection. Try again when the tablet is online." });
    }
  };

  const pendingHere = queued.filter((item) => item.variables.completionId === completionId).length;
  const items = [...(template.items ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return (
    <section className="panel" aria-labelledby={`template-${template.id}`} data-testid="checklist">
      <h2 id={`template-${template.id}`}>
        {template.name} <span className="muted">v{template.version}</span>
      </h2>
      {signed ? (
        <p className="notice" role="status" data-testid="checklist-signed">
          {signed.passed
            ? "✓ Signed and passed: the job can start."
            : "✗ Signed, but not passed: the job cannot start."}
        </p>
      ) : completionId ? (
        <>
          {items.map((item) => (
            <ItemField key={item.id} item={item} answer={answers[item.id!]} onAnswer={(value) => answer(item, value)} />
          ))}
          {pendingHere > 0 ? (
            <p className="notice" role="status">
              ◷ {pendingHere} answer{pendingHere === 1 ? "" : "s"} waiting to be sent.
            </p>
          ) : null}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void sign();
            }}
          >
            <label htmlFor={`secret-${template.id}`}>
              Sign as {session.status === "signed-in" ? session.session.user.name : "you"}: your PIN or password
            </label>
            <div className="row">
              <input
                id={`secret-${template.id}`}
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(event) => setSecret(event.target.value)}
                required
              />
              <button type="submit" className="primary" disabled={busy || secret === ""}>
                {busy ? "Signing…" : "Sign checklist"}
              </button>
            </div>
            <p className="muted">{template.defaultSignatureMeaning}</p>
          </form>
        </>
      ) : (
        <p aria-busy="true">Opening checklist…</p>
      )}
      {message ? (
        <p className={message.kind === "error" ? "error" : "notice"} role="alert">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
