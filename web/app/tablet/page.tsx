"use client";
// Quick sign-in on a shared floor tablet: the tablet is bound to a line once (a device setting), then
// an operator signs in with employee id and PIN and lands on that line's dashboard. A new or reset
// PIN ("pin-change-required") is replaced by one the operator chooses, then they are signed in.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { ChangeSecretForm } from "@/components/auth/change-secret-form";
import { explainAuthRefusal, mustChooseNew } from "@/lib/auth/explain-refusal";
import { sessionStore } from "@/lib/auth/session-store";
import { homeOf } from "@/lib/navigation";
import { bindTabletLine, readTabletLine, type TabletLine } from "@/lib/tablet-line";

export default function TabletSignInPage() {
  const router = useRouter();
  const [line, setLine] = useState<TabletLine | null>(null);
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The login and temporary PIN that were accepted but must be replaced; memory only.
  const [mustChange, setMustChange] = useState<{ login: string; pin: string } | null>(null);

  useEffect(() => setLine(readTabletLine()), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const login = String(form.get("login"));
    try {
      const session = await sessionStore.signInWithPin(login, pin);
      router.replace(line ? `/lines/${line.id}` : homeOf(session.permissions));
    } catch (caught) {
      if (mustChooseNew(caught, "pin")) setMustChange({ login, pin });
      else setError(explainAuthRefusal(caught));
      setPin("");
      setBusy(false);
    }
  }

  const press = (digit: string) => setPin((current) => (current.length < 12 ? current + digit : current));

  if (mustChange) {
    return (
      <main className="centered">
        <h1>Choose your PIN</h1>
        <ChangeSecretForm
          secret="pin"
          login={mustChange.login}
          current={mustChange.pin}
          heading="A new PIN for this tablet sign-in"
          intro="Your PIN was just given out by an administrator. Choose your own to sign in; the temporary one stops working."
          submitLabel="Set PIN and sign in"
          onChanged={(session) => router.replace(line ? `/lines/${line.id}` : homeOf(session.permissions))}
        />
        <button type="button" onClick={() => setMustChange(null)}>
          Back to sign-in
        </button>
      </main>
    );
  }

  return (
    <main className="centered">
      <h1>Tablet sign-in</h1>
      <p className="muted" data-testid="tablet-line">
        {line ? (
          <>
            This tablet is at <strong>{line.name}</strong>.{" "}
            <button
              type="button"
              onClick={() => {
                bindTabletLine(null);
                setLine(null);
              }}
            >
              Unbind
            </button>
          </>
        ) : (
          <>Not bound to a line yet: a supervisor binds it from a line dashboard (“Use this tablet for this line”).</>
        )}
      </p>
      <form onSubmit={submit} className="panel">
        <label htmlFor="login">Employee id or username</label>
        <input
          id="login"
          name="login"
          required
          autoCapitalize="none"
          autoComplete="username"
          style={{ width: "100%" }}
        />
        <label htmlFor="pin">PIN</label>
        <input
          id="pin"
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(event) => setPin(event.target.value.replace(/\D/g, ""))}
          required
          style={{ width: "100%" }}
        />
        <fieldset className="keypad" aria-label="PIN keypad" style={{ marginTop: 12, border: 0, padding: 0 }}>
          {["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((digit) => (
            <button key={digit} type="button" onClick={() => press(digit)} aria-label={`Digit ${digit}`}>
              {digit}
            </button>
          ))}
          <button type="button" onClick={() => setPin("")} aria-label="Clear PIN">
            C
          </button>
          <button type="button" onClick={() => press("0")} aria-label="Digit 0">
            0
          </button>
          <button
            type="button"
            onClick={() => setPin((current) => current.slice(0, -1))}
            aria-label="Delete last digit"
          >
            ⌫
          </button>
        </fieldset>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="row" style={{ marginTop: 16 }}>
          <button type="submit" className="primary" disabled={busy || pin.length === 0}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <Link className="button" href="/sign-in">
            Password sign-in
          </Link>
        </div>
      </form>
    </main>
  );
}
