// A query's failure said where its data would be, in the words the API gave (or the network's).
import type { CombinedError } from "urql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export function QueryError({ error }: { error: CombinedError | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {refusalOf(null, error)?.message}
    </p>
  );
}
