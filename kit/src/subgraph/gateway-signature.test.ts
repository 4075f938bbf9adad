// The gateway's proof on subgraph requests: what it covers, how long it lasts, and secret rotation.
import { describe, expect, it } from "vitest";
import {
  GATEWAY_NONCE_HEADER,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_TIMESTAMP_HEADER,
  GatewayNonceLedger,
  gatewaySignatureRefusal,
  signGatewayRequest,
} from "./gateway-signature.ts";

const SECRET = "gateway-secret-for-signature-tests-0123456789";
const BODY = JSON.stringify({ query: "{ lines { id } }" });
const AUTHORIZATION = "Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln";
const AT = new Date("2026-11-27T08:00:00Z");

function verify(
  headers: ReturnType<typeof signGatewayRequest>,
  overrides: {
    body?: string | Uint8Array;
    authorization?: string | null;
    secrets?: string[];
    at?: Date;
    nonces?: GatewayNonceLedger;
  } = {},
) {
  return gatewaySignatureRefusal({
    secrets: overrides.secrets ?? [SECRET],
    body: overrides.body ?? BODY,
    authorization: overrides.authorization === undefined ? AUTHORIZATION : overrides.authorization,
    timestamp: headers[GATEWAY_TIMESTAMP_HEADER],
    nonce: headers[GATEWAY_NONCE_HEADER],
    signature: headers[GATEWAY_SIGNATURE_HEADER],
    toleranceSeconds: 30,
    // A fresh ledger per check unless a test is about replays.
    nonces: overrides.nonces ?? new GatewayNonceLedger(),
    now: () => overrides.at ?? AT,
  });
}

describe("the gateway signature", () => {
  const signed = signGatewayRequest({ secret: SECRET, body: BODY, authorization: AUTHORIZATION, now: () => AT });

  it("is accepted for the exact body and Authorization it was made for", () => {
    expect(signed[GATEWAY_SIGNATURE_HEADER]).toMatch(/^v2=[0-9a-f]{64}$/);
    expect(verify(signed)).toBeNull();
    expect(verify(signed, { body: Buffer.from(BODY) })).toBeNull();
  });

  it("rejects a changed body", () => {
    expect(verify(signed, { body: BODY.replace("lines", "users") })).toBe("signature-mismatch");
  });

  it("rejects the same request re-sent under another caller's token, or with the token removed", () => {
    expect(verify(signed, { authorization: "Bearer someone-else" })).toBe("signature-mismatch");
    expect(verify(signed, { authorization: null })).toBe("signature-mismatch");
  });

  it("rejects a replay once the timestamp is outside the window, either way", () => {
    expect(verify(signed, { at: new Date(AT.getTime() + 30_000) })).toBeNull();
    expect(verify(signed, { at: new Date(AT.getTime() + 31_000) })).toBe("timestamp-outside-window");
    expect(verify(signed, { at: new Date(AT.getTime() - 31_000) })).toBe("timestamp-outside-window");
  });

  it("rejects a signature made with another secret, and accepts the previous secret during a rotation", () => {
    expect(verify(signed, { secrets: ["a-different-secret-of-enough-length-0123456789"] })).toBe("signature-mismatch");
    expect(verify(signed, { secrets: ["the-new-secret-of-enough-length-0123456789", SECRET] })).toBeNull();
  });

  it("rejects missing and malformed headers without computing anything", () => {
    expect(verify({ ...signed, [GATEWAY_SIGNATURE_HEADER]: "" })).toBe("signature-missing");
    expect(verify({ ...signed, [GATEWAY_TIMESTAMP_HEADER]: "" })).toBe("signature-missing");
    expect(verify({ ...signed, [GATEWAY_NONCE_HEADER]: "" })).toBe("signature-missing");
    expect(verify({ ...signed, [GATEWAY_SIGNATURE_HEADER]: `v1=${"0".repeat(64)}` })).toBe("signature-malformed");
    expect(verify({ ...signed, [GATEWAY_SIGNATURE_HEADER]: "v2=abc" })).toBe("signature-malformed");
    expect(verify({ ...signed, [GATEWAY_NONCE_HEADER]: "short" })).toBe("signature-malformed");
    expect(verify({ ...signed, [GATEWAY_TIMESTAMP_HEADER]: "1e9" })).toBe("signature-malformed");
  });

  it("rejects a captured request replayed inside the window, and a changed nonce as a forgery", () => {
    const nonces = new GatewayNonceLedger();
    expect(verify(signed, { nonces })).toBeNull();
    expect(verify(signed, { nonces, at: new Date(AT.getTime() + 5_000) })).toBe("signature-replayed");
    const other = signGatewayRequest({ secret: SECRET, body: BODY, authorization: AUTHORIZATION, now: () => AT });
    expect(verify({ ...signed, [GATEWAY_NONCE_HEADER]: other[GATEWAY_NONCE_HEADER] }, { nonces })).toBe(
      "signature-mismatch",
    );
    expect(verify(other, { nonces })).toBeNull();
  });

  it("forgets a nonce once its window has passed, when the timestamp refuses the replay anyway", () => {
    const nonces = new GatewayNonceLedger();
    expect(verify(signed, { nonces })).toBeNull();
    const later = signGatewayRequest({
      secret: SECRET,
      body: BODY,
      authorization: AUTHORIZATION,
      now: () => new Date(AT.getTime() + 60_000),
    });
    expect(verify(later, { nonces, at: new Date(AT.getTime() + 60_000) })).toBeNull();
    expect(nonces.size).toBe(1);
  });
});
