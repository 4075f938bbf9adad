// HTTP headers two services agree on, beside the error codes: the web server's proof that it is the
// sign-in proxy, whose forwarded client address the gateway may then believe.

/**
 * Sent by the web server to the gateway's /auth endpoints with GATEWAY_PROXY_SECRET. Only with it is
 * X-Forwarded-For used for the per-address sign-in limit; without it the header is ignored.
 */
export const PROXY_SECRET_HEADER = "x-ms5-proxy-secret";

/** The client address the proxy saw, one address (the gateway reads the right-most entry). */
export const FORWARDED_FOR_HEADER = "x-forwarded-for";
