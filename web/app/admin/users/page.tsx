"use client";
// Admin > Users and roles: find people, create an account (its temporary password and PIN shown
// once), change roles, deactivate or reactivate, reset a password or PIN, lift a lockout.
import { useState } from "react";
import { type CombinedError, useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { OneTimeSecret } from "@/components/admin/one-time-secret";
import { AppShell } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { PeopleFilter } from "@/components/people-filter";
import { QueryError } from "@/components/query-error";
import {
  CreateUserMutation,
  DeactivateUserMutation,
  ReactivateUserMutation,
  ResetUserPasswordMutation,
  ResetUserPinMutation,
  SetUserRolesMutation,
  UnlockUserMutation,
  UsersQuery,
} from "@/lib/graphql/admin";
import type { AdminUserFieldsFragment, Role } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { ROLE_NAMES, ROLES } from "@/lib/navigation";

type Shown = { title: string; secrets: { label: string; value: string }[] };

function secretsOf(data: { temporaryPassword?: string | null; temporaryPin?: string | null }) {
  return [
    ...(data.temporaryPassword ? [{ label: "Temporary password", value: data.temporaryPassword }] : []),
    ...(data.temporaryPin ? [{ label: "Temporary PIN", value: data.temporaryPin }] : []),
  ];
}

function RoleChoices({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: Role[];
  onChange: (roles: Role[]) => void;
}) {
  return (
    <fieldset className="row" style={{ border: 0, padding: 0, margin: 0, flexWrap: "wrap" }}>
      <legend className="visually-hidden">Roles</legend>
      {ROLES.map((role) => (
        <label key={role} htmlFor={`${idPrefix}-${role}`} className="row" style={{ fontWeight: 400, margin: 0 }}>
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={value.includes(role)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, role] : value.filter((item) => item !== role))
            }
          />
          {ROLE_NAMES[role]}
        </label>
      ))}
    </fieldset>
  );
}

function CreateUser({ onCreated }: { onCreated: (shown: Shown) => void }) {
  const [state, create] = useMutation(CreateUserMutation);
  const [form, setForm] = useState({ employeeId: "", username: "", firstName: "", lastName: "", email: "" });
  const [roles, setRoles] = useState<Role[]>(["OPERATOR"]);
  const [withPin, setWithPin] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const field = (name: keyof typeof form, label: string, required = true) => (
    <div>
      <label htmlFor={`new-${name}`}>{label}</label>
      <input
        id={`new-${name}`}
        required={required}
        value={form[name]}
        onChange={(event) => setForm({ ...form, [name]: event.target.value })}
      />
    </div>
  );
  return (
    <form
      className="panel"
      aria-labelledby="create-user-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        if (roles.length === 0) return setError("Choose at least one role.");
        const result = await create({
          input: { ...form, email: form.email || null, roles, withPin },
        });
        const payload = result.data?.createUser;
        const refusal = refusalOf(payload, result.error);
        if (refusal) return setError(refusal.message);
        if (payload?.__typename === "MutationCreateUserSuccess") {
          onCreated({ title: `Account ${payload.data.user?.username} created`, secrets: secretsOf(payload.data) });
          setForm({ employeeId: "", username: "", firstName: "", lastName: "", email: "" });
        }
      }}
    >
      <h2 id="create-user-heading">New account</h2>
      <div className="grid two">
        {field("employeeId", "Employee id")}
        {field("username", "Username")}
        {field("firstName", "First name")}
        {field("lastName", "Last name")}
        {field("email", "Email (optional)", false)}
      </div>
      <RoleChoices idPrefix="new-role" value={roles} onChange={setRoles} />
      <label htmlFor="new-with-pin" className="row" style={{ fontWeight: 400 }}>
        <input
          id="new-with-pin"
          type="checkbox"
          checked={withPin}
          onChange={(event) => setWithPin(event.target.checked)}
        />
        Also a tablet PIN
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={state.fetching}>
          Create account
        </button>
        {error ? (
          <span className="error" role="alert" data-testid="create-user-refusal">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function UserRow({
  user,
  onSecret,
  onChanged,
}: {
  user: AdminUserFieldsFragment;
  onSecret: (shown: Shown) => void;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [roles, setRoles] = useState<Role[]>(user.roles ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, setUserRoles] = useMutation(SetUserRolesMutation);
  const [, deactivate] = useMutation(DeactivateUserMutation);
  const [, reactivate] = useMutation(ReactivateUserMutation);
  const [, resetPassword] = useMutation(ResetUserPasswordMutation);
  const [, resetPin] = useMutation(ResetUserPinMutation);
  const [, unlock] = useMutation(UnlockUserMutation);
  const id = user.id!;
  // Runs one admin action; a refusal is shown on the row and nothing else changes on screen.
  const run = async <T extends object>(
    action: () => Promise<{ data?: T | null; error?: CombinedError }>,
    field: keyof T,
    after?: (payload: T[keyof T]) => void,
  ) => {
    setBusy(true);
    setError(null);
    const result = await action();
    setBusy(false);
    const payload = result.data?.[field] as { __typename?: string; code?: string; message?: string } | undefined;
    const refusal = refusalOf(payload, result.error);
    if (refusal) return setError(refusal.message);
    after?.(result.data![field]);
    onChanged();
  };
  const locked = user.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now();
  return (
    <tr data-testid="user-row" data-username={user.username}>
      <td>
        <strong>{user.name}</strong>
        <div className="muted">
          {user.username} · {user.employeeId}
        </div>
      </td>
      <td>
        {editing ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void run(
                () => setUserRoles({ id, roles }),
                "setUserRoles",
                () => setEditing(false),
              );
            }}
          >
            <RoleChoices idPrefix={`roles-${id}`} value={roles} onChange={setRoles} />
            <button type="submit" className="primary" disabled={busy}>
              Save roles
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          (user.roles ?? []).map((role) => ROLE_NAMES[role] ?? role).join(", ")
        )}
      </td>
      <td data-testid="user-status">
        {user.active ? "● Active" : "○ Deactivated"}
        {locked ? " · 🔒 Locked" : ""}
        {user.mustChangePassword ? <div className="muted">must change password</div> : null}
      </td>
      <td>
        <div className="row" style={{ flexWrap: "wrap" }}>
          {!editing ? (
            <button
              type="button"
              onClick={() => {
                setRoles(user.roles ?? []);
                setEditing(true);
              }}
            >
              Edit roles
            </button>
          ) : null}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(
                () => resetPassword({ id }),
                "resetUserPassword",
                (payload) => {
                  if (payload?.__typename === "MutationResetUserPasswordSuccess")
                    onSecret({ title: `New password for ${user.username}`, secrets: secretsOf(payload.data) });
                },
              )
            }
          >
            Reset password
          </button>
          {user.hasPin ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                run(
                  () => resetPin({ id }),
                  "resetUserPin",
                  (payload) => {
                    if (payload?.__typename === "MutationResetUserPinSuccess")
                      onSecret({ title: `New PIN for ${user.username}`, secrets: secretsOf(payload.data) });
                  },
                )
              }
            >
              Reset PIN
            </button>
          ) : null}
          {locked ? (
            <button type="button" disabled={busy} onClick={() => run(() => unlock({ id }), "unlockUser")}>
              Unlock
            </button>
          ) : null}
          {user.active ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => run(() => deactivate({ id }), "deactivateUser")}
            >
              Deactivate
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => run(() => reactivate({ id }), "reactivateUser")}>
              Reactivate
            </button>
          )}
        </div>
        {error ? (
          <p className="error" role="alert" data-testid="user-refusal">
            {error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function UsersAndRoles() {
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
        <div style={{ overflowX: "auto" }}>
          <table data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    {result.fetching ? "Loading…" : "Nobody matches."}
                  </td>
                </tr>
              ) : null}
              {users.map((user) => (
                <UserRow
                  key={`${user.id}-${(user.roles ?? []).join()}-${user.active}`}
                  user={user}
                  onSecret={setShown}
                  onChanged={again}
                />
              ))}
            </tbody>
          </table>
        </div>
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
    </>
  );
}

export default function AdminUsersPage() {
  return (
    <AppShell screen="users">
      <UsersAndRoles />
    </AppShell>
  );
}
