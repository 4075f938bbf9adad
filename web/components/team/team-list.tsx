"use client";
// Team: who works here, in which roles and department, what they are certified for, whether the
// account is active and when they last signed in. Administrators keep certifications here; changing
// accounts is Admin > Users and roles.
import { useState } from "react";
import { useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { Pager } from "@/components/pager";
import { PeopleFilter } from "@/components/people-filter";
import { QueryError } from "@/components/query-error";
import { Certifications } from "@/components/team/certifications";
import type { Role } from "@/lib/graphql/generated/graphql";
import { TeamQuery } from "@/lib/graphql/plant-admin";
import { ROLE_NAMES } from "@/lib/navigation";
import { useSession } from "@/lib/react/stores";

function lastSignIn(at: string | null | undefined): string {
  if (!at) return "never";
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function Team() {
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const session = useSession();
  const canManage = session.status === "signed-in" && session.session.permissions.has("user:manage");
  const [result, refetch] = useQuery({
    query: TeamQuery,
    variables: { after, search: search || null, role: role || null },
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
        <DataTable
          testId="team-table"
          rows={people}
          rowKey={(person) => person.id!}
          rowProps={(person) => ({ "data-testid": "team-member", "data-username": person.username ?? undefined })}
          loading={result.fetching}
          empty="Nobody matches."
          columns={[
            {
              header: "Person",
              cell: (person) => (
                <>
                  <strong>{person.name}</strong>
                  <div className="muted">
                    {person.username} · {person.employeeId}
                  </div>
                </>
              ),
            },
            {
              header: "Roles",
              cell: (person) => (person.roles ?? []).map((item) => ROLE_NAMES[item] ?? item).join(", "),
            },
            { header: "Department", cell: (person) => person.department ?? <span className="muted">—</span> },
            {
              header: "Certifications",
              cell: (person) => (
                <Certifications
                  userId={person.id!}
                  personName={person.name ?? person.username ?? "this person"}
                  certifications={person.certifications ?? []}
                  canManage={canManage}
                  onChanged={() => refetch({ requestPolicy: "network-only" })}
                />
              ),
            },
            { header: "Status", cell: (person) => (person.active ? "● Active" : "○ Deactivated") },
            { header: "Last sign-in", cell: (person) => lastSignIn(person.lastLoginAt) },
          ]}
        />
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
    </>
  );
}
