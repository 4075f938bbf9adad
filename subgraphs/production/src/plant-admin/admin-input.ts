import { InputInvalid } from "@ms5/kit/subgraph";
// Checks of admin mutation inputs, each refusing with InputInvalid naming the field, before anything
// is written; the database's CHECK constraints stay the last line, not the first.

/** Text fields are at most this long. @default 200 characters */
export const MAX_TEXT_LENGTH = 200;

export function requiredText(value: string, field: string, max = MAX_TEXT_LENGTH): string {
  const text = value.trim();
  if (text.length === 0) throw new InputInvalid(field, `${field} must not be blank.`);
  if (text.length > max) throw new InputInvalid(field, `${field} is at most ${max} characters.`);
  return text;
}

export function optionalText(value: string | null | undefined, field: string, max = MAX_TEXT_LENGTH) {
  return value === null || value === undefined ? undefined : requiredText(value, field, max);
}

/** A ratio in (0, 1], as OEE and its factors' targets are. */
export function ratio(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InputInvalid(field, `${field} is a ratio above 0 and at most 1 (0.85 for 85 %).`);
  }
  return value;
}

export function positiveNumber(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new InputInvalid(field, `${field} must be above zero.`);
  return value;
}

export function wholeNumber(
  value: number | null | undefined,
  field: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputInvalid(field, `${field} is a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** A `[start, end)` period that runs forwards. */
export function forwardPeriod(start: Date, end: Date, endField: string): void {
  if (!(end.getTime() > start.getTime())) throw new InputInvalid(endField, `${endField} must be after the start.`);
}

/** Codes are stable keys other systems hold: letters, digits, '-', '_' and '.', case kept. */
const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function codeText(value: string, field: string): string {
  const code = value.trim();
  if (!CODE_PATTERN.test(code)) {
    throw new InputInvalid(
      field,
      `${field} is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
  return code;
}

/** A line's code is also the Redis Cluster hash tag of its streams: lower case, digits and '-'. */
const LINE_CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function lineCodeText(value: string): string {
  const code = value.trim();
  if (!LINE_CODE_PATTERN.test(code)) {
    throw new InputInvalid(
      "code",
      "A line code is 1 to 63 lower-case letters, digits or '-' (it names the line's streams).",
    );
  }
  return code;
}

export function timeZoneText(value: string, field: string): string {
  const zone = value.trim();
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new InputInvalid(field, `"${zone}" is not an IANA time zone (e.g. Africa/Johannesburg).`);
  }
  return zone;
}

/** Only the fields a patch sets: undefined means "leave as is". */
export function definedOnly<T extends Record<string, unknown>>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
