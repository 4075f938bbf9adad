"use client";
// The frame of every signed-in screen: navigation by permission, who is signed in, the link state
// (said at once when it drops) and the operator actions still waiting to be sent.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { sessionStore } from "@/lib/auth/session-store";
import { adminEntryOf, ROLE_NAMES, SCREENS, type Screen, type ScreenName } from "@/lib/navigation";
import { useConnectionStatus, useQueuedActions, useSession } from "@/lib/react/stores";

export function AppShell({ screen, children }: { screen: ScreenName; children: ReactNode }) {
  const session = useSession();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (session.status === "signed-out") router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [session.status, router, pathname]);

  if (session.status !== "signed-in") {
    return (
      <main aria-busy="true">
        <p className="muted">Signing in…</p>
      </main>
    );
  }
  const { user, permissions } = session.session;
  const target = SCREENS[screen];
  const allowed = permissions.has(target.permission);
  // One entry for the admin section (its tabs are inside it), leading to the first tab the role may open.
  const adminEntry = adminEntryOf(permissions);
  return (
    <>
      <header className="shell-header">
        <strong>MS5.0 Floor</strong>
        <nav aria-label="Main">
          {Object.values(SCREENS)
            .filter((item: Screen) => item.inMenu !== false && permissions.has(item.permission))
            .map((item) => (
              <Link key={item.href} href={item.href} aria-current={pathname.startsWith(item.href) ? "page" : undefined}>
                {item.label}
              </Link>
            ))}
          {adminEntry ? (
            <Link href={adminEntry.href} aria-current={pathname.startsWith("/admin") ? "page" : undefined}>
              Admin
            </Link>
          ) : null}
        </nav>
        <NotificationBell />
        <Link className="who" data-testid="who" href="/profile" aria-label={`${user.name}: your profile`}>
          {user.name} · {user.roles.map((role) => ROLE_NAMES[role] ?? role).join(", ")}
        </Link>
        <button
          type="button"
          onClick={async () => {
            await sessionStore.signOut();
            router.replace("/sign-in");
          }}
        >
          Sign out
        </button>
      </header>
      <LinkBanner />
      <PendingActions />
      <main>
        {allowed ? (
          children
        ) : (
          <section className="notice" role="alert" data-testid="refused-screen">
            <h1>Not available for your role</h1>
            <p>
              {target.label} is for {target.audience}. You are signed in as {user.name} (
              {user.roles.map((role) => ROLE_NAMES[role] ?? role).join(", ")}), which does not include the permission “
              {target.permission}”. Ask a manager if you need it.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

function LinkBanner() {
  const { link, retries } = useConnectionStatus();
  // "connecting" is the first connection of a screen that just opened: its own loading text covers it.
  if (link === "live" || link === "connecting") {
    return (
      <div className="visually-hidden" role="status" data-testid="link-state" data-link="live">
        Live
      </div>
    );
  }
  const text =
    link === "offline"
      ? "Offline: no network. Live data is paused; your actions are kept on this device and sent when back."
      : link === "reconnecting"
        ? `Connection lost: reconnecting${retries > 0 ? ` (attempt ${retries})` : ""}… Figures on screen may be out of date.`
        : "Connecting to live data…";
  return (
    <div
      className={`banner ${link === "offline" ? "offline" : "reconnecting"}`}
      role="status"
      data-testid="link-state"
      data-link={link}
    >
      <span aria-hidden="true">{link === "offline" ? "⊘" : "⟳"}</span>
      {text}
    </div>
  );
}

function PendingActions() {
  const queued = useQueuedActions();
  if (queued.length === 0) return null;
  return (
    <div className="banner pending" role="status" data-testid="pending-actions">
      <span aria-hidden="true">◷</span>
      <span>
        {queued.length} action{queued.length === 1 ? "" : "s"} waiting to be sent:{" "}
        {queued.map((item) => item.label).join("; ")}
      </span>
    </div>
  );
}
