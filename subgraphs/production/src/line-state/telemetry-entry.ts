// A telemetry stream entry as the bridge writes it (schema/src/streams.ts), parsed and checked
// before it changes anything: a malformed entry is rejected and dead-lettered with the reason.
import { StreamEntryRejected } from "@ms5/kit";
import { EQUIPMENT_STATES, STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { z } from "zod";

const header = {
  v: z.literal(STREAM_SCHEMA_VERSION, {
    error: `unsupported stream schema version (this consumer reads v${STREAM_SCHEMA_VERSION})`,
  }),
  plc: z.string().min(1),
  seq: z.coerce.number().int().positive(),
  equipment: z.string().min(1),
  line: z.string().min(1),
  ts: z.coerce
    .number()
    .int()
    .positive()
    .transform((ms) => new Date(ms)),
};
const optionalInt = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : Number(v)));

export const telemetryEntrySchema = z.discriminatedUnion("type", [
  z.object({
    ...header,
    type: z.literal("state"),
    state: z.enum(EQUIPMENT_STATES),
    previousState: z.string().optional(),
    stateCode: optionalInt,
    firstOutFaultCode: z
      .string()
      .optional()
      .transform((v) => v || undefined),
    firstOutFaultBit: optionalInt,
  }),
  z.object({
    ...header,
    type: z.literal("counts"),
    goodDelta: z.coerce.number().int().nonnegative(),
    rejectDelta: z.coerce.number().int().nonnegative(),
  }),
  // A value the PLC gave as NaN or an infinity comes as quality "bad" without it: accepted, recorded nowhere.
  z.discriminatedUnion("quality", [
    z.object({
      ...header,
      type: z.literal("sample"),
      quality: z.literal("good").default("good"),
      signal: z.string().min(1),
      value: z.coerce.number(),
    }),
    z.object({ ...header, type: z.literal("sample"), quality: z.literal("bad"), signal: z.string().min(1) }),
  ]),
  z.discriminatedUnion("quality", [
    z.object({
      ...header,
      type: z.literal("energy"),
      quality: z.literal("good").default("good"),
      meterKwh: z.coerce.number().nonnegative(),
      deltaKwh: z.coerce.number().nonnegative(),
    }),
    z.object({ ...header, type: z.literal("energy"), quality: z.literal("bad") }),
  ]),
]);

export type TelemetryEntry = z.infer<typeof telemetryEntrySchema>;

export function parseTelemetryEntry(fields: Record<string, string>): TelemetryEntry {
  const result = telemetryEntrySchema.safeParse(fields);
  if (result.success) return result.data;
  throw new StreamEntryRejected(
    `malformed telemetry entry: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}
