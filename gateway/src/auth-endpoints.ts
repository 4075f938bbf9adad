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
//
// Routes: POST /auth/login {login, password}; POST /auth/pin {login, pin}; POST /auth/refresh
// {refreshToken}; POST /auth/logout {refreshToken}; POST /auth/change-password {login, password,
// newPassword}; POST /auth/change-pin {login, pin, newPin}; GET /.well-known/jwks.json. A person whose
// password (or PIN) an administrator reset gets no tokens from /auth/login (/auth/pin): 403 with reason
// `password-change-required` (`pin-change-required`), and signs in by choosing a new one. Errors are
// `{ error: { code, message, reason? } }` with a documented code; 429 carries Retry-After.
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
  issueAccessToken,
  issueRefreshToken,
  type LoginRateLimiter,
  type RefreshTokenSettings,
  revokeRefreshToken,
  rotateRefreshToken,
  type SigningKeyRing,
} from "@ms5/kit/auth";
import type { ErrorCode } from "@ms5/schema";
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
};

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
      ipAddress: req.socket.remoteAddress ?? null,
    };
  }

  async function signIn(req: IncomingMessage, secretField: "password" | "pin"): Promise<TokenResponse> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    const login = stringField(body, "login");
    const secret = stringField(body, secretField);
    // Counted before the password is checked, so a refused attempt costs no scrypt time.
    const attempt = await rateLimiter.consumeAttempt({ login, address: req.socket.remoteAddress });
    const user =
      secretField === "password"
        ? await authenticatePassword(prisma, { login, password: secret }, options.credentials)
        : await authenticatePin(prisma, { login, pin: secret }, options.credentials);
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
    const refresh = await issueRefreshToken(prisma, user.userId, metaOf(req), options.refreshTokens);
    logger.info({ userId: user.userId, method: secretField }, "signed in");
    return tokensFor(user, refresh);
  }

  async function changeSecret(req: IncomingMessage, secretField: "password" | "pin"): Promise<TokenResponse> {
    const body = await readJsonObject(req, options.bodyLimitBytes);
    const login = stringField(body, "login");
    const current = stringField(body, secretField);
    const next = stringField(body, secretField === "password" ? "newPassword" : "newPin");
    // Proving the current secret is a sign-in attempt: the same limits apply.
    const attempt = await rateLimiter.consumeAttempt({ login, address: req.socket.remoteAddress });
    const change = { login, current, next };
    const user =
      secretField === "password"
        ? await changeOwnPassword(prisma, change, options.credentials)
        : await changeOwnPin(prisma, change, options.credentials);
    await attempt.succeeded();
    const refresh = await issueRefreshToken(prisma, user.userId, metaOf(req), options.refreshTokens);
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
          const headers: Record<string, string> = {};
          if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
          if (error.code === "UNAUTHENTICATED") headers["www-authenticate"] = "Bearer";
          logger.info({ reason: error.reason, path }, "refused an auth request");
          sendError(
            res,
            HTTP_STATUS[error.code] ?? 400,
            { code: error.code, message: error.message, reason: error.reason },
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
