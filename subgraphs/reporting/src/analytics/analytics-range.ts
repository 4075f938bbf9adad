// The range every analytics query and report takes, checked once: a clear BAD_USER_INPUT and no
// work for an end before its start or a range longer than the limit.
import { ApiError } from "@ms5/kit/subgraph";
import { ANALYTICS_DEFAULTS } from "../reporting-defaults.ts";

export interface AnalyticsRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

export function checkedRange(
  from: Date,
  to: Date,
  maxRangeDays: number = ANALYTICS_DEFAULTS.maxRangeDays,
): AnalyticsRange {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new ApiError("BAD_USER_INPUT", "from and to must be valid date-times.");
  }
  if (to.getTime() <= from.getTime()) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
  if (to.getTime() - from.getTime() > maxRangeDays * DAY_MS) {
    throw new ApiError("BAD_USER_INPUT", `The range may cover at most ${maxRangeDays} days.`);
  }
  return { from, to };
}
