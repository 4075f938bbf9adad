// The asymmetric keys that sign access tokens (EdDSA over Ed25519, or ES256), each named by a kid so
// keys can rotate: new tokens use the newest key, and the JWKS publishes every key still listed.
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createRemoteJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWSHeaderParameters,
  jwtVerify,
  SignJWT,
} from "jose";
import { z } from "zod";
import { ConfigError, env as envField, parseConfig } from "../config.ts";
import { AuthError } from "./auth-error.ts";

/** Algorithms a signing key may use. */
export const SIGNING_ALGORITHMS = ["EdDSA", "ES256"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * `alg` header values a token may carry; anything else (`none`, HS256 with a public key as the
 * secret, RS256) is refused before a key is even looked up. "Ed25519" is RFC 9864's name for EdDSA
 * over Ed25519, which newer signers write.
 */
export const ACCEPTED_TOKEN_ALGORITHMS: readonly string[] = ["EdDSA", "Ed25519", "ES256"];

/** A public key as published in the JWKS. */
export interface PublicSigningJwk extends JWK {
  kty: "OKP" | "EC";
  kid: string;
  alg: SigningAlgorithm;
  use: "sig";
}

export interface JsonWebKeySet {
  keys: PublicSigningJwk[];
}

/** Finds the public key a token was signed with; a key ring and a remote JWKS both do this. */
export interface VerificationKeys {
  /**
   * The key named by `header.kid` for `header.alg`, or undefined when there is no such key. A kid
   * that names a key of another algorithm is refused with AuthError `disallowed-algorithm`.
   */
  publicKeyFor(header: { kid: string; alg: string }): Promise<CryptoKey | undefined>;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: PublicSigningJwk;
}

export interface SigningKeyRing extends VerificationKeys {
  /** The key new tokens are signed with: the first (newest) one listed. */
  readonly current: SigningKey;
  /** Every key, newest first; older ones only verify tokens issued before the rotation. */
  readonly keys: readonly SigningKey[];
  /** True when the key was generated at start-up and dies with the process. */
  readonly ephemeral: boolean;
  /** The public keys, for the gateway's `/.well-known/jwks.json`. */
  jwks(): JsonWebKeySet;
}

/** The same algorithm, counting "Ed25519" as EdDSA. */
function algorithmsMatch(headerAlg: string, keyAlg: SigningAlgorithm): boolean {
  return headerAlg === keyAlg || (headerAlg === "Ed25519" && keyAlg === "EdDSA");
}

function inferAlgorithm(jwk: JWK): SigningAlgorithm {
  if (jwk.alg === "Ed25519") return "EdDSA";
  if (jwk.alg !== undefined) {
    if ((SIGNING_ALGORITHMS as readonly string[]).includes(jwk.alg)) return jwk.alg as SigningAlgorithm;
    throw new Error(`algorithm ${jwk.alg} is not accepted; use EdDSA (Ed25519) or ES256`);
  }
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  throw new Error(`a ${jwk.kty ?? "typeless"} key${jwk.crv ? ` on ${jwk.crv}` : ""} cannot sign; use Ed25519 or P-256`);
}

function publicPartOf(jwk: JWK, kid: string, alg: SigningAlgorithm): PublicSigningJwk {
  // Built from the public members only, so no private field (d, p, q, ...) can leak into the JWKS.
  const base = { kid, alg, use: "sig" as const, crv: jwk.crv, x: jwk.x };
  return jwk.kty === "EC" ? { kty: "EC", ...base, y: jwk.y } : { kty: "OKP", ...base };
}

/** Imports one private JWK; throws a plain Error saying what is wrong with it. */
async function signingKeyFromJwk(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk !== "object" || jwk === null) throw new Error("each key must be a JWK object");
  if (jwk.kty === "oct") throw new Error("symmetric (oct) keys are refused; tokens are signed asymmetrically");
  const alg = inferAlgorithm(jwk);
  if (typeof jwk.d !== "string") throw new Error("each key must be a private JWK (with its d member)");
  const kid = jwk.kid ?? (await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
  const publicJwk = publicPartOf(jwk, kid, alg);
  const privateKey = (await importJWK({ ...jwk, alg, ext: false }, alg)) as CryptoKey;
  const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  // A private key whose public half does not match would sign tokens nobody can verify.
  const probe = await new SignJWT({}).setProtectedHeader({ alg }).sign(privateKey);
  await jwtVerify(probe, publicKey).catch(() => {
    throw new Error(`key ${kid}: the private key does not match its public part (x/y)`);
  });
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** A key ring from private JWKs, newest first. Throws on a bad or duplicate key. */
export async function createSigningKeyRing(
  privateJwks: readonly JWK[],
  options: { ephemeral?: boolean } = {},
): Promise<SigningKeyRing> {
  if (privateJwks.length === 0) throw new Error("at least one signing key is needed");
  const keys: SigningKey[] = [];
  for (const [index, jwk] of privateJwks.entries()) {
    const key = await signingKeyFromJwk(jwk).catch((error: Error) => {
      throw new Error(`key ${index + 1}: ${error.message}`);
    });
    if (keys.some((existing) => existing.kid === key.kid)) throw new Error(`kid ${key.kid} is listed twice`);
    keys.push(key);
  }
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  return {
    current: keys[0]!,
    keys,
    ephemeral: options.ephemeral ?? false,
    jwks: () => ({ keys: keys.map((key) => ({ ...key.publicJwk })) }),
    async publicKeyFor({ kid, alg }) {
      const key = byKid.get(kid);
      if (!key) return undefined;
      if (!algorithmsMatch(alg, key.alg)) {
        throw new AuthError(
          "UNAUTHENTICATED",
          "disallowed-algorithm",
          "The sign-in token is not valid. Sign in again.",
        );
      }
      return key.publicKey;
    },
  };
}

/**
 * A new private JWK with its kid (the RFC 7638 thumbprint), for AUTH_SIGNING_KEYS. To rotate, put a
 * new key first and keep the old one listed until every token it signed has expired.
 */
export async function generateSigningKey(alg: SigningAlgorithm = "EdDSA"): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  return { ...jwk, kid, alg };
}

const signingKeysEnvironment = {
  AUTH_SIGNING_KEYS: z.string().optional(),
  AUTH_VERIFICATION_KEYS: z.string().optional(),
  AUTH_JWKS_URL: z.string().url("must be an http(s):// URL of a JWKS").optional(),
  NODE_ENV: envField.nodeEnv(),
};

async function ringFromVariable(value: string): Promise<SigningKeyRing> {
  try {
    const parsed: unknown = JSON.parse(value);
    return await createSigningKeyRing((Array.isArray(parsed) ? parsed : [parsed]) as JWK[]);
  } catch (error) {
    const message = error instanceof SyntaxError ? "is not JSON (expected an array of private JWKs)" : String(error);
    throw new ConfigError([{ variable: "AUTH_SIGNING_KEYS", message: message.replace(/^Error: /, "") }]);
  }
}

export interface LoadSigningKeysOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the warning about an ephemeral key goes; `process.emitWarning` when omitted. */
  logger?: { warn(context: object, message: string): void };
}

/**
 * The gateway's signing keys: AUTH_SIGNING_KEYS (a JSON array of private JWKs, newest first). When
 * it is unset outside production, an ephemeral key is generated and a warning says so; in
 * production it is required (ConfigError).
 */
export async function loadSigningKeys({
  env = process.env,
  logger,
}: LoadSigningKeysOptions = {}): Promise<SigningKeyRing> {
  const config = parseConfig(signingKeysEnvironment, env);
  if (config.AUTH_SIGNING_KEYS) return ringFromVariable(config.AUTH_SIGNING_KEYS);
  if (config.NODE_ENV === "production") {
    throw new ConfigError([
      {
        variable: "AUTH_SIGNING_KEYS",
        message: "is required in production: a JSON array of private JWKs (EdDSA or ES256), newest first",
      },
    ]);
  }
  const ring = await createSigningKeyRing([await generateSigningKey()], { ephemeral: true });
  const warning =
    `AUTH_SIGNING_KEYS is not set: access tokens are signed with an ephemeral key (kid ${ring.current.kid}) ` +
    "generated at start-up. Every token stops verifying when this process restarts.";
  if (logger) logger.warn({ kid: ring.current.kid }, warning);
  else process.emitWarning(warning, { code: "MS5_EPHEMERAL_SIGNING_KEY" });
  return ring;
}

/** Public keys fetched from a JWKS URL (the gateway's), cached, and fetched again for an unseen kid. */
export function remoteVerificationKeys(url: string | URL): VerificationKeys {
  const getKey = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  return {
    async publicKeyFor(header) {
      if (!ACCEPTED_TOKEN_ALGORITHMS.includes(header.alg)) return undefined;
      try {
        return await getKey(header as JWSHeaderParameters);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) return undefined;
        throw error;
      }
    },
  };
}

/**
 * Verification keys from public JWKs only (a JWKS document or an array of keys). A private member
 * (`d`) is refused: a service that only verifies must never hold what signs.
 */
export async function createVerificationKeySet(
  publicJwks: readonly JWK[] | { keys: readonly JWK[] },
): Promise<VerificationKeys> {
  const list = Array.isArray(publicJwks) ? publicJwks : (publicJwks as { keys: readonly JWK[] }).keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error("at least one public key is needed");
  const byKid = new Map<string, { alg: SigningAlgorithm; key: CryptoKey }>();
  for (const [index, jwk] of list.entries()) {
    if (typeof jwk !== "object" || jwk === null) throw new Error(`key ${index + 1}: must be a JWK object`);
    if ("d" in jwk) throw new Error(`key ${index + 1}: is a private key; give this service public keys only`);
    const alg = inferAlgorithm(jwk);
    const kid = jwk.kid ?? (await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
    if (byKid.has(kid)) throw new Error(`kid ${kid} is listed twice`);
    byKid.set(kid, { alg, key: (await importJWK(publicPartOf(jwk, kid, alg), alg)) as CryptoKey });
  }
  return {
    async publicKeyFor({ kid, alg }) {
      const entry = byKid.get(kid);
      if (!entry) return undefined;
      if (!algorithmsMatch(alg, entry.alg)) {
        throw new AuthError(
          "UNAUTHENTICATED",
          "disallowed-algorithm",
          "The sign-in token is not valid. Sign in again.",
        );
      }
      return entry.key;
    },
  };
}

/**
 * A service's keys for verifying access tokens: the gateway's JWKS at AUTH_JWKS_URL, or the public
 * keys in AUTH_VERIFICATION_KEYS (the JWKS document or its keys array). One of them is required.
 * AUTH_SIGNING_KEYS is refused here: only the gateway holds private keys, so a subgraph taken over
 * cannot mint tokens (ConfigError for each case).
 */
export async function loadVerificationKeys({
  env = process.env,
}: {
  env?: NodeJS.ProcessEnv;
} = {}): Promise<VerificationKeys> {
  const config = parseConfig(signingKeysEnvironment, env);
  if (config.AUTH_SIGNING_KEYS) {
    throw new ConfigError([
      {
        variable: "AUTH_SIGNING_KEYS",
        message:
          "holds private signing keys, which only the gateway may hold; give this service AUTH_VERIFICATION_KEYS (the public keys) or AUTH_JWKS_URL",
      },
    ]);
  }
  if (config.AUTH_JWKS_URL) return remoteVerificationKeys(config.AUTH_JWKS_URL);
  if (config.AUTH_VERIFICATION_KEYS) {
    try {
      return await createVerificationKeySet(JSON.parse(config.AUTH_VERIFICATION_KEYS) as JWK[]);
    } catch (error) {
      const message =
        error instanceof SyntaxError ? "is not JSON (expected a JWKS or an array of public JWKs)" : String(error);
      throw new ConfigError([{ variable: "AUTH_VERIFICATION_KEYS", message: message.replace(/^Error: /, "") }]);
    }
  }
  throw new ConfigError([
    {
      variable: "AUTH_JWKS_URL",
      message:
        "is required to verify access tokens: the gateway's JWKS URL (or set AUTH_VERIFICATION_KEYS to its public keys)",
    },
  ]);
}
