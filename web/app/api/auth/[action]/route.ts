// Sign-in, PIN sign-in, choosing a new password or PIN (forced after an administrator's reset, or by
// choice on the profile screen), silent refresh and sign-out for the browser. Each calls the
// gateway's /auth endpoint server-side, keeps the refresh token in an httpOnly cookie and hands the
// browser only the short-lived access token and who signed in.
import { FORWARDED_FOR_HEADER, PROXY_SECRET_HEADER } from "@ms5/schema";
import { type NextRequest, NextResponse } from "next/server";
import { gatewayOrigin } from "@/lib/server/gateway-address";
import { clearRefreshCookie, REFRESH_COOKIE, setRefreshCookie } from "@/lib/server/refresh-cookie";
import { webEnvironment } from "@/lib/server/web-environment";

export const dynamic = "force-dynamic";

interface GatewayTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  mustChangePassword: boolean;
  mustChangePin: boolean;
  user: { id: string; username: string; employeeId: string; name: string; roles: string[] };
}

type GatewayError = { error: { code: string; message: string; reason?: string } };

const ACTIONS = new Set(["login", "pin", "change-password", "change-pin", "refresh", "logout"]);

/** The body fields each secret-bearing action forwards to the gateway, all strings. */
const SECRET_FIELDS: Record<string, { fields: string[]; missing: string }> = {
  login: { fields: ["login", "password"], missing: "Enter your login and password." },
  pin: { fields: ["login", "pin"], missing: "Enter your login and PIN." },
  "change-password": {
    fields: ["login", "password", "newPassword"],
    missing: "Enter your login, your current password and the new one.",
  },
  "change-pin": { fields: ["login", "pin", "newPin"], missing: "Enter your login, your current PIN and the new one." },
};

function refusal(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

/**
 * The browser's address as this server saw it: web/scripts/serve-web.mjs sets X-Forwarded-For to the
 * socket's address (or keeps a front proxy's, with WEB_BEHIND_PROXY), and its right-most entry is
 * the one added by the hop nearest to us.
 */
function clientAddressOf(request: NextRequest): string | null {
  return request.headers.get(FORWARDED_FOR_HEADER)?.split(",").at(-1)?.trim() || null;
}

/**
 * The gateway counts sign-in attempts per client address. With GATEWAY_PROXY_SECRET it believes the
 * address we forward, so one browser's failures never block another's tablet; without the secret it
 * ignores the header and counts all of us as this server's one address.
 */
function proxyHeaders(request: NextRequest): Record<string, string> {
  const secret = webEnvironment().GATEWAY_PROXY_SECRET;
  const address = clientAddressOf(request);
  if (!secret || !address) return {};
  return { [PROXY_SECRET_HEADER]: secret, [FORWARDED_FOR_HEADER]: address };
}

async function callGateway(path: string, body: unknown, request: NextRequest): Promise<Response> {
  return fetch(`${gatewayOrigin()}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      // The gateway records the device a refresh token was issued to.
      "user-agent": request.headers.get("user-agent") ?? "ms5-web",
      ...proxyHeaders(request),
    },
    body: JSON.stringify(body),
    cache: "no-store",
  });
}

function isSecure(request: NextRequest): boolean {
  return request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export async function POST(request: NextRequest, context: { params: Promise<{ action: string }> }) {
  const { action } = await context.params;
  if (!ACTIONS.has(action)) return refusal(404, "NOT_FOUND", "No such auth action.");
  // JSON only: a form POST is a cross-site "simple request" the browser would send unasked.
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return refusal(415, "BAD_USER_INPUT", "Send a JSON body (content-type: application/json).");
  }
  // A sign-in is a few hundred bytes (the gateway's own auth limit is 8 KiB).
  if (Number(request.headers.get("content-length") ?? 0) > 8 * 1024) {
    return refusal(413, "PAYLOAD_TOO_LARGE", "The request is too large.");
  }
  const secure = isSecure(request);
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value;

  let upstream: Response;
  try {
    const secretAction = SECRET_FIELDS[action];
    if (secretAction) {
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || secretAction.fields.some((field) => typeof body[field] !== "string")) {
        return refusal(400, "BAD_USER_INPUT", secretAction.missing);
      }
      const forwarded = Object.fromEntries(secretAction.fields.map((field) => [field, body[field]]));
      upstream = await callGateway(`/auth/${action}`, forwarded, request);
    } else if (action === "refresh") {
      if (!refreshToken) return refusal(401, "UNAUTHENTICATED", "Not signed in.");
      upstream = await callGateway("/auth/refresh", { refreshToken }, request);
    } else {
      const response = new NextResponse(null, { status: 204 });
      clearRefreshCookie(response, secure);
      if (refreshToken) await callGateway("/auth/logout", { refreshToken }, request).catch(() => undefined);
      return response;
    }
  } catch {
    return refusal(503, "SERVICE_UNAVAILABLE", "The server cannot be reached. Try again in a moment.");
  }

  const payload = (await upstream.json().catch(() => null)) as GatewayTokens | GatewayError | null;
  if (!upstream.ok || !payload || "error" in payload) {
    const error = payload && "error" in payload ? payload.error : { code: "INTERNAL_SERVER_ERROR", message: "" };
    const response = NextResponse.json(
      { error },
      { status: upstream.status, headers: { "cache-control": "no-store" } },
    );
    if (action === "refresh" && upstream.status === 401) clearRefreshCookie(response, secure);
    const retryAfter = upstream.headers.get("retry-after");
    if (retryAfter) response.headers.set("retry-after", retryAfter);
    return response;
  }
  const response = NextResponse.json(
    {
      accessToken: payload.accessToken,
      expiresIn: payload.expiresIn,
      mustChangePassword: payload.mustChangePassword,
      mustChangePin: payload.mustChangePin,
      user: payload.user,
    },
    { headers: { "cache-control": "no-store" } },
  );
  setRefreshCookie(response, payload.refreshToken, payload.refreshTokenExpiresAt, secure);
  return response;
}
