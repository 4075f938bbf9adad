"use client";
// Choosing a new password or PIN: forced after an administrator created or reset the account (the
// temporary one was just typed at sign-in and is kept only in this component's memory), or by choice
// on the profile screen (the current one asked for). The gateway checks the current secret, the
// policy (length, not the username, a PIN not 1234) and signs the person in with the new one.
import { type FormEvent, useState } from "react";
import { explainAuthRefusal } from "@/lib/auth/explain-refusal";
import { type Session, sessionStore } from "@/lib/auth/session-store";

const WORDS = {
  password: { name: "password", min: "at least 10 characters, not your username or employee id" },
  pin: { name: "PIN", min: "4 to 8 digits, not a run such as 1234 or 1111" },
} as const;

export function ChangeSecretForm({
  secret,
  login,
  current,
  heading,
  intro,
  submitLabel,
  onChanged,
}: {
  secret: "password" | "pin";
  login: string;
  /** The temporary secret just used at sign-in; without it the form asks for the current one. */
  current?: string;
  heading: string;
  intro?: string;
  submitLabel: string;
  onChanged: (session: Session) => void;
}) {
  const words = WORDS[secret];
  const id = `change-${secret}`;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const next = String(form.get("next"));
    if (next !== String(form.get("repeat"))) return setError(`The two new ${words.name}s differ. Type the same twice.`);
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const currentSecret = current ?? String(form.get("current"));
      const session =
        secret === "password"
          ? await sessionStore.changePassword(login, currentSecret, next)
          : await sessionStore.changePin(login, currentSecret, next);
      formElement.reset();
      setDone(true);
      onChanged(session);
    } catch (caught) {
      setError(explainAuthRefusal(caught));
    } finally {
      setBusy(false);
    }
  }

  const numeric = secret === "pin" ? ({ inputMode: "numeric", pattern: "[0-9]*" } as const) : {};
  return (
    <form onSubmit={submit} className="panel" aria-labelledby={`${id}-heading`} data-testid={`${id}-form`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {intro ? <p>{intro}</p> : null}
      {current === undefined ? (
        <>
          <label htmlFor={`${id}-current`}>Current {words.name}</label>
          <input
            id={`${id}-current`}
            name="current"
            type="password"
            autoComplete={secret === "password" ? "current-password" : "off"}
            required
            {...numeric}
          />
        </>
      ) : null}
      <label htmlFor={`${id}-next`}>New {words.name}</label>
      <input
        id={`${id}-next`}
        name="next"
        type="password"
        autoComplete={secret === "password" ? "new-password" : "off"}
        aria-describedby={`${id}-rule`}
        required
        {...numeric}
      />
      <p id={`${id}-rule`} className="muted">
        {words.min[0]?.toUpperCase()}
        {words.min.slice(1)}.
      </p>
      <label htmlFor={`${id}-repeat`}>New {words.name} again</label>
      <input
        id={`${id}-repeat`}
        name="repeat"
        type="password"
        autoComplete={secret === "password" ? "new-password" : "off"}
        required
        {...numeric}
      />
      {error ? (
        <p className="error" role="alert" data-testid={`${id}-refusal`}>
          {error}
        </p>
      ) : null}
      {done ? (
        <p role="status" data-testid={`${id}-done`}>
          Your new {words.name} is set. Other devices signed in with the old one are signed out.
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
