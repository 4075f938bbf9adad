"use client";
// Issuing an API key with scopes for a service account (the key is shown once).
import { useState } from "react";
import { useMutation } from "urql";
import { IssueApiKeyMutation } from "@/lib/graphql/admin";
import type { ServiceAccountsQuery as ServiceAccountsResult } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

type Account = NonNullable<ServiceAccountsResult["serviceAccounts"]>[number];

export function IssueKey({ account, onIssued }: { account: Account; onIssued: (key: string) => void }) {
  const [state, issue] = useMutation(IssueApiKeyMutation);
  const [scopes, setScopes] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      style={{ flexWrap: "wrap" }}
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        const list = scopes.split(/[\s,]+/).filter(Boolean);
        if (list.length === 0) return setError("Name at least one permission, e.g. plant:read.");
        const result = await issue({ serviceAccountId: account.id!, scopes: list });
        const payload = result.data?.issueApiKey;
        const refusal = refusalOf(payload, result.error);
        if (refusal) return setError(refusal.message);
        if (payload?.__typename === "MutationIssueApiKeySuccess" && payload.data.key) {
          setScopes("");
          onIssued(payload.data.key);
        }
      }}
    >
      <label htmlFor={`scopes-${account.id}`} style={{ margin: 0 }}>
        Scopes
      </label>
      <input
        id={`scopes-${account.id}`}
        placeholder="plant:read oee:read"
        value={scopes}
        onChange={(event) => setScopes(event.target.value)}
      />
      <button type="submit" className="primary" disabled={state.fetching}>
        Issue key
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
