// Operator actions that must survive a dropped connection: each is written to the device first
// (localStorage, the queue only, never tokens), shown as pending, and sent in order when the link
// is up. Every action carries an idempotency key made when it was queued, so a resend after a lost
// answer changes nothing on the server; an item leaves the queue only once the server has answered.

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { Client } from "@urql/core";
import { AcknowledgeAndonMutation, RaiseAndonMutation } from "@/lib/graphql/andon";
import { ConfirmDowntimeReasonMutation } from "@/lib/graphql/downtime";
import {
  AcceptJobMutation,
  AnswerChecklistItemMutation,
  CompleteJobMutation,
  StartJobMutation,
} from "@/lib/graphql/jobs";

interface ActionSpec {
  document: TypedDocumentNode<unknown, never>;
  /** The mutation's root field. */
  field: string;
  /** Where the idempotency key goes: a top-level argument, inside `input`, or nowhere (the API takes none). */
  key: "argument" | "input" | "none";
  /** Expected errors that mean an earlier send already did it (a replay after a lost answer). */
  alreadyDone?: readonly string[];
}

/** The actions the queue knows how to send. */
const ACTIONS = {
  confirmDowntimeReason: { document: ConfirmDowntimeReasonMutation, field: "confirmDowntimeReason", key: "argument" },
  acceptJob: { document: AcceptJobMutation, field: "acceptJob", key: "argument" },
  startJob: { document: StartJobMutation, field: "startJob", key: "argument" },
  completeJob: { document: CompleteJobMutation, field: "completeJob", key: "argument" },
  // No key on the API: answering an item again with the same value leaves the same answer.
  answerChecklistItem: { document: AnswerChecklistItemMutation, field: "answerChecklistItem", key: "none" },
  raiseAndon: { document: RaiseAndonMutation, field: "raiseAndon", key: "input" },
  // Keyed: a replay hours later (after the andon was resolved and reopened) returns the andon and
  // acknowledges nothing; another person's acknowledgement in between still reads as already done.
  acknowledgeAndon: {
    document: AcknowledgeAndonMutation,
    field: "acknowledgeAndon",
    key: "argument",
    alreadyDone: ["AndonAlreadyAcknowledged"],
  },
} as const satisfies Record<string, ActionSpec>;

function withKey(spec: ActionSpec, variables: Record<string, unknown>, key: string): Record<string, unknown> {
  if (spec.key === "argument") return { ...variables, idempotencyKey: key };
  if (spec.key === "input") {
    return { ...variables, input: { ...(variables.input as Record<string, unknown>), idempotencyKey: key } };
  }
  return variables;
}

export type QueuedActionKind = keyof typeof ACTIONS;

export interface QueuedAction {
  /** Also the idempotency key sent with the mutation. */
  id: string;
  kind: QueuedActionKind;
  variables: Record<string, unknown>;
  /** What the operator did, in their words, for the pending list. */
  label: string;
  /** The user who queued it: another user's session never sends it. */
  userId: string;
  queuedAt: string;
  attempts: number;
}

export interface ActionOutcome {
  action: QueuedAction;
  /** "done", or "refused" with the server's reason (nothing was changed). */
  status: "done" | "refused";
  code?: string;
  /** The expected-error type the server answered with (e.g. ChecklistRequired). */
  typename?: string;
  message?: string;
  data?: unknown;
}

export const QUEUE_STORAGE_KEY = "ms5.offline-actions.v1";

type Listener = () => void;

function readStored(): QueuedAction[] {
  if (typeof localStorage === "undefined") return [];
  try {
    const parsed = JSON.parse(localStorage.getItem(QUEUE_STORAGE_KEY) ?? "[]") as unknown;
    return Array.isArray(parsed) ? (parsed as QueuedAction[]) : [];
  } catch {
    return [];
  }
}

function newKey(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

class ActionQueue {
  private items: QueuedAction[] = [];
  private listeners = new Set<Listener>();
  private outcomeListeners = new Set<(outcome: ActionOutcome) => void>();
  private flushing: Promise<void> | null = null;
  private client: Client | null = null;
  private userId: string | null = null;
  private loaded = false;

  /** Binds the queue to the urql client and the signed-in user; sends what is waiting. */
  attach(client: Client, userId: string | null) {
    this.client = client;
    this.userId = userId;
    this.load();
    void this.flush();
  }

  private load() {
    if (this.loaded) return;
    this.loaded = true;
    this.items = readStored();
    if (typeof window !== "undefined") {
      // Another tab changed the queue.
      window.addEventListener("storage", (event) => {
        if (event.key === QUEUE_STORAGE_KEY) {
          this.items = readStored();
          this.emit();
        }
      });
    }
    this.emit();
  }

  snapshot = (): readonly QueuedAction[] => this.items;
  serverSnapshot = (): readonly QueuedAction[] => EMPTY;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onOutcome(listener: (outcome: ActionOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  private emit() {
    for (const listener of this.listeners) listener();
  }

  private persist(items: QueuedAction[]) {
    this.items = items;
    localStorage.setItem(QUEUE_STORAGE_KEY, JSON.stringify(items));
    this.emit();
  }

  /** Queues an action (written to the device before anything is sent) and tries to send it. */
  enqueue(kind: QueuedActionKind, variables: Record<string, unknown>, label: string): QueuedAction {
    if (!this.userId) throw new Error("Sign in first.");
    this.load();
    const id = newKey();
    const action: QueuedAction = {
      id,
      kind,
      variables: withKey(ACTIONS[kind], variables, id),
      label,
      userId: this.userId,
      queuedAt: new Date().toISOString(),
      attempts: 0,
    };
    this.persist([...readStored(), action]);
    void this.flush();
    return action;
  }

  /** Sends waiting actions in order; stops at the first that cannot reach the server. */
  flush(): Promise<void> {
    if (typeof navigator !== "undefined" && !navigator.onLine) return Promise.resolve();
    this.flushing ??= this.runFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async runFlush() {
    const send = async () => {
      for (;;) {
        const next = readStored().find((item) => item.userId === this.userId);
        if (!next || !this.client) return;
        const outcome = await this.send(next);
        if (!outcome) return;
        this.persist(readStored().filter((item) => item.id !== next.id));
        for (const listener of this.outcomeListeners) listener(outcome);
      }
    };
    // One sender across the device's tabs: two tabs must not send the same item at once.
    if (typeof navigator !== "undefined" && navigator.locks) await navigator.locks.request("ms5-offline-actions", send);
    else await send();
  }

  /** The server's answer, or null when it could not be reached (the item stays queued). */
  private async send(action: QueuedAction): Promise<ActionOutcome | null> {
    const spec: ActionSpec = ACTIONS[action.kind];
    this.persist(readStored().map((item) => (item.id === action.id ? { ...item, attempts: item.attempts + 1 } : item)));
    const result = await this.client!.mutation(spec.document as TypedDocumentNode<unknown, object>, action.variables, {
      requestPolicy: "network-only",
    }).toPromise();
    if (result.error) {
      const status = (result.error.response as Response | undefined)?.status ?? 0;
      const code = result.error.graphQLErrors[0]?.extensions?.code as string | undefined;
      if (result.error.networkError || status >= 500 || code === "SERVICE_UNAVAILABLE" || code === "UNAUTHENTICATED") {
        return null;
      }
      return {
        action,
        status: "refused",
        code,
        message: result.error.graphQLErrors[0]?.message ?? result.error.message,
      };
    }
    const payload = (
      result.data as Record<string, { __typename?: string; code?: string; message?: string; data?: unknown }>
    )[spec.field];
    if (payload?.__typename && spec.alreadyDone?.includes(payload.__typename)) {
      return { action, status: "done", typename: payload.__typename };
    }
    if (payload && "code" in payload && payload.code) {
      return { action, status: "refused", code: payload.code, typename: payload.__typename, message: payload.message };
    }
    return { action, status: "done", data: payload?.data };
  }
}

const EMPTY: readonly QueuedAction[] = [];

export const actionQueue = new ActionQueue();
