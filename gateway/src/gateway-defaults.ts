// Every tunable of the gateway in one place: HTTP limits and the GraphQL Armor limits on what one
// operation may ask for. createGateway takes a partial override of each.
import type { TrustedDocumentsMode } from "./trusted-documents.ts";

/** Limits on the shape of one operation, enforced before it is planned (GraphQL Armor). */
export interface OperationLimits {
  /**
   * Deepest selection nesting, fragments expanded (Armor maxDepth). The plant model's deepest real
   * query (site > area > line > equipment > faults > ...) stays well under it. @default 12
   */
  maxDepth: number;
  /** Aliases in one operation: each alias can re-run a field, so many of them multiply the work. @default 15 */
  maxAliases: number;
  /** Lexical tokens in the document; counted while parsing, so a huge document is refused early. @default 2000 */
  maxTokens: number;
  /** Directives in one operation (`@include` / `@skip` spam). @default 25 */
  maxDirectives: number;
  /**
   * Worst-case result size (list-pricing.ts): 1 per object, each list's selection multiplied by its
   * bound (`first`, else the `@listSize` its subgraph declared). A page of 1,000 stops with their
   * equipment and reasons costs ~5,000; fifteen aliases of one are refused. @default 10000
   */
  maxCost: number;
  /** The largest `first` (any slicing argument) a paged list accepts; larger is BAD_USER_INPUT. @default 1000 */
  maxPageSize: number;
  /**
   * What a list field whose subgraph declared no `@listSize` is priced at: fail closed, so a new
   * unbounded list costs like a large one until its owner declares its real bound. @default 100
   */
  undeclaredListSize: number;
}

export interface GatewaySettings {
  /** Interface the server listens on. @default "127.0.0.1" */
  host: string;
  /** Largest request body accepted on /graphql; larger is refused with 413 before parsing. @default 262144 (256 KiB) */
  bodyLimitBytes: number;
  /** Largest body accepted on /auth/*: a login is a few hundred bytes. @default 8192 */
  authBodyLimitBytes: number;
  /** The whole request must arrive within this time (Node's requestTimeout). @default 30000 */
  requestTimeoutMs: number;
  /** The headers must arrive within this time (Node's headersTimeout); slow-loris defence. @default 10000 */
  headersTimeoutMs: number;
  /** Idle keep-alive connections from clients are closed after this. @default 5000 */
  keepAliveTimeoutMs: number;
  /** On close: how long in-flight requests get before their connections are cut. @default 10000 */
  shutdownGracePeriodMs: number;
  /**
   * One call to a subgraph (a query plan's fetch) that has not answered in full by then fails with
   * SERVICE_UNAVAILABLE, so a stuck subgraph cannot hold the gateway's requests until the client's
   * own timeout. Below requestTimeoutMs. @default 15000
   */
  subgraphTimeoutMs: number;
  /**
   * Trusted documents (trusted-documents.ts): `off`, `allow` (document ids resolved, any document
   * still runs) or `enforce` (a person's session runs only the web app's manifest documents;
   * service accounts may send any operation within the limits). `allow` by default so a gateway
   * without a built web app still serves; production deployments set `enforce`.
   * @default "allow"
   */
  trustedDocuments: TrustedDocumentsMode;
  limits: OperationLimits;
}

export const OPERATION_LIMIT_DEFAULTS: Readonly<OperationLimits> = Object.freeze({
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 25,
  maxCost: 10_000,
  maxPageSize: 1000,
  undeclaredListSize: 100,
});

export const GATEWAY_DEFAULTS: Readonly<GatewaySettings> = Object.freeze({
  host: "127.0.0.1",
  bodyLimitBytes: 256 * 1024,
  authBodyLimitBytes: 8 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  shutdownGracePeriodMs: 10_000,
  subgraphTimeoutMs: 15_000,
  trustedDocuments: "allow",
  limits: OPERATION_LIMIT_DEFAULTS,
});

/** The defaults with `overrides` applied (limits merged one level deep). */
export function gatewaySettingsOf(
  overrides: Partial<Omit<GatewaySettings, "limits">> & { limits?: Partial<OperationLimits> } = {},
): GatewaySettings {
  return {
    ...GATEWAY_DEFAULTS,
    ...overrides,
    limits: { ...GATEWAY_DEFAULTS.limits, ...overrides.limits },
  };
}
