"use client";
// An operator's scrap or rework entry on the line dashboard (scrap:record): how many, why, when the
// units were made and whether the PLC already counted them as rejects. Good units scrapped later move
// from good to reject in the hour they were made; the dashboard's OEE follows through oeeUpdated.
// Loaded apart from the dashboard (next/dynamic) when the operator opens it, so it does not weigh on
// the dashboard's first load.
import { type FormEvent, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import type { ScrapDisposition } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { DefectCodesQuery, RecordScrapMutation } from "@/lib/graphql/quality";

/** "HH:MM" today in the tablet's time, as an instant; null when empty or malformed. */
function madeAtOf(time: string): string | null {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return null;
  const at = new Date();
  at.setHours(Number(match[1]), Number(match[2]), 0, 0);
  return at.toISOString();
}

export function ScrapForm({ lineId, onClose }: { lineId: string; onClose: () => void }) {
  const [quantity, setQuantity] = useState("");
  const [disposition, setDisposition] = useState<ScrapDisposition>("SCRAP");
  const [counted, setCounted] = useState<"good" | "reject" | "">("");
  const [defectCodeId, setDefectCodeId] = useState("");
  const [reason, setReason] = useState("");
  const [madeAt, setMadeAt] = useState("");
  const [duringStartup, setDuringStartup] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [codesResult] = useQuery({ query: DefectCodesQuery });
  const [state, record] = useMutation(RecordScrapMutation);
  const codes = useMemo(
    () =>
      (codesResult.data?.defectCodes ?? []).flatMap((category) =>
        (category.children ?? []).length > 0
          ? (category.children ?? []).map((code) => ({ id: code.id!, name: `${category.name} › ${code.name}` }))
          : [{ id: category.id!, name: category.name ?? category.code ?? "" }],
      ),
    [codesResult.data],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    const count = Number(quantity);
    if (!/^\d+$/.test(quantity.trim()) || count <= 0)
      return setError("The quantity is a whole number of units above zero. Nothing was recorded.");
    if (counted === "") return setError("Say how the PLC counted these units: good or as rejects.");
    if (madeAt && !madeAtOf(madeAt)) return setError("The time the units were made is HH:MM, e.g. 09:40.");
    const result = await record({
      input: {
        lineId,
        quantity: count,
        disposition,
        plcCountedAsReject: counted === "reject",
        defectCodeId: defectCodeId || null,
        reason: reason.trim() || null,
        duringStartup,
        madeAt: madeAt ? madeAtOf(madeAt) : null,
      },
    });
    const refusal = refusalOf(result.data?.recordScrap, result.error);
    if (refusal) return setError(refusal.message);
    setDone(
      `✓ ${count} unit${count === 1 ? "" : "s"} recorded as ${disposition === "SCRAP" ? "scrap" : "rework"}${
        counted === "good" ? ": moved from good to reject in the hour they were made" : " (already PLC rejects)"
      }.`,
    );
    setQuantity("");
    setReason("");
    setCounted("");
  };

  return (
    <form onSubmit={submit} aria-label="Record scrap or rework" data-testid="scrap-form">
      <div className="grid two">
        <div>
          <label htmlFor="scrap-quantity">Units</label>
          <input
            id="scrap-quantity"
            className="measurement"
            inputMode="numeric"
            required
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="scrap-disposition">What happens to them</label>
          <select
            id="scrap-disposition"
            value={disposition}
            onChange={(event) => setDisposition(event.target.value as ScrapDisposition)}
          >
            <option value="SCRAP">Scrap</option>
            <option value="REWORK">Rework</option>
          </select>
        </div>
      </div>
      <fieldset className="sample">
        <legend>The PLC counted these units as</legend>
        <div className="row">
          <button
            type="button"
            aria-pressed={counted === "good"}
            className={counted === "good" ? "primary" : undefined}
            onClick={() => setCounted("good")}
          >
            Good units
          </button>
          <button
            type="button"
            aria-pressed={counted === "reject"}
            className={counted === "reject" ? "primary" : undefined}
            onClick={() => setCounted("reject")}
          >
            Rejects already
          </button>
        </div>
      </fieldset>
      <div className="grid two">
        <div>
          <label htmlFor="scrap-defect">Defect</label>
          <select id="scrap-defect" value={defectCodeId} onChange={(event) => setDefectCodeId(event.target.value)}>
            <option value="">Not given</option>
            {codes.map((code) => (
              <option key={code.id} value={code.id}>
                {code.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="scrap-made-at">Made at (empty: now)</label>
          <input id="scrap-made-at" type="time" value={madeAt} onChange={(event) => setMadeAt(event.target.value)} />
        </div>
      </div>
      <label htmlFor="scrap-reason">Reason</label>
      <input
        id="scrap-reason"
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        style={{ width: "100%" }}
      />
      <label className="row" style={{ minHeight: 44 }}>
        <input type="checkbox" checked={duringStartup} onChange={(event) => setDuringStartup(event.target.checked)} />
        Start-up losses
      </label>
      <div className="row" style={{ marginTop: 8 }}>
        <button type="submit" className="primary" disabled={state.fetching}>
          Record
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="scrap-refusal">
          {error}
        </p>
      ) : null}
      {done ? (
        <p role="status" data-testid="scrap-recorded">
          {done}
        </p>
      ) : null}
    </form>
  );
}
