// What the escalation engine needs from the notification side: the dispatcher interface the
// notifications module implements (../notifications/), restated here so the engine depends only on
// its shape.

export type DispatchChannel = "IN_APP" | "EMAIL" | "SMS";

export interface DispatchInput {
  recipientUserIds: string[];
  channels: DispatchChannel[];
  subject: string;
  body: string;
  andonEventId?: string;
  escalationId?: string;
  level?: number;
  /**
   * Stable per fired level or reminder: a retried fire (after a crash or a lost lease) sends the
   * same key, and the dispatcher delivers a key once.
   */
  dedupeKey: string;
}

export interface EscalationDispatcher {
  dispatch(input: DispatchInput): Promise<void>;
}
