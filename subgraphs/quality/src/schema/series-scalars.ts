// Output scalars for a chart's parallel lists. A [Float!]! of 1,000 items costs graphql-js a
// completeValue per item and the gateway an updateOutputValue and a String(value) per item; for a
// long chart that per-item work was most of the request. One scalar per list is serialised (and
// checked) once here and passed on whole by the gateway (a custom scalar is not checked item by item).
import { ApiError } from "@ms5/kit/subgraph";
import { GraphQLError } from "graphql";

function outputOnly(name: string) {
  return () => {
    throw new ApiError("BAD_USER_INPUT", `${name} is an output type: it cannot be given as input.`);
  };
}

/** Options for `builder.scalarType("NumberSeries", NUMBER_SERIES_SCALAR)`. */
export const NUMBER_SERIES_SCALAR = {
  description:
    "A list of numbers sent as one JSON array, null where a point has no value, e.g. [25.1, 25.12, null]. Output only.",
  serialize: (value: unknown): readonly (number | null)[] => {
    if (!Array.isArray(value)) throw new GraphQLError("NumberSeries: not a list.");
    for (const item of value) {
      if (item !== null && !(typeof item === "number" && Number.isFinite(item))) {
        throw new GraphQLError(`NumberSeries: ${String(item)} is not a finite number.`);
      }
    }
    return value;
  },
  parseValue: outputOnly("NumberSeries"),
  parseLiteral: outputOnly("NumberSeries"),
};

/** Options for `builder.scalarType("StringSeries", STRING_SERIES_SCALAR)`. */
export const STRING_SERIES_SCALAR = {
  description: 'A list of short codes sent as one JSON array, e.g. ["C", "B", "OUT"]. Output only.',
  serialize: (value: unknown): readonly string[] => {
    if (!Array.isArray(value)) throw new GraphQLError("StringSeries: not a list.");
    for (const item of value) {
      if (typeof item !== "string") throw new GraphQLError(`StringSeries: ${String(item)} is not a string.`);
    }
    return value;
  },
  parseValue: outputOnly("StringSeries"),
  parseLiteral: outputOnly("StringSeries"),
};
