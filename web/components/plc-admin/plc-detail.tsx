"use client";
// One PLC's tags: "Test connection" has the bridge connect, read the controller's identity and every
// binding of the equipment read from it, answering per tag with a value or why not; "Keep reading"
// repeats that every few seconds so the values stay live. The tag maps below show each value beside
// its binding and are edited in place.
import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation } from "urql";
import { TagMapEditor } from "@/components/plc-admin/tag-map-editor";
import type {
  PlcAdminPlcFieldsFragment,
  PlcAdminTagMapFieldsFragment,
  TestPlcConnectionMutation as TestPlcConnectionResult,
} from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { TestPlcConnectionMutation } from "@/lib/graphql/plc-admin";

export type ConnectionTest = Extract<
  NonNullable<TestPlcConnectionResult["testPlcConnection"]>,
  { __typename: "MutationTestPlcConnectionSuccess" }
>["data"];

/** How often "Keep reading" asks the bridge again. @default 3000 ms */
export const LIVE_READ_INTERVAL_MS = 3_000;

export function PlcDetail({
  plc,
  tagMaps,
  onChanged,
}: {
  plc: PlcAdminPlcFieldsFragment;
  tagMaps: readonly PlcAdminTagMapFieldsFragment[];
  onChanged: () => void;
}) {
  const [, testConnection] = useMutation(TestPlcConnectionMutation);
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [readAt, setReadAt] = useState<Date | null>(null);
  const [reads, setReads] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState(false);
  const running = useRef(false);
  const plcId = plc.id!;

  const read = useCallback(async () => {
    // One question to the bridge at a time: a slow PLC must not pile up requests.
    if (running.current) return;
    running.current = true;
    setBusy(true);
    const result = await testConnection({ plcId });
    running.current = false;
    setBusy(false);
    const payload = result.data?.testPlcConnection;
    const problem = refusalOf(payload, result.error);
    if (problem || payload?.__typename !== "MutationTestPlcConnectionSuccess") {
      setRefusal(problem?.message ?? "The bridge gave no answer.");
      return;
    }
    setRefusal(null);
    setTest(payload.data);
    setReadAt(new Date());
    setReads((count) => count + 1);
  }, [testConnection, plcId]);

  useEffect(() => {
    if (!live) return;
    void read();
    const timer = setInterval(() => void read(), LIVE_READ_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live, read]);

  const identity = test?.identity;
  const equipment = plc.equipment ?? [];
  return (
    <section className="panel" aria-labelledby="plc-detail-heading" data-testid="plc-detail">
      <h2 id="plc-detail-heading">Tags of {plc.name}</h2>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <button type="button" className="primary" disabled={busy} onClick={() => void read()}>
          Test connection
        </button>
        <button type="button" aria-pressed={live} onClick={() => setLive(!live)}>
          {live ? "Stop reading" : `Keep reading (every ${LIVE_READ_INTERVAL_MS / 1000} s)`}
        </button>
        <span className="muted" aria-live="polite" data-testid="plc-reads" data-reads={reads}>
          {busy ? "Asking the bridge…" : readAt ? `Read at ${readAt.toLocaleTimeString()}` : "Not read yet"}
        </span>
      </div>
      {refusal ? (
        <p className="error" role="alert" data-testid="plc-test-refusal">
          {refusal}
        </p>
      ) : null}
      {test ? (
        <div data-testid="plc-test-result" data-ok={String(test.ok)}>
          {test.ok ? (
            <p>
              ● Connected in {test.ms} ms
              {identity ? (
                <>
                  {" "}
                  to <strong data-testid="plc-identity">{identity.productName}</strong> (revision {identity.revision},
                  serial {identity.serialNumber}, vendor {identity.vendorId}, product code {identity.productCode})
                </>
              ) : (
                <span className="muted"> (this driver does not read the controller's identity)</span>
              )}
            </p>
          ) : (
            <p className="error" role="alert">
              ✕ Not connected: {test.error}
            </p>
          )}
        </div>
      ) : null}
      {equipment.length === 0 ? (
        <p className="muted">No equipment is read from this PLC, so the bridge does not poll it.</p>
      ) : null}
      {tagMaps.map((map) => (
        <TagMapEditor
          key={map.id}
          plc={plc}
          tagMap={map}
          equipment={equipment.filter((item) => item.tagMap?.id === map.id)}
          test={test}
          onChanged={onChanged}
        />
      ))}
    </section>
  );
}
