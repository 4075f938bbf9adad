// Live events: committed line-state changes through Redis pub/sub to every instance's subscribers.
export * from "./downtime-edited.ts";
export * from "./live-event.ts";
export * from "./live-event-hub.ts";
export * from "./live-event-publisher.ts";
