// What every subgraph's arguments share: the DateTime scalar (an instant in UTC) and ids that are
// the UUIDs every table uses, both refused with BAD_USER_INPUT naming the bad value.
import { ApiError } from "./api-errors.ts";

/** Options for `builder.scalarType("DateTime", DATE_TIME_SCALAR)`. */
export const DATE_TIME_SCALAR = {
  description: "An instant as an ISO 8601 string in UTC, e.g. 2026-11-27T08:00:00.000Z.",
  serialize: (value: Date) => value.toISOString(),
  parseValue: (value: unknown): Date => {
    const date = typeof value === "string" ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new ApiError("BAD_USER_INPUT", `"${String(value)}" is not an ISO 8601 date-time.`);
    }
    return date;
  },
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ID argument as the UUID every table uses; anything else is BAD_USER_INPUT naming the argument. */
export function uuidArgument(value: string | number, argument: string): string {
  const id = String(value);
  if (!UUID_PATTERN.test(id)) throw new ApiError("BAD_USER_INPUT", `${argument} "${id}" is not a valid id.`);
  return id;
}
