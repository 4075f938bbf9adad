// What the bridge reads: PLCs, the equipment each serves, and per equipment its tag map (canonical
// signals and free-form tags, each with a scan rate) and fault catalog. Comes from a JSON file or
// from the database (plant-config-from-database.ts); validated here either way.
import { z } from "zod";
import { tagAddressProblem } from "./driver/tag-address-check.ts";

export const TAG_TYPES = ["BOOL", "SINT", "INT", "DINT", "LINT", "REAL", "LREAL"] as const;

/** Signals with a meaning to the bridge; any other key of a tag map is a free-form sample. */
export const CANONICAL_SIGNALS = [
  "running",
  "stateCode",
  "speed",
  "goodCount",
  "rejectCount",
  "faultWords",
  "firstOutFault",
  "energyKwh",
  /** A check weigher's weigh counter (DINT) and its ring of last weights (REAL[n]): one `weight` entry per weighing. */
  "weighCount",
  "weightRing",
] as const;
export type CanonicalSignal = (typeof CANONICAL_SIGNALS)[number];

const tagBinding = z.object({
  tag: z.string().min(1),
  type: z.enum(TAG_TYPES),
  /** Array elements (fault words: DINT[2] = 64 bits). */
  length: z.number().int().positive().max(1000).optional(),
  /**
   * How often this tag is read. At least 20 ms: a ControlLogix answers a batched read of a few tags
   * in a few milliseconds and serves 20-50 ms RPIs for a handful of tags, so state tags may be scanned
   * that fast to cut the poll's share of the time to a subscriber (half the scan on average); faster
   * than that the request rate, not the value, is what changes, and the controller's comms time slice
   * goes to the bridge. Keep fast scans to a few tags per controller.
   */
  scanMs: z.number().int().min(20, "scan rate is at least 20 ms").max(10_000, "scan rate is at most 10 s"),
  deadband: z.number().nonnegative().optional(),
  heartbeatMs: z.number().int().positive().optional(),
});
export type TagBinding = z.infer<typeof tagBinding>;

const faultCatalogEntry = z.object({
  bitIndex: z.number().int().min(0),
  faultCode: z.string().min(1),
  text: z.string(),
});

const equipmentConfig = z.object({
  code: z.string().min(1),
  line: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "line code must be lower-case letters, digits and dashes"),
  /** Program scope or prefix of this equipment's tags, e.g. "Program:Bagger1"; empty for controller scope. */
  tagPrefix: z.string().default(""),
  tags: z.record(z.string(), tagBinding),
  faultCatalog: z.array(faultCatalogEntry).default([]),
});
export type EquipmentConfig = z.infer<typeof equipmentConfig>;

/** Fault words are integers whose bits are fault bits: 8, 16 (an SLC's B-file words) or 32 each. */
const FAULT_WORD_TYPES: readonly string[] = ["SINT", "INT", "DINT"];

const plcConfig = z
  .object({
    name: z.string().min(1),
    driver: z.enum(["LOGIX", "SLC_PCCC"]).default("LOGIX"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(44_818),
    slot: z.number().int().min(0).default(0),
    timeoutMs: z.number().int().positive().default(2_000),
    connected: z.boolean().default(true),
    equipment: z.array(equipmentConfig).min(1),
  })
  // Each address in the driver's own syntax, so a bad binding is refused here, not by the PLC
  .superRefine((plc, context) => {
    plc.equipment.forEach((equipment, e) => {
      if (plc.driver === "SLC_PCCC" && equipment.tagPrefix !== "") {
        context.addIssue({
          code: "custom",
          path: ["equipment", e, "tagPrefix"],
          message: "an SLC has no program scopes: leave the tag prefix empty and give data-table addresses",
        });
        return;
      }
      for (const [signal, binding] of Object.entries(equipment.tags)) {
        if (signal === "faultWords" && !FAULT_WORD_TYPES.includes(binding.type)) {
          context.addIssue({
            code: "custom",
            path: ["equipment", e, "tags", signal, "type"],
            message: `fault words are SINT, INT or DINT, not ${binding.type}`,
          });
        }
        const spec = {
          name: fullTagName(equipment, binding),
          type: binding.type,
          ...(binding.length ? { length: binding.length } : {}),
        };
        const problem = tagAddressProblem(plc.driver, spec);
        if (problem)
          context.addIssue({ code: "custom", path: ["equipment", e, "tags", signal, "tag"], message: problem });
      }
    });
  });
export type PlcConfig = z.infer<typeof plcConfig>;

export const plantConfigSchema = z.object({ plcs: z.array(plcConfig) });
export type PlantConfig = z.infer<typeof plantConfigSchema>;

/** One reason the bridge would refuse a plant: where (`plcs.0.equipment.1.tags.speed.tag`) and why. */
export interface PlantConfigProblem {
  path: string;
  message: string;
}

/** Why the bridge would refuse this plant configuration; empty when it would take it. */
export function plantConfigProblems(input: unknown): PlantConfigProblem[] {
  const result = plantConfigSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

export function parsePlantConfig(input: unknown): PlantConfig {
  const result = plantConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`Invalid plant configuration:\n${problems}`);
}

/** The PLC tag a binding reads, with the equipment's program scope or prefix. */
export function fullTagName(equipment: Pick<EquipmentConfig, "tagPrefix">, binding: Pick<TagBinding, "tag">): string {
  return equipment.tagPrefix ? `${equipment.tagPrefix}.${binding.tag}` : binding.tag;
}
