// The refusals of splitting, merging and reclassifying past stops a client is expected to handle:
// thrown inside the transaction (so nothing changes), returned as typed union members by GraphQL.
// Superseded is downtime.ts's own, shared with confirmDowntimeReason; not found is the kit's NotFound.
import { ExpectedError } from "@ms5/kit/subgraph";

export { DowntimeEventSuperseded } from "../schema/downtime.ts";

/** History is edited only once a stop has ended; an open stop's reason is confirmed, not reclassified. */
export class DowntimeEventStillOpen extends ExpectedError {
  override name = "DowntimeEventStillOpen";
  constructor(
    readonly downtimeEventId: string,
    readonly startedAt: Date,
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      `Downtime event ${downtimeEventId} has not ended yet; only past stops are edited.`,
    );
  }
}

/** A split instant must lie strictly inside the stop, so both parts last longer than nothing. */
export class SplitInstantOutsideEvent extends ExpectedError {
  override name = "SplitInstantOutsideEvent";
  constructor(
    readonly downtimeEventId: string,
    readonly at: Date,
    readonly startedAt: Date,
    readonly endedAt: Date,
  ) {
    super(
      "BAD_USER_INPUT",
      `${at.toISOString()} is not strictly inside downtime event ${downtimeEventId} (${startedAt.toISOString()} to ${endedAt.toISOString()}).`,
    );
  }
}

/** A merge needs at least two distinct events. */
export class TooFewEventsToMerge extends ExpectedError {
  override name = "TooFewEventsToMerge";
  constructor(readonly count: number) {
    super("BAD_USER_INPUT", `A merge needs at least two distinct downtime events, got ${count}.`);
  }
}

/** Stops of different equipment are different stops; a merge keeps to one equipment. */
export class DowntimeEventsOfDifferentEquipment extends ExpectedError {
  override name = "DowntimeEventsOfDifferentEquipment";
  constructor(readonly equipmentIds: readonly string[]) {
    super(
      "BAD_USER_INPUT",
      `The downtime events belong to ${equipmentIds.length} pieces of equipment; merge stops of one.`,
    );
  }
}

/** Between two of the events the equipment ran longer than a merge may swallow. */
export class MergeGapTooLong extends ExpectedError {
  override name = "MergeGapTooLong";
  constructor(
    readonly gapStartedAt: Date,
    readonly gapSeconds: number,
    readonly maxGapSeconds: number,
  ) {
    super(
      "BAD_USER_INPUT",
      `The events are ${gapSeconds} s apart from ${gapStartedAt.toISOString()}; at most ${maxGapSeconds} s may be merged into one stop.`,
    );
  }
}

/** Another current stop of the equipment lies inside the merged span, and would overlap the result. */
export class MergeSpanContainsOtherEvent extends ExpectedError {
  override name = "MergeSpanContainsOtherEvent";
  constructor(readonly otherDowntimeEventId: string) {
    super("CONFLICT", `Downtime event ${otherDowntimeEventId} lies inside the merged span; include it or merge less.`);
  }
}
