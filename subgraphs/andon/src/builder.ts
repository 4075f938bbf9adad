// The andon subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel,
// the DateTime scalar, and the root types every schema/<type>.ts file adds its fields to.
import { getDatamodel } from "@ms5/db/pothos-types";
import { ApiError, createSubgraphBuilder, type SubgraphContext } from "@ms5/kit/subgraph";

export type Context = SubgraphContext;

export const builder = createSubgraphBuilder<{
  Scalars: { DateTime: { Input: Date; Output: Date } };
}>({ prismaDatamodel: getDatamodel() });

builder.scalarType("DateTime", {
  description: "An instant as an ISO 8601 string in UTC, e.g. 2026-11-27T08:00:00.000Z.",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new ApiError("BAD_USER_INPUT", `"${String(value)}" is not an ISO 8601 date-time.`);
    }
    return date;
  },
});

// Each schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ID argument as the UUID every table uses; anything else is BAD_USER_INPUT naming the argument. */
export function uuidArgument(value: string | number, argument: string): string {
  const id = String(value);
  if (!UUID_PATTERN.test(id)) throw new ApiError("BAD_USER_INPUT", `${argument} "${id}" is not a valid id.`);
  return id;
}
