// The link state the banner shows and the reconnection count screens refetch on.
import { describe, expect, it } from "vitest";
import { connectionStatus } from "../lib/live/connection-status.ts";

describe("the connection status", () => {
  it("is connecting before the first connection, and a first connection is not a reconnection", () => {
    expect(connectionStatus.snapshot().link).toBe("connecting");
    connectionStatus.socketConnected();
    expect(connectionStatus.snapshot()).toMatchObject({ link: "live", reconnections: 0, downSince: null });
  });

  it("says reconnecting at once when the socket drops, counts the attempts, and counts the recovery", () => {
    connectionStatus.socketClosed();
    expect(connectionStatus.snapshot().link).toBe("reconnecting");
    expect(connectionStatus.snapshot().downSince).not.toBeNull();
    connectionStatus.socketConnecting();
    connectionStatus.socketConnecting();
    expect(connectionStatus.snapshot().retries).toBe(2);
    connectionStatus.socketConnected();
    expect(connectionStatus.snapshot()).toMatchObject({ link: "live", reconnections: 1, retries: 0, downSince: null });
  });

  it("says offline while the browser has no network, whatever the socket thinks", () => {
    connectionStatus.browserOnlineChanged(false);
    expect(connectionStatus.snapshot().link).toBe("offline");
    connectionStatus.browserOnlineChanged(true);
    expect(connectionStatus.snapshot().link).toBe("live");
  });

  it("tells its listeners of every change and stops when they unsubscribe", () => {
    let calls = 0;
    const unsubscribe = connectionStatus.subscribe(() => calls++);
    connectionStatus.socketClosed();
    unsubscribe();
    connectionStatus.socketConnected();
    expect(calls).toBe(1);
  });
});
