// The signed-in session in the browser: the access token lives in memory only (the refresh token is
// an httpOnly cookie the page cannot read), is renewed before it expires, and a renewal in flight
// is shared so two callers never rotate the same refresh token twice (the gateway would take the
// second use as theft and revoke the session).
import { type Permission, permissionsOf, type Role } from "@ms5/schema";

export interface SessionUser {
  id: string;
  username: string;
  employeeId: string;
  name: string;
  roles: Role[];
}

export interface Session {
  user: SessionUser;
  permissions: ReadonlySet<Permission>;
  accessToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
}

export type SessionState = { status: "loading" } | { status: "signed-out" } | { status: "signed-in"; session: Session };

export class AuthRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The gateway's finer reason, e.g. `password-change-required` after an administrator's reset. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const SESSION_DEFAULTS = {
  /** Renew when this share of the token's lifetime has passed. @default 0.75 */
  renewAt: 0.75,
  /** A token this close to expiry is renewed before use. @default 15000 */
  minimumValidityMs: 15_000,
};

interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; employeeId: string; name: string; roles: string[] };
}

type Listener = () => void;

class SessionStore {
  private state: SessionState = { status: "loading" };
  private listeners = new Set<Listener>();
  private renewal: Promise<Session | null> | null = null;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  snapshot = (): SessionState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(state: SessionState) {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private accept(answer: TokenAnswer): Session {
    const roles = answer.user.roles as Role[];
    const session: Session = {
      user: { ...answer.user, roles },
      permissions: permissionsOf(roles),
      accessToken: answer.accessToken,
      expiresAt: Date.now() + answer.expiresIn * 1000,
    };
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(
      () => void this.renew().catch(() => undefined),
      answer.expiresIn * 1000 * SESSION_DEFAULTS.renewAt,
    );
    this.set({ status: "signed-in", session });
    return session;
  }

  private async post(action: string, body: unknown): Promise<TokenAnswer> {
    const response = await fetch(`/api/auth/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const payload = (await response.json().catch(() => null)) as
      | TokenAnswer
      | { error: { code: string; message: string; reason?: string } }
      | null;
    if (!response.ok || !payload || "error" in payload) {
      const error: { code: string; message: string; reason?: string } =
        payload && "error" in payload ? payload.error : { code: "INTERNAL_SERVER_ERROR", message: "" };
      throw new AuthRefusal(error.code, error.message || "Sign-in failed.", response.status, error.reason);
    }
    return payload;
  }

  async signIn(login: string, password: string): Promise<Session> {
    return this.accept(await this.post("login", { login, password }));
  }

  async signInWithPin(login: string, pin: string): Promise<Session> {
    return this.accept(await this.post("pin", { login, pin }));
  }

  /** Proves the current password, sets a new one and signs in (the way out of a forced change). */
  async changePassword(login: string, password: string, newPassword: string): Promise<Session> {
    return this.accept(await this.post("change-password", { login, password, newPassword }));
  }

  /** Proves the current PIN, sets a new one and signs in with floor roles, as a PIN sign-in does. */
  async changePin(login: string, pin: string, newPin: string): Promise<Session> {
    return this.accept(await this.post("change-pin", { login, pin, newPin }));
  }

  async signOut(): Promise<void> {
    clearTimeout(this.renewTimer);
    await fetch("/api/auth/logout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }).catch(() => undefined);
    this.set({ status: "signed-out" });
  }

  /** Renews the access token from the cookie; null when there is no session (401). Network errors throw. */
  renew(): Promise<Session | null> {
    this.renewal ??= this.runRenewal().finally(() => {
      this.renewal = null;
    });
    return this.renewal;
  }

  private async runRenewal(): Promise<Session | null> {
    const rotate = async () => {
      try {
        return this.accept(await this.post("refresh", {}));
      } catch (error) {
        if (error instanceof AuthRefusal && (error.status === 401 || error.status === 403)) {
          clearTimeout(this.renewTimer);
          this.set({ status: "signed-out" });
          return null;
        }
        throw error;
      }
    };
    // Tabs of one browser share the cookie: one rotation at a time across all of them.
    if (typeof navigator !== "undefined" && navigator.locks) {
      return navigator.locks.request("ms5-refresh-token", rotate);
    }
    return rotate();
  }

  /** A token valid for a while yet, renewing it first when needed; null when signed out. */
  async accessToken(): Promise<string | null> {
    const state = this.state;
    if (state.status === "signed-in" && state.session.expiresAt - Date.now() > SESSION_DEFAULTS.minimumValidityMs) {
      return state.session.accessToken;
    }
    if (state.status === "signed-out") return null;
    try {
      return (await this.renew())?.accessToken ?? null;
    } catch {
      // Offline: the old token is the best there is; the server will say if it no longer counts.
      return state.status === "signed-in" ? state.session.accessToken : null;
    }
  }
}

export const sessionStore = new SessionStore();

// The session is restored from the cookie as soon as the bundle runs, before React hydrates: every
// screen's first query and the live socket wait for this token.
if (typeof window !== "undefined") void sessionStore.renew().catch(() => undefined);
