"use client";
// Admin > Users and roles: find people, create an account (its temporary password and PIN shown
// once), change roles, deactivate or reactivate, reset a password or PIN, lift a lockout.
import { useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { OneTimeSecret } from "@/components/admin/one-time-secret";
import { CreateUser } from "@/components/admin/users/create-user";
import type { Shown } from "@/components/admin/users/role-choices";
import { UserRow } from "@/components/admin/users/user-row";
import { DataTable } from "@/components/data/data-table";
import { Pager } from "@/components/pager";
import { PeopleFilter } from "@/components/people-filter";
import { QueryError } from "@/components/query-error";
import { UsersQuery } from "@/lib/graphql/admin";
import type { Role } from "@/lib/graphql/generated/graphql";

export function UsersAndRoles() {
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [result, refetch] = useQuery({
    query: UsersQuery,
    variables: { first: 50, after, search: search || null, role: role || null },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const users = (result.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.users?.pageInfo;
  return (
    <>
      <AdminTabs />
      <h1>Users and roles</h1>
      {shown ? <OneTimeSecret title={shown.title} secrets={shown.secrets} onDismiss={() => setShown(null)} /> : null}
      <CreateUser
        onCreated={(created) => {
          setShown(created);
          again();
        }}
      />
      <section className="panel" aria-labelledby="people-heading">
        <div className="row spread" style={{ flexWrap: "wrap" }}>
          <h2 id="people-heading">People</h2>
          <PeopleFilter
            idPrefix="user"
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
          testId="users-table"
          rows={users}
          rowKey={(user) => user.id!}
          loading={result.fetching}
          empty="Nobody matches."
          columns={[
            { header: "Person" },
            { header: "Roles" },
            { header: "Status" },
            { header: <span className="visually-hidden">Actions</span> },
          ]}
          renderRow={(user) => (
            <UserRow
              key={`${user.id}-${(user.roles ?? []).join()}-${user.active}`}
              user={user}
              onSecret={setShown}
              onChanged={again}
            />
          )}
        />
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
    </>
  );
}
