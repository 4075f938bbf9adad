// Forgot password: an administrator resets it (Admin › Users and roles › Reset password) and hands
// over a temporary one, shown to them once; signing in with it asks for a new password at once.
// Nothing here takes a login name, so the page tells nobody which accounts exist.
import Link from "next/link";

export default function ForgotPasswordPage() {
  return (
    <main className="centered">
      <h1>Forgot your password?</h1>
      <section className="panel" data-testid="forgot-password">
        <ol>
          <li>Ask an administrator (or your shift manager, who knows who that is) to reset your password.</li>
          <li>They get a temporary password, shown to them once, and give it to you in person.</li>
          <li>
            Sign in with it: you are asked to choose your own password straight away, and the temporary one stops
            working.
          </li>
        </ol>
        <p className="muted">
          A forgotten tablet PIN works the same way: the administrator resets the PIN and you choose a new one at the
          tablet.
        </p>
        <div className="row">
          <Link className="button" href="/sign-in">
            Back to sign-in
          </Link>
        </div>
      </section>
    </main>
  );
}
