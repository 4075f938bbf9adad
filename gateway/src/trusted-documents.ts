// Trusted documents: the persisted-documents manifest codegen writes for the web app
// (web/lib/graphql/generated/persisted-documents.json, `"sha256:<hex>": "<document>"`), resolved
// from a request's document id and, when enforced, the only documents a user's session may run.
// Integrators (verified service accounts) keep sending arbitrary operations within the operation
// limits: an allowlist cannot know an ERP's queries in advance, and their keys are scoped anyway.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

/**
 * - `off`: the manifest is not read; a request must carry its document text.
 * - `allow`: document ids are resolved from the manifest; any caller may still send any document.
 * - `enforce`: as `allow`, and a caller that is not a verified service account may only run
 *   documents of the manifest (by id, or by sending exactly a manifest document's text).
 */
export const TRUSTED_DOCUMENTS_MODES = ["off", "allow", "enforce"] as const;
export type TrustedDocumentsMode = (typeof TRUSTED_DOCUMENTS_MODES)[number];

/** Hex sha256 of a document's exact text (the manifest's key without its `sha256:` prefix). */
export function documentHash(document: string): string {
  return createHash("sha256").update(document).digest("hex");
}

const MANIFEST_KEY = /^(?:sha256:)?([0-9a-f]{64})$/;

/** The manifest, checked: every key is the sha256 of its document, so a hand-edited entry is caught. */
export class TrustedDocuments {
  private readonly byHash: ReadonlyMap<string, string>;

  constructor(manifest: Readonly<Record<string, unknown>>) {
    const byHash = new Map<string, string>();
    for (const [key, document] of Object.entries(manifest)) {
      const hash = MANIFEST_KEY.exec(key)?.[1];
      if (!hash) throw new Error(`trusted documents: "${key}" is not a sha256 document id`);
      if (typeof document !== "string") throw new Error(`trusted documents: the entry "${key}" is not a document`);
      if (documentHash(document) !== hash) {
        throw new Error(`trusted documents: the entry "${key}" does not hash to its id (edited by hand?)`);
      }
      byHash.set(hash, document);
    }
    this.byHash = byHash;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The document of a hex hash, if trusted. */
  documentOf(hash: string): string | undefined {
    return this.byHash.get(hash);
  }

  /** Whether `document` is, byte for byte, one of the manifest's documents. */
  includes(document: string): boolean {
    return this.byHash.get(documentHash(document)) === document;
  }
}

/** Reads and checks a manifest file; a missing or malformed file throws naming the file. */
export async function readTrustedDocuments(file: string): Promise<TrustedDocuments> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`trusted documents: cannot read ${file} (${(error as Error).message}); run \`pnpm codegen\``);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`trusted documents: ${file} is not JSON`);
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new Error(`trusted documents: ${file} is not an object of document id to document`);
  }
  return new TrustedDocuments(manifest as Record<string, unknown>);
}

/** The parts of a GraphQL request (HTTP body, GET parameters or graphql-ws payload) this looks at. */
export interface TrustedDocumentRequest {
  query?: unknown;
  /** GraphQL over HTTP's persisted documents: `"sha256:<hex>"` (a bare hex hash is accepted too). */
  documentId?: unknown;
  /** Apollo's form: `{ persistedQuery: { version: 1, sha256Hash: "<hex>" } }`. */
  extensions?: unknown;
}

export type TrustedDocumentOutcome =
  /** Run `query` (the sent text or the manifest's); `extensions` without `persistedQuery`. */
  | { kind: "run"; query: string; extensions: Record<string, unknown> | undefined }
  | { kind: "refused"; code: "PERSISTED_QUERY_NOT_FOUND" | "BAD_USER_INPUT"; message: string };

function persistedHashOf(request: TrustedDocumentRequest): { hash: string } | { malformed: string } | undefined {
  const persistedQuery =
    request.extensions !== null && typeof request.extensions === "object"
      ? (request.extensions as { persistedQuery?: unknown }).persistedQuery
      : undefined;
  const sent =
    request.documentId ??
    (persistedQuery !== null && typeof persistedQuery === "object"
      ? (persistedQuery as { sha256Hash?: unknown }).sha256Hash
      : persistedQuery);
  if (sent === undefined || sent === null) return undefined;
  const hash = typeof sent === "string" ? MANIFEST_KEY.exec(sent.toLowerCase())?.[1] : undefined;
  return hash ? { hash } : { malformed: "The document id must be sha256:<64 hex digits>." };
}

function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (extensions === null || typeof extensions !== "object" || Array.isArray(extensions)) return undefined;
  const { persistedQuery: _persistedQuery, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export interface TrustedDocumentPolicy {
  mode: TrustedDocumentsMode;
  /** Required unless mode is `off`. */
  documents?: TrustedDocuments;
}

const NOT_TRUSTED =
  "This operation is not one of the app's trusted documents. Send a document id from the persisted-documents manifest; integrations use an API key.";

/**
 * What to run for `request`, or why not. `arbitraryAllowed` says whether the caller is a verified
 * service account (its credential was checked before this is asked).
 */
export function resolveTrustedDocument(
  policy: TrustedDocumentPolicy,
  request: TrustedDocumentRequest,
  arbitraryAllowed: boolean,
): TrustedDocumentOutcome {
  const query = typeof request.query === "string" && request.query.trim() !== "" ? request.query : undefined;
  const extensions = withoutPersistedQuery(request.extensions);
  const persisted = persistedHashOf(request);
  if (persisted) {
    if ("malformed" in persisted) return { kind: "refused", code: "BAD_USER_INPUT", message: persisted.malformed };
    if (query !== undefined) {
      // Both sent: the text decides, and it must be the document the id names.
      if (documentHash(query) !== persisted.hash) {
        return { kind: "refused", code: "BAD_USER_INPUT", message: "The query does not match its document id." };
      }
    } else {
      const document = policy.mode === "off" ? undefined : policy.documents?.documentOf(persisted.hash);
      if (document === undefined) {
        return {
          kind: "refused",
          code: "PERSISTED_QUERY_NOT_FOUND",
          message:
            policy.mode === "off"
              ? "This server does not serve persisted documents; send the query text."
              : "No trusted document has this id; the app may be newer than the server.",
        };
      }
      return { kind: "run", query: document, extensions };
    }
  }
  if (query === undefined) {
    return { kind: "refused", code: "BAD_USER_INPUT", message: "Send a query or a document id." };
  }
  if (policy.mode === "enforce" && !arbitraryAllowed && !policy.documents?.includes(query)) {
    return { kind: "refused", code: "PERSISTED_QUERY_NOT_FOUND", message: NOT_TRUSTED };
  }
  return { kind: "run", query, extensions };
}
