"use client";
// The form creating an account; its temporary password and PIN are handed up to be shown once.
import { useState } from "react";
import { useMutation } from "urql";
import { RoleChoices, type Shown, secretsOf } from "@/components/admin/users/role-choices";
import { CreateUserMutation } from "@/lib/graphql/admin";
import type { Role } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export function CreateUser({ onCreated }: { onCreated: (shown: Shown) => void }) {
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
