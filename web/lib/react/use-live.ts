"use client";
// Live data for a screen: a subscription whose events are applied to the screen's state, and a
// refetch of current state each time the link comes back (events missed while down are not resent).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { useEffect, useRef } from "react";
import { useClient } from "urql";
import { useConnectionStatus } from "./stores";

export function useLiveEvents<Data, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables | null,
  onEvent: (data: Data) => void,
) {
  const client = useClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = variables ? JSON.stringify(variables) : null;
  useEffect(() => {
    if (key === null) return;
    const { unsubscribe } = client.subscription(document, JSON.parse(key) as Variables).subscribe((result) => {
      if (result.data) handler.current(result.data);
    });
    return unsubscribe;
  }, [client, document, key]);
}

/** Calls `refetch` after every reconnection (not on the first connection). */
export function useRefetchOnReconnect(refetch: () => void) {
  const { reconnections } = useConnectionStatus();
  const first = useRef(reconnections);
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    if (reconnections !== first.current) latest.current();
  }, [reconnections]);
}
