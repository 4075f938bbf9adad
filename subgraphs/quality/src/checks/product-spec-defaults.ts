// A new inspection plan's weight characteristics default to the product's specification (issue 21):
// a VARIABLE characteristic in kg given no nominal and no limits takes the product's target weight
// as nominal and target minus/plus its tolerances as spec limits. Anything given is kept as given.
import type { PrismaClient } from "@ms5/db";
import type { CharacteristicInput } from "./inspection-plans.ts";

export async function withProductSpecDefaults(
  prisma: PrismaClient,
  productTypeId: string,
  characteristics: readonly CharacteristicInput[],
): Promise<CharacteristicInput[]> {
  const bare = (c: CharacteristicInput) =>
    c.type === "VARIABLE" &&
    c.unit?.trim().toLowerCase() === "kg" &&
    c.nominal == null &&
    c.lowerSpec == null &&
    c.upperSpec == null;
  if (!characteristics.some(bare)) return [...characteristics];
  // A malformed or unknown id is refused later by the plan's own checks; here it only means no defaults.
  const spec = /^[0-9a-f-]{36}$/i.test(productTypeId)
    ? await prisma.productType.findUnique({
        where: { id: productTypeId },
        select: { targetWeightKg: true, toleranceBelowKg: true, toleranceAboveKg: true },
      })
    : null;
  if (!spec || spec.targetWeightKg === null) return [...characteristics];
  const target = spec.targetWeightKg;
  return characteristics.map((c) =>
    bare(c)
      ? {
          ...c,
          nominal: target,
          lowerSpec: spec.toleranceBelowKg === null ? null : target - spec.toleranceBelowKg,
          upperSpec: spec.toleranceAboveKg === null ? null : target + spec.toleranceAboveKg,
        }
      : c,
  );
}
