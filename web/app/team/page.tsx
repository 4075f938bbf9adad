"use client";
// Team: who works here, in which roles and department, whether the account is active and when they
// last signed in. Read-only; changing people is Admin > Users and roles.
import { useState } from "react";
import { useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { PeopleFilter } from "@/components/people-filter";
import { QueryError } from "@/components/query-error";
import type { Role } from "@/lib/graphql/generated/graphql";
import { TeamQuery } from "@/lib/graphql/plant-admin";
import { ROLE_NAMES } from "@/lib/navigation";

function lastSignIn(at: string | null | undefined): string {
  if (!at) return "never";
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function Team() {
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const [result] = useQuery({
    query: TeamQuery,
    variables: { first: 50, after, search: search || null, role: role || null },
    requestPolicy: "cache-and-network",
  });
  const people = (result.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.users?.pageInfo;
  return (
    <>
      <h1>Team</h1>
      <section className="panel" aria-labelledby="team-heading">
        <div className="row spread" style={{ flexWrap: "wrap" }}>
          <h2 id="team-heading">People</h2>
          <PeopleFilter
            idPrefix="team"
            search={search}
            role={role}
            onSearch={(value) => {
              setAfter(null);
              setSearch(value);
            }}
            onRole={(value) => {
              setAfter(null);
              setRole(value);
            }}
          />
        </div>
        <QueryError error={result.error} />
        <div style={{ overflowX: "auto" }}>
          <table data-testid="team-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Roles</th>
                <th scope="col">Department</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {people.length === 0 ? (
                <tr>
                  <td colSpan={5} className="muted">
                    {result.fetching ? "Loading…" : "Nobody matches."}
                  </td>
                </tr>
              ) : null}
              {people.map((person) => (
                <tr key={person.id} data-testid="team-member" data-username={person.username}>
                  <td>
                    <strong>{person.name}</strong>
                    <div className="muted">
                      {person.username} · {person.employeeId}
                    </div>
                  </td>
                  <td>{(person.roles ?? []).map((item) => ROLE_NAMES[item] ?? item).join(", ")}</td>
                  <td>{person.department ?? <span className="muted">—</span>}</td>
                  <td>{person.active ? "● Active" : "○ Deactivated"}</td>
                  <td>{lastSignIn(person.lastLoginAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
    </>
  );
}

export default function TeamPage() {
  return (
    <AppShell screen="team">
      <Team />
    </AppShell>
  );
}
