"use client";
// Admin > Service accounts: machine identities for integrations, their API keys (a new key is
// shown once), and revoking a key at once.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { OneTimeSecret } from "@/components/admin/one-time-secret";
import { IssueKey } from "@/components/admin/service-accounts/issue-key";
import { QueryError } from "@/components/query-error";
import { CreateServiceAccountMutation, RevokeApiKeyMutation, ServiceAccountsQuery } from "@/lib/graphql/admin";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export function ServiceAccounts() {
  const [result, refetch] = useQuery({ query: ServiceAccountsQuery, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [, create] = useMutation(CreateServiceAccountMutation);
  const [, revoke] = useMutation(RevokeApiKeyMutation);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [shownKey, setShownKey] = useState<{ account: string; key: string } | null>(null);
  const accounts = result.data?.serviceAccounts ?? [];
  return (
    <>
      <AdminTabs />
      <h1>Service accounts and API keys</h1>
      {shownKey ? (
        <OneTimeSecret
          title={`New API key for ${shownKey.account}`}
          secrets={[{ label: "API key", value: shownKey.key }]}
          onDismiss={() => setShownKey(null)}
        />
      ) : null}
      <form
        className="panel row"
        style={{ flexWrap: "wrap" }}
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          const answer = await create({ name, description: description || null });
          const refusal = refusalOf(answer.data?.createServiceAccount, answer.error);
          if (refusal) return setError(refusal.message);
          setName("");
          setDescription("");
          again();
        }}
      >
        <label htmlFor="account-name" style={{ margin: 0 }}>
          Name
        </label>
        <input id="account-name" required value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor="account-description" style={{ margin: 0 }}>
          What it is for
        </label>
        <input id="account-description" value={description} onChange={(event) => setDescription(event.target.value)} />
        <button type="submit" className="primary">
          Create service account
        </button>
        {error ? (
          <span className="error" role="alert">
            {error}
          </span>
        ) : null}
      </form>
      <QueryError error={result.error} />
      {accounts.length === 0 ? (
        <p className="muted">{result.fetching ? "Loading…" : "No service accounts yet."}</p>
      ) : null}
      {accounts.map((account) => (
        <section
          key={account.id}
          className="panel"
          data-testid="service-account"
          aria-label={account.name ?? "Service account"}
        >
          <h2>
            {account.name} {account.active ? "" : <span className="muted">(deactivated)</span>}
          </h2>
          {account.description ? <p className="muted">{account.description}</p> : null}
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(account.apiKeys ?? []).map((key) => (
                <tr key={key.id} data-testid="api-key">
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{(key.scopes ?? []).join(", ")}</td>
                  <td>{key.status}</td>
                  <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "never"}</td>
                  <td>
                    {key.status === "ACTIVE" ? (
                      <button
                        type="button"
                        className="danger"
                        onClick={async () => {
                          const answer = await revoke({ id: key.id! });
                          const refusal = refusalOf(answer.data?.revokeApiKey, answer.error);
                          if (refusal) setError(refusal.message);
                          again();
                        }}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <IssueKey
            account={account}
            onIssued={(key) => {
              setShownKey({ account: account.name ?? "", key });
              again();
            }}
          />
        </section>
      ))}
    </>
  );
}
