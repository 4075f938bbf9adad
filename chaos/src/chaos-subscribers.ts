// Live subscribers through the gateway, as tablets are: each holds equipmentStatusChanged for every
// line, reconnects when the gateway goes away and subscribes again when a subscription ends, and
// keeps the last state it was told per equipment.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const EQUIPMENT_STATUS = `subscription ($lineId: ID!) { equipmentStatusChanged(lineId: $lineId) { code liveState { state } } }`;

export interface ChaosSubscriber {
  lastState: Map<string, string>;
  events: number;
  resubscribes: number;
  close(): Promise<void>;
}

export async function signIn(gatewayUrl: string, login: string, password: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (!body.accessToken) throw new Error(`sign-in as ${login} failed: ${response.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

export function startSubscriber(gatewayUrl: string, token: string, lineIds: readonly string[]): ChaosSubscriber {
  const client = createClient({
    url: `${gatewayUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 500)),
    lazy: false,
  });
  const subscriber: ChaosSubscriber = {
    lastState: new Map(),
    events: 0,
    resubscribes: 0,
    close: async () => {
      closed = true;
      for (const stop of stops.values()) stop();
      await client.dispose();
    },
  };
  let closed = false;
  const stops = new Map<string, () => void>();
  const subscribe = (lineId: string) => {
    stops.set(
      lineId,
      client.subscribe<{ equipmentStatusChanged: { code: string; liveState: { state: string } | null } | null }>(
        { query: EQUIPMENT_STATUS, variables: { lineId } },
        {
          next: ({ data }) => {
            const equipment = data?.equipmentStatusChanged;
            if (!equipment?.liveState) return;
            subscriber.events++;
            subscriber.lastState.set(equipment.code, equipment.liveState.state);
          },
          // An ended subscription (its subgraph went away) is taken up again, as a tablet would.
          error: () => again(lineId),
          complete: () => again(lineId),
        },
      ),
    );
  };
  const again = (lineId: string) => {
    if (closed) return;
    subscriber.resubscribes++;
    setTimeout(() => {
      if (!closed) subscribe(lineId);
    }, 1_000);
  };
  for (const lineId of lineIds) subscribe(lineId);
  return subscriber;
}
