"use client";
// The inspector's form for one check: a large input per sample of each variable with its spec limits
// beside it, judged as it is typed (out-of-spec flagged in words, symbol and colour), pass/fail buttons
// for attributes, then recorded and judged by the server; a release check is signed with the password.
import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import type { QualityCheckFieldsFragment } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { RecordMeasurementsMutation, SignReleaseCheckMutation } from "@/lib/graphql/quality";

type Characteristic = NonNullable<NonNullable<QualityCheckFieldsFragment["plan"]>["characteristics"]>[number];

/** What a typed value is against the limits, before anything is sent. */
export type Judgement =
  | { kind: "empty" }
  | { kind: "invalid" }
  | { kind: "below"; limit: number }
  | { kind: "above"; limit: number }
  | { kind: "within" };

export function judge(text: string, lowerSpec: number | null | undefined, upperSpec: number | null | undefined) {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return { kind: "empty" } as const;
  // Number("") and Number("1e") aside, a measurement is a plain finite decimal.
  if (!/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(trimmed)) return { kind: "invalid" } as const;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { kind: "invalid" } as const;
  if (lowerSpec !== null && lowerSpec !== undefined && value < lowerSpec)
    return { kind: "below", limit: lowerSpec } as const;
  if (upperSpec !== null && upperSpec !== undefined && value > upperSpec)
    return { kind: "above", limit: upperSpec } as const;
  return { kind: "within" } as const;
}

function fixed(value: number | null | undefined, decimals: number | null | undefined) {
  return value === null || value === undefined ? "–" : value.toFixed(decimals ?? 2);
}

function keyOf(characteristicId: string, sampleIndex: number) {
  return `${characteristicId}:${sampleIndex}`;
}

/** The values already recorded on the check, as the form's starting text. */
function recordedOf(check: QualityCheckFieldsFragment) {
  const values: Record<string, string> = {};
  const verdicts: Record<string, boolean> = {};
  for (const measurement of check.measurements ?? []) {
    const key = keyOf(measurement.characteristic?.id ?? "", measurement.sampleIndex ?? 0);
    if (measurement.value !== null && measurement.value !== undefined) values[key] = String(measurement.value);
    if (measurement.conforming !== null && measurement.conforming !== undefined) verdicts[key] = measurement.conforming;
  }
  return { values, verdicts };
}

function VariableSample({
  characteristic,
  sampleIndex,
  text,
  recordedWithinSpec,
  disabled,
  onChange,
}: {
  characteristic: Characteristic;
  sampleIndex: number;
  text: string;
  recordedWithinSpec: boolean | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
}) {
  const id = `m-${characteristic.id}-${sampleIndex}`;
  const verdict = judge(text, characteristic.lowerSpec, characteristic.upperSpec);
  const out = verdict.kind === "below" || verdict.kind === "above";
  const flagged = out || verdict.kind === "invalid";
  const unit = characteristic.unit ? ` ${characteristic.unit}` : "";
  return (
    <div className="sample" data-testid="sample" data-judgement={verdict.kind}>
      <label htmlFor={id}>
        {characteristic.name}, sample {sampleIndex + 1}
      </label>
      <input
        id={id}
        className="measurement"
        inputMode="decimal"
        autoComplete="off"
        disabled={disabled}
        value={text}
        aria-invalid={flagged}
        aria-describedby={`${id}-verdict`}
        onChange={(event) => onChange(event.target.value)}
      />
      <div id={`${id}-verdict`} className={flagged ? "error" : "muted"} role={flagged ? "alert" : undefined}>
        {verdict.kind === "invalid" ? "✖ Not a number: type the value measured, e.g. 25.104" : null}
        {verdict.kind === "below"
          ? `✖ Out of spec: below LSL ${fixed(verdict.limit, characteristic.decimals)}${unit}`
          : null}
        {verdict.kind === "above"
          ? `✖ Out of spec: above USL ${fixed(verdict.limit, characteristic.decimals)}${unit}`
          : null}
        {verdict.kind === "within" ? "✓ Within spec" : null}
        {verdict.kind === "empty" ? " " : null}
        {recordedWithinSpec === false && verdict.kind !== "invalid" ? " · recorded out of spec" : null}
      </div>
    </div>
  );
}

function AttributeSample({
  characteristic,
  sampleIndex,
  conforming,
  disabled,
  onChange,
}: {
  characteristic: Characteristic;
  sampleIndex: number;
  conforming: boolean | undefined;
  disabled: boolean;
  onChange: (conforming: boolean) => void;
}) {
  const name = `${characteristic.name}, sample ${sampleIndex + 1}`;
  return (
    <fieldset className="sample" data-testid="attribute-sample">
      <legend>{name}</legend>
      <div className="row">
        <button
          type="button"
          aria-pressed={conforming === true}
          aria-label={`${name}: pass`}
          className={conforming === true ? "primary" : undefined}
          disabled={disabled}
          onClick={() => onChange(true)}
        >
          ✓ Pass
        </button>
        <button
          type="button"
          aria-pressed={conforming === false}
          aria-label={`${name}: fail`}
          className={conforming === false ? "danger" : undefined}
          disabled={disabled}
          onClick={() => onChange(false)}
        >
          ✖ Fail
        </button>
      </div>
    </fieldset>
  );
}

export function CheckForm({
  check,
  canPerform,
  onRecorded,
}: {
  check: QualityCheckFieldsFragment;
  canPerform: boolean;
  /** With the check as the server now has it (or nothing when only its signature changed). */
  onRecorded: (check?: QualityCheckFieldsFragment) => void;
}) {
  const plan = check.plan;
  const characteristics = (plan?.characteristics ?? []).filter((item) => item.active !== false);
  const samples = Math.max(1, plan?.sampleSize ?? 1);
  const [{ values, verdicts }, setForm] = useState(() => recordedOf(check));
  const [refusal, setRefusal] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [secret, setSecret] = useState("");
  const [recordState, record] = useMutation(RecordMeasurementsMutation);
  const [signState, sign] = useMutation(SignReleaseCheckMutation);
  const closed = check.status === "PASSED" || check.status === "FAILED" || check.status === "MISSED";
  const disabled = !canPerform || closed || recordState.fetching;
  const recordedWithin = new Map(
    (check.measurements ?? []).map((m) => [keyOf(m.characteristic?.id ?? "", m.sampleIndex ?? 0), m.withinSpec]),
  );
  const unreadable = characteristics.some(
    (item) =>
      item.type === "VARIABLE" &&
      Array.from({ length: samples }, (_, i) => judge(values[keyOf(item.id!, i)] ?? "", null, null)).some(
        (verdict) => verdict.kind === "invalid",
      ),
  );

  const submit = async (complete: boolean) => {
    setRefusal(null);
    setSaved(null);
    if (unreadable) return setRefusal("A value is not a number: correct the flagged field. Nothing was sent.");
    const measurements = characteristics.flatMap((item) =>
      Array.from({ length: samples }, (_, sampleIndex) => {
        const key = keyOf(item.id!, sampleIndex);
        if (item.type === "VARIABLE") {
          const text = (values[key] ?? "").trim().replace(",", ".");
          return text === "" ? [] : [{ characteristicId: item.id!, sampleIndex, value: Number(text) }];
        }
        const conforming = verdicts[key];
        return conforming === undefined ? [] : [{ characteristicId: item.id!, sampleIndex, conforming }];
      }).flat(),
    );
    const result = await record({ checkId: check.id!, measurements, complete });
    const outcome = refusalOf(result.data?.recordMeasurements, result.error);
    if (outcome) return setRefusal(outcome.message);
    const answer = result.data?.recordMeasurements;
    const updated = answer?.__typename === "MutationRecordMeasurementsSuccess" ? answer.data : null;
    const status = updated?.status ?? null;
    setSaved(
      status === "PASSED"
        ? "✓ Check passed: every value within spec."
        : status === "FAILED"
          ? "✖ Check failed: values out of spec were recorded."
          : "Saved. The check stays open.",
    );
    onRecorded(updated ?? undefined);
  };

  const signCheck = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(null);
    const result = await sign({ checkId: check.id!, secret, meaning: "Released by quality" });
    setSecret("");
    const outcome = refusalOf(result.data?.signReleaseCheck, result.error);
    if (outcome) return setRefusal(outcome.message);
    setSaved("✓ Release check signed.");
    onRecorded();
  };

  return (
    <section className="panel" aria-labelledby="check-heading" data-testid="check-form" data-status={check.status}>
      <div className="row spread">
        <h2 id="check-heading">{plan?.name}</h2>
        <span className="pill" data-testid="check-status">
          {check.status === "PASSED" ? "✓ " : check.status === "FAILED" ? "✖ " : ""}
          {check.status?.replace("_", " ").toLowerCase()}
        </span>
      </div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit(true);
        }}
      >
        {characteristics.map((item) => (
          <div key={item.id} className="characteristic" data-testid="characteristic" data-name={item.name}>
            <h3>{item.name}</h3>
            {item.type === "VARIABLE" ? (
              <p className="limits" data-testid="limits">
                LSL <strong>{fixed(item.lowerSpec, item.decimals)}</strong> · nominal{" "}
                <strong>{fixed(item.nominal, item.decimals)}</strong> · USL{" "}
                <strong>{fixed(item.upperSpec, item.decimals)}</strong> {item.unit}
              </p>
            ) : (
              <p className="limits muted">Pass or fail each sample.</p>
            )}
            <div className="samples">
              {Array.from({ length: samples }, (_, sampleIndex) => {
                const key = keyOf(item.id!, sampleIndex);
                return item.type === "VARIABLE" ? (
                  <VariableSample
                    key={key}
                    characteristic={item}
                    sampleIndex={sampleIndex}
                    text={values[key] ?? ""}
                    recordedWithinSpec={recordedWithin.get(key) ?? undefined}
                    disabled={disabled}
                    onChange={(text) => setForm((form) => ({ ...form, values: { ...form.values, [key]: text } }))}
                  />
                ) : (
                  <AttributeSample
                    key={key}
                    characteristic={item}
                    sampleIndex={sampleIndex}
                    conforming={verdicts[key]}
                    disabled={disabled}
                    onChange={(conforming) =>
                      setForm((form) => ({ ...form, verdicts: { ...form.verdicts, [key]: conforming } }))
                    }
                  />
                );
              })}
            </div>
          </div>
        ))}
        {canPerform && !closed ? (
          <div className="row" style={{ marginTop: 12 }}>
            <button type="submit" className="primary" disabled={disabled}>
              Record and complete check
            </button>
            <button type="button" disabled={disabled} onClick={() => void submit(false)}>
              Save, keep open
            </button>
          </div>
        ) : null}
      </form>
      {canPerform && plan?.requiresSignature && !check.signedAt && check.status === "PASSED" ? (
        <form onSubmit={signCheck} className="row" style={{ marginTop: 12, alignItems: "flex-end" }}>
          <div>
            <label htmlFor="release-secret">Sign the release: your password or PIN</label>
            <input
              id="release-secret"
              type="password"
              autoComplete="current-password"
              required
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
            />
          </div>
          <button type="submit" className="primary" disabled={signState.fetching}>
            Sign release
          </button>
        </form>
      ) : null}
      {check.signedAt ? <p>✓ Signed {new Date(check.signedAt).toLocaleString()}</p> : null}
      {refusal ? (
        <p className="error" role="alert" data-testid="check-refusal">
          {refusal}
        </p>
      ) : null}
      {saved ? (
        <p role="status" data-testid="check-saved">
          {saved}
        </p>
      ) : null}
    </section>
  );
}
