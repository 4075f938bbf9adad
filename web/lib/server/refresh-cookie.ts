// The refresh token's cookie: httpOnly (no script can read it), SameSite=Strict (no cross-site
// request carries it), scoped to /api/auth (the only routes that need it), Secure behind HTTPS.
import type { NextResponse } from "next/server";

export const REFRESH_COOKIE = "ms5_refresh";
const PATH = "/api/auth";

export function setRefreshCookie(response: NextResponse, token: string, expiresAt: string, secure: boolean): void {
  response.cookies.set(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: PATH,
    expires: new Date(expiresAt),
  });
}

export function clearRefreshCookie(response: NextResponse, secure: boolean): void {
  response.cookies.set(REFRESH_COOKIE, "", { httpOnly: true, sameSite: "strict", secure, path: PATH, maxAge: 0 });
}
