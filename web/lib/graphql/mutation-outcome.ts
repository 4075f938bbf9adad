// One reading of a mutation's answer for every screen: the typed refusal (an ExpectedError member of
// the result union) or the server's error, in words the person can act on; success otherwise.
import type { CombinedError } from "@urql/core";

export type Refusal = { code: string; message: string };

type Payload = { __typename?: string; code?: string; message?: string } | null | undefined;

/** The refusal in `payload` or `error`, or null when the mutation succeeded. */
export function refusalOf(payload: Payload, error: CombinedError | undefined): Refusal | null {
  if (payload?.__typename?.endsWith("Success")) return null;
  if (payload && typeof payload.code === "string")
    return { code: payload.code, message: payload.message ?? payload.code };
  const graphQLError = error?.graphQLErrors[0];
  const code = (graphQLError?.extensions?.code as string | undefined) ?? (error?.networkError ? "NETWORK" : "UNKNOWN");
  if (code === "FORBIDDEN")
    return { code, message: "The server refused: your role does not include the permission this needs." };
  if (code === "NETWORK") return { code, message: "The server cannot be reached. Nothing was changed; try again." };
  return { code, message: graphQLError?.message ?? "Not saved." };
}

/** What urql answers for a mutation, read by field. */
export type MutationOutcome = { data?: Record<string, unknown> | null; error?: CombinedError };

/** Runs one mutation; returns its refusal in words, or null when it was applied. */
export async function refusalMessageOf(action: () => Promise<MutationOutcome>, field: string): Promise<string | null> {
  const result = await action();
  return refusalOf(result.data?.[field] as Payload, result.error)?.message ?? null;
}

/** A refusal with the input field it names (InputInvalid's and DuplicateKey's `field`), when it names one. */
export type FieldRefusal = { message: string; field: string | null };

/** Runs one mutation; returns its refusal with the field at fault, or null when it was applied. */
export async function fieldRefusalOf(
  action: () => Promise<MutationOutcome>,
  field: string,
): Promise<FieldRefusal | null> {
  const result = await action();
  const payload = result.data?.[field] as (Payload & { field?: string | null }) | undefined;
  const refusal = refusalOf(payload, result.error);
  return refusal ? { message: refusal.message, field: payload?.field ?? null } : null;
}
