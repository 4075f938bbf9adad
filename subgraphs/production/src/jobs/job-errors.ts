// The outcomes of the job workflow and of pre-start checklists a client is expected to handle: thrown
// by the domain functions, returned as typed union members by the GraphQL errors plugin.
import type { JobStatus } from "@ms5/db";
import { ExpectedError } from "@ms5/kit/subgraph";
import type { JobRule, JobRuleBreach } from "./job-rules.ts";

/** The job is not in a state from which the asked-for transition is allowed; nothing changed. */
export class InvalidJobTransition extends ExpectedError {
  override name = "InvalidJobTransition";
  constructor(
    readonly jobId: string,
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super("INVALID_STATE_TRANSITION", `Job ${jobId} is ${from} and cannot become ${to}.`);
  }
}

/**
 * The assignment breaks one or more job rules (certification, shift, conflicts); nothing changed. A
 * manager may assign anyway by giving an override reason, which the audit log keeps.
 */
export class JobRuleBroken extends ExpectedError {
  override name = "JobRuleBroken";
  /** The first rule broken, in the order of JOB_RULES. */
  readonly rule: JobRule;
  constructor(readonly breaches: readonly JobRuleBreach[]) {
    const [first] = breaches;
    if (!first) throw new Error("JobRuleBroken needs at least one breach");
    super(
      "CONFLICT",
      breaches.length === 1
        ? `${first.message} (rule ${first.rule})`
        : `${breaches.map((breach) => `${breach.message} (rule ${breach.rule})`).join(" ")}`,
    );
    this.rule = first.rule;
  }
}

/** Only the assignee accepts, starts and completes a job. */
export class NotYourJob extends ExpectedError {
  override name = "NotYourJob";
  constructor(readonly jobId: string) {
    super("FORBIDDEN", `Job ${jobId} is assigned to someone else.`);
  }
}

/** The job cannot start before each pre-start checklist that applies has a signed, passed completion for it. */
export class ChecklistRequired extends ExpectedError {
  override name = "ChecklistRequired";
  constructor(
    readonly jobId: string,
    readonly templateIds: readonly string[],
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      `Job ${jobId} cannot start before its pre-start checklist is signed and passed (${templateIds.length} outstanding).`,
    );
  }
}

/** The item is not part of the completion's template. */
export class UnknownChecklistItem extends ExpectedError {
  override name = "UnknownChecklistItem";
  constructor(
    readonly completionId: string,
    readonly itemId: string,
  ) {
    super("BAD_USER_INPUT", `Item ${itemId} is not on the template of checklist ${completionId}.`);
  }
}

/** The answer does not fit the item's type (a SELECT value that is not an option, a number for a checkbox...). */
export class InvalidChecklistAnswer extends ExpectedError {
  override name = "InvalidChecklistAnswer";
  constructor(
    readonly itemId: string,
    message: string,
  ) {
    super("BAD_USER_INPUT", message);
  }
}

/** Signing needs an answer to every required item. */
export class ChecklistIncomplete extends ExpectedError {
  override name = "ChecklistIncomplete";
  constructor(
    readonly completionId: string,
    readonly missingItemIds: readonly string[],
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      `Checklist ${completionId} has ${missingItemIds.length} required item(s) unanswered.`,
    );
  }
}

/** A signed checklist is an electronic record: no answers, no second signature. */
export class ChecklistAlreadySigned extends ExpectedError {
  override name = "ChecklistAlreadySigned";
  constructor(readonly completionId: string) {
    super("INVALID_STATE_TRANSITION", `Checklist ${completionId} is signed and cannot be changed.`);
  }
}

/** The password or PIN given to sign did not match the signer's. */
/**
 * Too many wrong secrets: the PIN (or the whole account, for wrong passwords) is locked with the
 * same limits as sign-in, and nothing is signed until the lock ends (a password sign-in lifts a PIN lock).
 */
export class SignatureLocked extends ExpectedError {
  override name = "SignatureLocked";
  constructor(
    readonly secret: "password" | "PIN",
    readonly retryAfterSeconds: number,
  ) {
    super(
      "RATE_LIMITED",
      secret === "PIN"
        ? `Too many wrong PINs: signing with the PIN is locked for ${retryAfterSeconds} s (sign in with your password to lift it). The checklist was not signed.`
        : `Too many wrong passwords: the account is locked for ${retryAfterSeconds} s. The checklist was not signed.`,
    );
  }
}

export class SignatureRejected extends ExpectedError {
  override name = "SignatureRejected";
  constructor() {
    super("FORBIDDEN", "The password or PIN does not match; the checklist was not signed.");
  }
}
