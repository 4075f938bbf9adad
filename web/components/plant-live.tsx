"use client";
// Every line of the plant with live state, kept current by each line's status feeds; shared by the
// line picker, the managers' production overview and the equipment status screen.
import { useEffect, useMemo, useReducer } from "react";
import { useQuery } from "urql";
import type {
  LineEquipmentQuery as LineEquipmentResult,
  LinesOverviewQuery as LinesOverviewResult,
} from "@/lib/graphql/generated/graphql";
import {
  EquipmentStatusChangedSubscription,
  LineEquipmentQuery,
  LineStatusChangedSubscription,
  LinesOverviewQuery,
} from "@/lib/graphql/plant";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

type LineNode = NonNullable<NonNullable<NonNullable<LinesOverviewResult["lines"]>["edges"]>[number]["node"]>;
export type PlantEquipment = NonNullable<NonNullable<LineEquipmentResult["line"]>["equipment"]>[number];
export type PlantLine = LineNode & { equipment: PlantEquipment[] | null };
type EquipmentLive = PlantEquipment["liveState"];

type Action =
  | { type: "load"; lines: LineNode[] }
  | { type: "equipment-load"; lineId: string; equipment: PlantEquipment[] }
  | { type: "line"; id: string; state: LineNode["liveState"] }
  | { type: "equipment"; id: string; state: EquipmentLive };

function reduce(lines: PlantLine[], action: Action): PlantLine[] {
  switch (action.type) {
    case "load": {
      const known = new Map(lines.map((line) => [line.id, line.equipment]));
      return action.lines.map((line) => ({ ...line, equipment: known.get(line.id) ?? null }));
    }
    case "equipment-load":
      return lines.map((line) => (line.id === action.lineId ? { ...line, equipment: action.equipment } : line));
    case "line":
      return lines.map((line) => (line.id === action.id ? { ...line, liveState: action.state } : line));
    case "equipment":
      return lines.map((line) =>
        line.equipment?.some((item) => item.id === action.id)
          ? {
              ...line,
              equipment: line.equipment.map((item) =>
                item.id === action.id ? { ...item, liveState: action.state } : item,
              ),
            }
          : line,
      );
  }
}

/** Loads one line's equipment and follows the line's status feeds; renders nothing. */
function LineFeeds({ lineId, dispatch }: { lineId: string; dispatch: (action: Action) => void }) {
  const variables = useMemo(() => ({ lineId }), [lineId]);
  const [result, reexecute] = useQuery({ query: LineEquipmentQuery, variables, requestPolicy: "network-only" });
  useEffect(() => {
    const equipment = result.data?.line?.equipment;
    if (equipment) dispatch({ type: "equipment-load", lineId, equipment });
  }, [result.data, lineId, dispatch]);
  useRefetchOnReconnect(() => reexecute({ requestPolicy: "network-only" }));
  useLiveEvents(LineStatusChangedSubscription, variables, (data) => {
    if (data.lineStatusChanged?.id)
      dispatch({ type: "line", id: data.lineStatusChanged.id, state: data.lineStatusChanged.liveState });
  });
  useLiveEvents(EquipmentStatusChangedSubscription, variables, (data) => {
    if (data.equipmentStatusChanged?.id)
      dispatch({ type: "equipment", id: data.equipmentStatusChanged.id, state: data.equipmentStatusChanged.liveState });
  });
  return null;
}

/** The plant's lines kept live: the list plus the feeds (elements to render) that move it. */
export function useLivePlant() {
  const [result, reexecute] = useQuery({ query: LinesOverviewQuery, requestPolicy: "network-only" });
  const [lines, dispatch] = useReducer(reduce, []);
  useEffect(() => {
    const loaded = (result.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
    if (result.data) dispatch({ type: "load", lines: loaded });
  }, [result.data]);
  useRefetchOnReconnect(() => reexecute({ requestPolicy: "network-only" }));
  const feeds = lines.map((line) => <LineFeeds key={line.id} lineId={line.id!} dispatch={dispatch} />);
  return { lines, feeds, fetching: result.fetching && lines.length === 0, error: result.error };
}
