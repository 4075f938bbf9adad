"use client";
// Picks one line of the plant (remembered for the session's screens that analyse one line).
import { useEffect } from "react";
import { useQuery } from "urql";
import { LinesOverviewQuery } from "@/lib/graphql/plant";

export function LineSelect({ value, onChange }: { value: string | null; onChange: (lineId: string) => void }) {
  const [result] = useQuery({ query: LinesOverviewQuery });
  const lines = (result.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  useEffect(() => {
    if (!value && lines[0]?.id) onChange(lines[0].id);
  }, [value, lines, onChange]);
  return (
    <div className="row">
      <label htmlFor="line-select" style={{ margin: 0 }}>
        Line
      </label>
      <select id="line-select" value={value ?? ""} onChange={(event) => onChange(event.target.value)}>
        {lines.map((line) => (
          <option key={line.id} value={line.id!}>
            {line.name}
          </option>
        ))}
      </select>
    </div>
  );
}
