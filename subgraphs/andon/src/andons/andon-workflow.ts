// The andon lifecycle: raise (by hand or from a PLC fault), acknowledge, start work, resolve with a
// root cause, close, reopen. Every step is a conditional update on the expected status inside one
// transaction with its history row and its escalation timers, so of two concurrent steps only one
// applies and a refused step changes nothing.

import { createHash } from "node:crypto";
import type { AndonEvent, AndonPriority, AndonStatus, AndonType, Prisma } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { ANDON_DEFAULTS } from "../andon-defaults.ts";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
import { ruleForAndon, startEscalation, stopEscalation } from "../escalation/escalation-timers.ts";
import { createWorkOrderForAndon } from "../maintenance/maintenance-workflow.ts";
import {
  AcknowledgeRequired,
  AndonAlreadyAcknowledged,
  IdempotencyKeyReused,
  InvalidAndonTransition,
  PhotoRejected,
} from "./andon-errors.ts";
import { type CheckedPhoto, checkPhoto, type PhotoUpload } from "./andon-photo.ts";
import type { AndonRuntime } from "./andon-runtime.ts";

type Tx = Prisma.TransactionClient;

/** The person acting, or null for the system (a PLC fault). */
export type AndonActor = { userId: string } | null;

export const OPEN_ANDON_STATUSES: readonly AndonStatus[] = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"];

/** Which statuses each step may start from. */
export const ANDON_TRANSITIONS = {
  acknowledge: { from: ["OPEN"], to: "ACKNOWLEDGED" },
  start: { from: ["ACKNOWLEDGED"], to: "IN_PROGRESS" },
  resolve: { from: ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"], to: "RESOLVED" },
  close: { from: ["RESOLVED"], to: "CLOSED" },
  reopen: { from: ["RESOLVED", "CLOSED"], to: "OPEN" },
} as const satisfies Record<string, { from: readonly AndonStatus[]; to: AndonStatus }>;

export interface RaiseAndonInput {
  lineId: string;
  equipmentId?: string | null;
  type: AndonType;
  priority: AndonPriority;
  note?: string | null;
  photo?: PhotoUpload | null;
  /**
   * A retried raise with the same key by the same person returns the andon it made; the key is the
   * raiser's own (another person's key never matches), and reusing it for another request is refused.
   */
  idempotencyKey?: string | null;
}

function checkedIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key.trim().length === 0 || key.length > 200) {
    throw new InputInvalid("idempotencyKey", "An idempotency key is 1 to 200 characters.");
  }
  return key;
}

/** What a raise asked for, hashed, so a reused key with another request can be told from a retry. */
function raiseRequestHash(input: RaiseAndonInput, note: string | null, photo: CheckedPhoto | null): string {
  const request = [input.lineId, input.equipmentId ?? null, input.type, input.priority, note, photo?.sha256 ?? null];
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/** The caller's earlier raise with this key: returned for the same request, refused for another. */
async function earlierRaise(
  runtime: AndonRuntime,
  raisedById: string,
  idempotencyKey: string,
  requestHash: string,
): Promise<AndonEvent | null> {
  const earlier = await runtime.prisma.andonEvent.findUnique({
    where: { raisedById_idempotencyKey: { raisedById, idempotencyKey } },
  });
  // A row from before request hashes were kept has none: it is taken as the same request.
  if (earlier && earlier.idempotencyRequestHash !== null && earlier.idempotencyRequestHash !== requestHash) {
    throw new IdempotencyKeyReused(idempotencyKey);
  }
  return earlier;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

function checkedText(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > ANDON_DEFAULTS.maxNoteLength) {
    throw new InputInvalid(field, `${field} may be at most ${ANDON_DEFAULTS.maxNoteLength} characters.`);
  }
  return text.length > 0 ? text : null;
}

async function withPhoto<T>(
  runtime: AndonRuntime,
  photo: CheckedPhoto | null,
  work: (storageKey: string | null) => Promise<T>,
): Promise<T> {
  const storageKey = photo ? await runtime.photos.save(photo) : null;
  try {
    return await work(storageKey);
  } catch (error) {
    if (storageKey) await runtime.photos.discard(storageKey);
    throw error;
  }
}

async function afterCommit(runtime: AndonRuntime, events: AndonEventMessage[], escalationsChanged: boolean) {
  if (escalationsChanged) runtime.escalationsChanged();
  await runtime.publish(events);
}

/** Raises an andon by hand: validated in full before anything is written. */
export async function raiseAndon(
  runtime: AndonRuntime,
  actor: AndonActor,
  input: RaiseAndonInput,
): Promise<AndonEvent> {
  const { prisma } = runtime;
  const note = checkedText(input.note, "note");
  // A key without a person to scope it to (the system) is not kept: it could match anyone's.
  const idempotencyKey = actor ? checkedIdempotencyKey(input.idempotencyKey) : null;
  const photo = input.photo ? checkPhoto(input.photo, runtime.maxPhotoBytes) : null;
  const requestHash = raiseRequestHash(input, note, photo);
  if (idempotencyKey && actor) {
    const earlier = await earlierRaise(runtime, actor.userId, idempotencyKey, requestHash);
    if (earlier) return earlier;
  }
  const line = await prisma.line.findUnique({ where: { id: input.lineId }, select: { id: true, active: true } });
  if (!line) throw new NotFound("line", input.lineId);
  if (!line.active) throw new InputInvalid("lineId", `Line ${line.id} is not active.`);
  if (input.equipmentId) {
    const equipment = await prisma.equipment.findUnique({ where: { id: input.equipmentId }, select: { lineId: true } });
    if (!equipment) throw new NotFound("equipment", input.equipmentId);
    if (equipment.lineId !== line.id) {
      throw new InputInvalid("equipmentId", `Equipment ${input.equipmentId} is not on line ${line.id}.`);
    }
  }
  const at = runtime.clock.now();
  try {
    const { andon, escalationId } = await withPhoto(runtime, photo, (storageKey) =>
      prisma.$transaction(async (tx) => {
        const andon = await tx.andonEvent.create({
          data: {
            lineId: line.id,
            equipmentId: input.equipmentId ?? null,
            type: input.type,
            priority: input.priority,
            source: "MANUAL",
            note,
            raisedById: actor?.userId ?? null,
            raisedAt: at,
            idempotencyKey,
            idempotencyRequestHash: idempotencyKey ? requestHash : null,
          },
        });
        await tx.andonEventHistory.create({
          data: { andonId: andon.id, fromStatus: null, toStatus: "OPEN", actorId: actor?.userId ?? null, at, note },
        });
        if (photo && storageKey) {
          await tx.andonAttachment.create({
            data: {
              andonId: andon.id,
              storageKey,
              contentType: photo.contentType,
              sizeBytes: photo.bytes.length,
              sha256: photo.sha256,
              uploadedAt: at,
            },
          });
        }
        // A maintenance call opens its work order in the same transaction (null for other types).
        await createWorkOrderForAndon(tx, andon);
        const rule = await ruleForAndon(tx, andon);
        const escalationId = rule
          ? await startEscalation(tx, andon.id, rule, "ACKNOWLEDGE", at, actor?.userId ?? null)
          : null;
        return { andon, escalationId };
      }),
    );
    await afterCommit(runtime, raisedEvents(andon, escalationId), escalationId !== null);
    return andon;
  } catch (error) {
    // Two raises with one key at once: the loser returns the winner's andon (or is refused if it asked otherwise).
    if (idempotencyKey && actor && isUniqueViolation(error)) {
      const earlier = await earlierRaise(runtime, actor.userId, idempotencyKey, requestHash);
      if (earlier) return earlier;
    }
    throw error;
  }
}

function raisedEvents(andon: AndonEvent, escalationId: string | null): AndonEventMessage[] {
  const events: AndonEventMessage[] = [{ kind: "andon-raised", andonId: andon.id, lineId: andon.lineId }];
  if (escalationId) events.push({ kind: "escalation-updated", andonId: andon.id, lineId: andon.lineId, escalationId });
  return events;
}

/** Attaches a photo to an existing andon that is not closed. */
export async function attachAndonPhoto(
  runtime: AndonRuntime,
  andonId: string,
  upload: PhotoUpload,
): Promise<AndonEvent> {
  const andon = await runtime.prisma.andonEvent.findUnique({
    where: { id: andonId },
    include: { _count: { select: { attachments: true } } },
  });
  if (!andon) throw new NotFound("andon", andonId);
  if (andon.status === "CLOSED") throw new InvalidAndonTransition(andonId, andon.status, andon.status);
  if (andon._count.attachments >= ANDON_DEFAULTS.maxPhotosPerAndon) {
    throw new PhotoRejected("TOO_MANY", `An andon may have at most ${ANDON_DEFAULTS.maxPhotosPerAndon} photos.`);
  }
  const photo = checkPhoto(upload, runtime.maxPhotoBytes);
  const at = runtime.clock.now();
  await withPhoto(runtime, photo, (storageKey) =>
    runtime.prisma.andonAttachment.create({
      data: {
        andonId,
        storageKey: storageKey ?? "",
        contentType: photo.contentType,
        sizeBytes: photo.bytes.length,
        sha256: photo.sha256,
        uploadedAt: at,
      },
    }),
  );
  await afterCommit(runtime, [{ kind: "andon-updated", andonId, lineId: andon.lineId }], false);
  return andon;
}

interface StepResult {
  andon: AndonEvent;
  escalationIds: string[];
}

/**
 * Applies one step: the conditional update from the allowed statuses, its history row and its
 * escalation changes, in one transaction; on a refusal, the typed error for the andon's real state.
 */
async function applyStep(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  step: keyof typeof ANDON_TRANSITIONS,
  data: (andon: AndonEvent, at: Date) => Prisma.AndonEventUpdateManyMutationInput,
  note: string | null,
  escalations: (tx: Tx, andon: AndonEvent, at: Date) => Promise<(string | null)[]>,
  precheck?: (tx: Tx, andon: AndonEvent) => Promise<void>,
  idempotencyKey: string | null = null,
): Promise<AndonEvent> {
  const { from, to } = ANDON_TRANSITIONS[step];
  const keyed = idempotencyKey && actor ? { actorId: actor.userId, idempotencyKey } : null;
  if (keyed) {
    const replayed = await stepTakenBefore(runtime, keyed, andonId, to);
    if (replayed) return replayed;
  }
  const at = runtime.clock.now();
  const stepResult: StepResult | (StepResult & { replay: true }) = await runtime.prisma
    .$transaction(async (tx): Promise<StepResult> => {
      const current = await tx.andonEvent.findUnique({ where: { id: andonId } });
      if (!current) throw new NotFound("andon", andonId);
      if (!(from as readonly AndonStatus[]).includes(current.status)) throw refusalFor(current, step);
      await precheck?.(tx, current);
      const updated = await tx.andonEvent.updateMany({
        where: { id: andonId, status: current.status },
        data: data(current, at),
      });
      if (updated.count === 0) {
        // Another step won the race: report the state it left.
        const now = await tx.andonEvent.findUniqueOrThrow({ where: { id: andonId } });
        throw refusalFor(now, step);
      }
      await tx.andonEventHistory.create({
        data: {
          andonId,
          fromStatus: current.status,
          toStatus: to,
          actorId: actor?.userId ?? null,
          at,
          note,
          idempotencyKey: keyed?.idempotencyKey ?? null,
        },
      });
      const andon = await tx.andonEvent.findUniqueOrThrow({ where: { id: andonId } });
      const escalationIds = (await escalations(tx, andon, at)).filter((id): id is string => id !== null);
      return { andon, escalationIds };
    })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error)) {
        // The same keyed step sent twice at once: the loser answers as a replay of the winner.
        const replayed = keyed ? await stepTakenBefore(runtime, keyed, andonId, to) : null;
        if (replayed) return { andon: replayed, escalationIds: [], replay: true };
        throw new InputInvalid("andonId", "An open andon for the same equipment fault exists already.");
      }
      throw error;
    });
  const { andon, escalationIds } = stepResult;
  if ("replay" in stepResult) return andon;
  await afterCommit(
    runtime,
    [
      { kind: "andon-updated", andonId, lineId: andon.lineId },
      ...escalationIds.map(
        (escalationId): AndonEventMessage => ({
          kind: "escalation-updated",
          andonId,
          lineId: andon.lineId,
          escalationId,
        }),
      ),
    ],
    escalationIds.length > 0,
  );
  return andon;
}

/**
 * The andon as it is now if the actor already took this step with this key (a replay after a lost
 * answer, even hours later and after the andon was reopened: nothing is done again), null if the
 * key is new; IdempotencyKeyReused if the key was used for another andon or step.
 */
async function stepTakenBefore(
  runtime: AndonRuntime,
  keyed: { actorId: string; idempotencyKey: string },
  andonId: string,
  to: AndonStatus,
): Promise<AndonEvent | null> {
  const earlier = await runtime.prisma.andonEventHistory.findUnique({
    where: { actorId_idempotencyKey: keyed },
    select: { andonId: true, toStatus: true },
  });
  if (!earlier) return null;
  if (earlier.andonId !== andonId || earlier.toStatus !== to) throw new IdempotencyKeyReused(keyed.idempotencyKey);
  return runtime.prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } });
}

function refusalFor(andon: AndonEvent, step: keyof typeof ANDON_TRANSITIONS): Error {
  if (step === "acknowledge" && andon.acknowledgedAt) {
    return new AndonAlreadyAcknowledged(andon.id, andon.acknowledgedById, andon.acknowledgedAt);
  }
  return new InvalidAndonTransition(andon.id, andon.status, ANDON_TRANSITIONS[step].to);
}

/**
 * With an idempotency key (the offline queue sends one), a replay by the same person returns the
 * andon and acknowledges nothing again, even when the andon was reopened in between.
 */
export async function acknowledgeAndon(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  noteInput?: string | null,
  idempotencyKeyInput?: string | null,
): Promise<AndonEvent> {
  const note = checkedText(noteInput, "note");
  const idempotencyKey = checkedIdempotencyKey(idempotencyKeyInput);
  return applyStep(
    runtime,
    actor,
    andonId,
    "acknowledge",
    (_andon, at) => ({ status: "ACKNOWLEDGED", acknowledgedAt: at, acknowledgedById: actor?.userId ?? null }),
    note,
    async (tx, andon, at) => {
      const stopped = await stopEscalation(tx, andon.id, "ACKNOWLEDGE", at, "acknowledged", actor?.userId ?? null);
      const rule = await ruleForAndon(tx, andon);
      const started = rule ? await startEscalation(tx, andon.id, rule, "RESOLVE", at, actor?.userId ?? null) : null;
      return [stopped, started];
    },
    undefined,
    idempotencyKey,
  );
}

export async function startAndonWork(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  noteInput?: string | null,
): Promise<AndonEvent> {
  const note = checkedText(noteInput, "note");
  return applyStep(
    runtime,
    actor,
    andonId,
    "start",
    (_andon, at) => ({ status: "IN_PROGRESS", startedAt: at }),
    note,
    async () => [],
  );
}

export async function resolveAndon(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  input: { rootCause: string; resolutionNote?: string | null },
): Promise<AndonEvent> {
  const rootCause = checkedText(input.rootCause, "rootCause");
  if (!rootCause) throw new InputInvalid("rootCause", "Resolving an andon needs its root cause.");
  const resolutionNote = checkedText(input.resolutionNote, "resolutionNote");
  return applyStep(
    runtime,
    actor,
    andonId,
    "resolve",
    (_andon, at) => ({
      status: "RESOLVED",
      resolvedAt: at,
      resolvedById: actor?.userId ?? null,
      rootCause,
      resolutionNote,
    }),
    resolutionNote ?? rootCause,
    async (tx, andon, at) => [
      await stopEscalation(tx, andon.id, "ACKNOWLEDGE", at, "resolved", actor?.userId ?? null),
      await stopEscalation(tx, andon.id, "RESOLVE", at, "resolved", actor?.userId ?? null),
    ],
    async (tx, andon) => {
      if (andon.status !== "OPEN") return;
      const rule = await ruleForAndon(tx, andon);
      // Without a rule there is nobody waiting on an acknowledgement: the rule decides.
      if (rule?.requireAcknowledgeBeforeResolve ?? true) throw new AcknowledgeRequired(andon.id);
    },
  );
}

export async function closeAndon(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  noteInput?: string | null,
): Promise<AndonEvent> {
  const note = checkedText(noteInput, "note");
  return applyStep(
    runtime,
    actor,
    andonId,
    "close",
    (_andon, at) => ({ status: "CLOSED", closedAt: at }),
    note,
    async () => [],
  );
}

export async function reopenAndon(
  runtime: AndonRuntime,
  actor: AndonActor,
  andonId: string,
  noteInput: string,
): Promise<AndonEvent> {
  const note = checkedText(noteInput, "note");
  if (!note) throw new InputInvalid("note", "Reopening an andon needs a note saying why.");
  return applyStep(
    runtime,
    actor,
    andonId,
    "reopen",
    (andon) => ({
      status: "OPEN",
      reopenCount: andon.reopenCount + 1,
      acknowledgedAt: null,
      acknowledgedById: null,
      startedAt: null,
      resolvedAt: null,
      resolvedById: null,
      closedAt: null,
    }),
    note,
    async (tx, andon, at) => {
      const rule = await ruleForAndon(tx, andon);
      return rule ? [await startEscalation(tx, andon.id, rule, "ACKNOWLEDGE", at, actor?.userId ?? null)] : [];
    },
  );
}
