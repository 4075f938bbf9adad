"use client";
// Sign-in with username or employee id and password. A new or reset account (its temporary password
// accepted, but "password-change-required") chooses its own password here and is then signed in.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ChangeSecretForm } from "@/components/auth/change-secret-form";
import { explainAuthRefusal, mustChooseNew } from "@/lib/auth/explain-refusal";
import { sessionStore } from "@/lib/auth/session-store";
import { homeOf } from "@/lib/navigation";

function safeNext(): string | null {
  const next = new URLSearchParams(window.location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") ? next : null;
}

export default function SignInPage() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The login and temporary password that were accepted but must be replaced; memory only.
  const [mustChange, setMustChange] = useState<{ login: string; password: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const login = String(form.get("login"));
    const password = String(form.get("password"));
    try {
      const session = await sessionStore.signIn(login, password);
      router.replace(safeNext() ?? homeOf(session.permissions));
    } catch (caught) {
      if (mustChooseNew(caught, "password")) setMustChange({ login, password });
      else setError(explainAuthRefusal(caught));
      setBusy(false);
    }
  }

  if (mustChange) {
    return (
      <main className="centered">
        <h1>Choose your password</h1>
        <ChangeSecretForm
          secret="password"
          login={mustChange.login}
          current={mustChange.password}
          heading="A new password for your account"
          intro="Your account was just created or its password was reset. Choose your own password to sign in; the temporary one stops working."
          submitLabel="Set password and sign in"
          onChanged={(session) => router.replace(safeNext() ?? homeOf(session.permissions))}
        />
        <button type="button" onClick={() => setMustChange(null)}>
          Back to sign-in
        </button>
      </main>
    );
  }

  return (
    <main className="centered">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="panel" aria-describedby={error ? "sign-in-error" : undefined}>
        <label htmlFor="login">Username or employee id</label>
        <input
          id="login"
          name="login"
          autoComplete="username"
          required
          autoCapitalize="none"
          style={{ width: "100%" }}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          style={{ width: "100%" }}
        />
        {error ? (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="row" style={{ marginTop: 16 }}>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <Link className="button" href="/tablet">
            Tablet PIN sign-in
          </Link>
        </div>
        <p>
          <Link className="button" href="/forgot-password">
            Forgot your password?
          </Link>
        </p>
      </form>
    </main>
  );
}
