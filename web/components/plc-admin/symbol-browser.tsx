"use client";
// "Browse tags" of a Logix controller: the bridge lists its symbols with their types, and picking one
// fills the binding's address (without the equipment's program prefix, which the bridge adds) and type.
import { useState } from "react";
import { useMutation } from "urql";
import type { BrowsePlcSymbolsMutation as BrowseResult, TagType } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { BrowsePlcSymbolsMutation } from "@/lib/graphql/plc-admin";

type PlcSymbol = NonNullable<
  Extract<
    NonNullable<BrowseResult["browsePlcSymbols"]>,
    { __typename: "MutationBrowsePlcSymbolsSuccess" }
  >["data"]["symbols"]
>[number];

const TAG_TYPES: readonly string[] = ["BOOL", "SINT", "INT", "DINT", "LINT", "REAL", "LREAL"];

/** How many matching symbols are listed at once; the filter narrows a big controller's list. @default 50 */
const SHOWN_SYMBOLS = 50;

/** The symbol's address as a binding of equipment under one of `prefixes` reads it. */
export function bindingAddressOf(address: string, prefixes: readonly string[]): string {
  const prefix = prefixes.find((item) => address.startsWith(`${item}.`));
  return prefix ? address.slice(prefix.length + 1) : address;
}

export function SymbolBrowser({
  plcId,
  idPrefix,
  prefixes,
  onPick,
}: {
  plcId: string;
  idPrefix: string;
  prefixes: readonly string[];
  onPick: (pick: { address: string; type?: TagType; length?: number }) => void;
}) {
  const [, browse] = useMutation(BrowsePlcSymbolsMutation);
  const [symbols, setSymbols] = useState<PlcSymbol[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [filter, setFilter] = useState("");
  const load = async () => {
    setBusy(true);
    const result = await browse({ plcId });
    setBusy(false);
    const payload = result.data?.browsePlcSymbols;
    const refusal = refusalOf(payload, result.error);
    if (refusal || payload?.__typename !== "MutationBrowsePlcSymbolsSuccess") {
      setProblem(refusal?.message ?? "The bridge gave no answer.");
      return;
    }
    setProblem(payload.data.error ?? null);
    setSymbols(payload.data.symbols ?? []);
  };
  const needle = filter.trim().toLowerCase();
  const matching = (symbols ?? []).filter((symbol) => !needle || (symbol.address ?? "").toLowerCase().includes(needle));
  return (
    <div data-testid="symbol-browser">
      <button type="button" disabled={busy} onClick={() => void load()}>
        {symbols ? "Browse tags again" : "Browse tags"}
      </button>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      {symbols ? (
        <div>
          <label htmlFor={`${idPrefix}-symbol-filter`}>Filter the controller's {symbols.length} tags</label>
          <input id={`${idPrefix}-symbol-filter`} value={filter} onChange={(event) => setFilter(event.target.value)} />
          <ul className="stack" aria-label="Controller tags" style={{ listStyle: "none", padding: 0 }}>
            {matching.slice(0, SHOWN_SYMBOLS).map((symbol) => (
              <li key={symbol.address}>
                <button
                  type="button"
                  data-testid="symbol"
                  onClick={() =>
                    onPick({
                      address: bindingAddressOf(symbol.address ?? "", prefixes),
                      type: TAG_TYPES.includes(symbol.type ?? "") ? (symbol.type as TagType) : undefined,
                    })
                  }
                >
                  {symbol.address}{" "}
                  <span className="pill">
                    {symbol.type}
                    {symbol.arrayDims ? "[]" : ""}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {matching.length > SHOWN_SYMBOLS ? (
            <p className="muted">{matching.length - SHOWN_SYMBOLS} more: narrow the filter.</p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
