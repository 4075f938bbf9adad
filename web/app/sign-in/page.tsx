"use client";
// Sign-in with username or employee id and password.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { explainAuthRefusal } from "@/lib/auth/explain-refusal";
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

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const session = await sessionStore.signIn(String(form.get("login")), String(form.get("password")));
      router.replace(safeNext() ?? homeOf(session.permissions));
    } catch (caught) {
      setError(explainAuthRefusal(caught));
      setBusy(false);
    }
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
      </form>
    </main>
  );
}
