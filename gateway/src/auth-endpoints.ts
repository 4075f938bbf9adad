// Sign-in, token refresh, sign-out and the JWKS, served by the gateway as plain HTTP endpoints.
//
// Why here, and why not GraphQL:
// - The gateway issues the access tokens, so it holds the private signing keys and must publish the
//   public ones: the JWKS belongs with the issuer, and no subgraph needs a private key.
// - Refresh tokens are meant to live in an httpOnly cookie set by the web app's server from these
//   JSON answers; a cookie-bearing flow is plain HTTP, and keeping it off /graphql means no GraphQL
//   operation ever reads or sets it.
// - Passwords and PINs stay out of GraphQL documents, variables, operation logs, traces and the
//   persisted-document manifest.
// - Rate limiting belongs at the edge, before any subgraph or planner work: per login name and per
//   client address (createLoginRateLimiter), in front of the account lockout in the database.
//   Every browser sign-in arrives from the web server, so its socket address is one for the whole
//   plant: the web server proves it is the proxy with PROXY_SECRET_HEADER (GATEWAY_PROXY_SECRET, not
//   its address: everything may run on one host), and only then is its X-Forwarded-For the client.
// - A locked account or PIN answers exactly as a wrong secret does (401 invalid-credentials), so
//   the answers do not tell which login names exist; the log keeps the real reason.
// - A PIN sign-in issues tokens with the user's floor roles only (FLOOR_ROLES), for its refreshes too.
//
// Routes: POST /auth/login {login, password}; POST /auth/pin {login, pin}; POST /auth/refresh
// {refreshToken}; POST /auth/logout {refreshToken}; POST /auth/change-password {login, password,
// newPassword}; POST /auth/change-pin {login, pin, newPin}; GET /.well-known/jwks.json. A person whose
// password (or PIN) an administrator reset gets no tokens from /auth/login (/auth/pin): 403 with reason
// `password-change-required` (`pin-change-required`), and signs in by choosing a new one. Errors are
// `{ error: { code, message, reason? } }` with a documented code; 429 carries Retry-After.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PrismaClient } from "@ms5/db";
import type { Logger } from "@ms5/kit";
import {
  type AccessTokenOptions,
  AuthError,
  type AuthenticatedUser,
  accessTokenSubjectOf,
  authenticatePassword,
  authenticatePin,
  type CredentialSettings,
  changeOwnPassword,
  changeOwnPin,
  floorSessionOf,
  invalidCredentials,
  issueAccessToken,
  issueRefreshToken,
  type LoginRateLimiter,
  type RefreshTokenSettings,
  revokeRefreshToken,
  rotateRefreshToken,
  type SigningKeyRing,
} from "@ms5/kit/auth";
import { type ErrorCode, FORWARDED_FOR_HEADER, PROXY_SECRET_HEADER } from "@ms5/schema";
import { HttpRefusal, headerOf, readCappedBody, sendJson } from "./http-json.ts";

export const AUTH_PATHS = {
  login: "/auth/login",
  pin: "/auth/pin",
  refresh: "/auth/refresh",
  logout: "/auth/logout",
  changePassword: "/auth/change-password",
  changePin: "/auth/change-pin",
  jwks: "/.well-known/jwks.json",
} as const;

/** The answer to a successful sign-in or refresh. */
export interface TokenResponse {
  accessToken: string;
  tokenType: "Bearer";
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  /** ISO time the refresh token expires unless rotated before. */
  refreshTokenExpiresAt: string;
  mustChangePassword: boolean;
  mustChangePin: boolean;
  user: { id: string; username: string; employeeId: string; name: string; roles: string[] };
}

export interface AuthEndpointsOptions {
  prisma: PrismaClient;
  signingKeys: SigningKeyRing;
  rateLimiter: LoginRateLimiter;
  logger: Logger;
  /** Largest accepted body. */
  bodyLimitBytes: number;
  accessToken?: AccessTokenOptions;
  credentials?: CredentialSettings;
  refreshTokens?: RefreshTokenSettings;
  /**
   * GATEWAY_PROXY_SECRET, shared with the web server: a request carrying it in PROXY_SECRET_HEADER
   * is the sign-in proxy, and its X-Forwarded-For names the client. Unset: forwarded addresses are
   * never believed and every limit uses the socket address.
   */
  proxySecret?: string;
}

export interface AuthEndpoints {
  /** Answers the auth routes; false for any other path so the caller can go on. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const HTTP_STATUS: Readonly<Partial<Record<ErrorCode, number>>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
};

/** Reasons answered as `invalid-credentials`: telling them apart would say the login name exists. */
const MASKED_REASONS: ReadonlySet<string> = new Set(["account-locked", "pin-locked"]);

function invalidCredentialsFor(path: string): AuthError {
  return invalidCredentials(path === AUTH_PATHS.pin || path === AUTH_PATHS.changePin ? "PIN" : "password");
}

function digestOf(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests, so neither the secret's length nor its first differing byte shows in the timing. */
function isProxySecret(presented: string | undefined, expected: Buffer | null): boolean {
  return expected !== null && presented !== undefined && timingSafeEqual(digestOf(presented), expected);
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { code: ErrorCode; message: string; reason?: string },
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { error }, headers);
}

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const contentType = headerOf(req, "content-type") ?? "";
  // JSON only: a form or text/plain POST is a "simple" cross-site request a browser sends unasked.
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpRefusal(415, "BAD_USER_INPUT", "Send a JSON body (content-type: application/json).");
  }
  const raw = await readCappedBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpRefusal(400, "BAD_USER_INPUT", "The request body is not JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpRefusal(400, "BAD_USER_INPUT", "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") {
    throw new HttpRefusal(400, "BAD_USER_INPUT", `"${name}" is required and must be a string.`);
  }
  return value;
}

export function createAuthEndpoints(options: AuthEndpointsOptions): AuthEndpoints {
  const { prisma, signingKeys, rateLimiter, logger } = options;
  const proxySecretDigest = options.proxySecret ? digestOf(options.proxySecret) : null;

  /**
   * The client's address for the per-address limit: the proxy's forwarded address when the request
   * proves it comes from the proxy, else the socket's. A forwarded header without the proof is ignored.
   */
  function clientAddressOf(req: IncomingMessage): string | null {
    const socketAddress = req.socket.remoteAddress ?? null;
    if (!isProxySecret(headerOf(req, PROXY_SECRET_HEADER), proxySecretDigest)) return socketAddress;
    // The right-most entry is the one the proxy itself added; earlier ones came from the client.
    const forwarded = headerOf(req, FORWARDED_FOR_HEADER)?.split(",").at(-1)?.trim();
    return forwarded && forwarded.length <= 100 ? forwarded : socketAddress;
  }

  async function tokensFor(
    user: AuthenticatedUser,
    refresh: { token: string; expiresAt: Date },
  ): Promise<TokenResponse> {
    const access = await issueAccessToken(signingKeys, accessTokenSubjectOf(user), options.accessToken);
    return {
      accessToken: access.token,
      tokenType: "Bearer",
      expiresIn: access.expiresInSeconds,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
      mustChangePassword: user.mustChangePassword,
      mustChangePin: user.mustChangePin,
      user: {
        id: user.userId,
        username: user.username,
        employeeId: user.employeeId,
        name: user.name,
        roles: user.roles,
      },
    };
  }

  function metaOf(req: IncomingMessage) {
    return {
      userAgent: headerOf(req, "user-agent")?.slice(0, 500) ?? null,
      ipAddress: clientAddressOf(req),
    };
  }

  async function signIn(req: IncomingMessage, secretField: "password" | "pin"): Promise<TokenResponse> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    const login = stringField(body, "login");
    const secret = stringField(body, secretField);
    // Counted before the password is checked, so a refused attempt costs no scrypt time.
    const attempt = await rateLimiter.consumeAttempt({ login, address: clientAddressOf(req), method: secretField });
    const user =
      secretField === "password"
        ? await authenticatePassword(prisma, { login, password: secret }, options.credentials)
        : floorSessionOf(await authenticatePin(prisma, { login, pin: secret }, options.credentials));
    await attempt.succeeded();
    // The secret was right, but an administrator handed it out: it only buys the right to choose one.
    if (secretField === "password" && user.mustChangePassword) {
      throw new AuthError(
        "FORBIDDEN",
        "password-change-required",
        "Your password was reset. Choose a new one to sign in.",
      );
    }
    if (secretField === "pin" && user.mustChangePin) {
      throw new AuthError("FORBIDDEN", "pin-change-required", "Your PIN was reset. Choose a new one to sign in.");
    }
    const refresh = await issueRefreshToken(
      prisma,
      user.userId,
      { ...metaOf(req), floorRolesOnly: secretField === "pin" },
      options.refreshTokens,
    );
    logger.info({ userId: user.userId, method: secretField }, "signed in");
    return tokensFor(user, refresh);
  }

  async function changeSecret(req: IncomingMessage, secretField: "password" | "pin"): Promise<TokenResponse> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    const login = stringField(body, "login");
    const current = stringField(body, secretField);
    const next = stringField(body, secretField === "password" ? "newPassword" : "newPin");
    // Proving the current secret is a sign-in attempt: the same limits apply.
    const attempt = await rateLimiter.consumeAttempt({ login, address: clientAddressOf(req), method: secretField });
    const change = { login, current, next };
    const user =
      secretField === "password"
        ? await changeOwnPassword(prisma, change, options.credentials)
        : floorSessionOf(await changeOwnPin(prisma, change, options.credentials));
    await attempt.succeeded();
    const refresh = await issueRefreshToken(
      prisma,
      user.userId,
      { ...metaOf(req), floorRolesOnly: secretField === "pin" },
      options.refreshTokens,
    );
    logger.info({ userId: user.userId, secret: secretField }, "changed own secret and signed in");
    return tokensFor(user, refresh);
  }

  async function refresh(req: IncomingMessage): Promise<TokenResponse> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    const rotated = await rotateRefreshToken(
      prisma,
      stringField(body, "refreshToken"),
      metaOf(req),
      options.refreshTokens,
    );
    return tokensFor(rotated.user, rotated);
  }

  async function logout(req: IncomingMessage): Promise<void> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    // Answered the same whether the token was known or not: sign-out must not probe tokens.
    await revokeRefreshToken(prisma, stringField(body, "refreshToken"));
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === AUTH_PATHS.jwks) {
      if (req.method !== "GET" && req.method !== "HEAD")
        throw new HttpRefusal(405, "BAD_USER_INPUT", "Use GET.", { allow: "GET" });
      sendJson(res, 200, signingKeys.jwks(), { "cache-control": "public, max-age=300" });
      return true;
    }
    const post = [
      AUTH_PATHS.login,
      AUTH_PATHS.pin,
      AUTH_PATHS.refresh,
      AUTH_PATHS.logout,
      AUTH_PATHS.changePassword,
      AUTH_PATHS.changePin,
    ] as string[];
    if (!post.includes(path)) return false;
    if (req.method !== "POST") throw new HttpRefusal(405, "BAD_USER_INPUT", "Use POST.", { allow: "POST" });
    switch (path) {
      case AUTH_PATHS.login:
        sendJson(res, 200, await signIn(req, "password"));
        break;
      case AUTH_PATHS.pin:
        sendJson(res, 200, await signIn(req, "pin"));
        break;
      case AUTH_PATHS.refresh:
        sendJson(res, 200, await refresh(req));
        break;
      case AUTH_PATHS.changePassword:
        sendJson(res, 200, await changeSecret(req, "password"));
        break;
      case AUTH_PATHS.changePin:
        sendJson(res, 200, await changeSecret(req, "pin"));
        break;
      default:
        await logout(req);
        res.writeHead(204, { "cache-control": "no-store" });
        res.end();
    }
    return true;
  }

  return {
    async handle(req, res) {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      try {
        return await route(req, res, path);
      } catch (error) {
        if (error instanceof HttpRefusal) {
          res.shouldKeepAlive = false;
          sendError(res, error.status, { code: error.code, message: error.message }, error.headers);
        } else if (error instanceof AuthError) {
          logger.info({ reason: error.reason, path }, "refused an auth request");
          const answered = MASKED_REASONS.has(error.reason) ? invalidCredentialsFor(path) : error;
          const headers: Record<string, string> = {};
          if (answered.retryAfterSeconds !== undefined) headers["retry-after"] = String(answered.retryAfterSeconds);
          if (answered.code === "UNAUTHENTICATED") headers["www-authenticate"] = "Bearer";
          sendError(
            res,
            HTTP_STATUS[answered.code] ?? 400,
            { code: answered.code, message: answered.message, reason: answered.reason },
            headers,
          );
        } else {
          logger.error({ err: error, path }, "auth endpoint failed");
          sendError(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" });
        }
        return true;
      }
    },
  };
}
