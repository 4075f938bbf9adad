"use client";
// One account: change its roles, deactivate or reactivate it, reset its password or PIN, unlock it.
import { useState } from "react";
import { type CombinedError, useMutation } from "urql";
import { RoleChoices, type Shown, secretsOf } from "@/components/admin/users/role-choices";
import {
  DeactivateUserMutation,
  ReactivateUserMutation,
  ResetUserPasswordMutation,
  ResetUserPinMutation,
  SetUserRolesMutation,
  UnlockUserMutation,
} from "@/lib/graphql/admin";
import type { AdminUserFieldsFragment, Role } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { ROLE_NAMES } from "@/lib/navigation";

export function UserRow({
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
