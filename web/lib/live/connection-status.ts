// What the screen says about the link to the server: online or not (the browser's view), and the
// state of the graphql-ws connection that carries the live data. Screens refetch current state
// each time the link comes back, since events sent while it was down are not replayed.
export type LinkState = "connecting" | "live" | "reconnecting" | "offline";

export interface ConnectionStatus {
  link: LinkState;
  /** Bumped on every reconnection after a drop: screens refetch when it changes. */
  reconnections: number;
  /** Epoch ms of the drop, while down. */
  downSince: number | null;
  /** Attempts since the drop. */
  retries: number;
}

type Listener = () => void;

class ConnectionStatusStore {
  private state: ConnectionStatus = { link: "connecting", reconnections: 0, downSince: null, retries: 0 };
  private listeners = new Set<Listener>();
  private everConnected = false;
  private socketUp = false;
  private browserOnline = typeof navigator === "undefined" ? true : navigator.onLine;

  snapshot = (): ConnectionStatus => this.state;
  serverSnapshot = (): ConnectionStatus => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(patch: Partial<ConnectionStatus>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private derive(extra: Partial<ConnectionStatus> = {}) {
    const link: LinkState = !this.browserOnline
      ? "offline"
      : this.socketUp
        ? "live"
        : this.everConnected
          ? "reconnecting"
          : "connecting";
    const down = link !== "live" && this.everConnected;
    this.update({ link, downSince: down ? (this.state.downSince ?? Date.now()) : null, ...extra });
  }

  socketConnected() {
    const wasDown = this.everConnected && !this.socketUp;
    this.socketUp = true;
    this.everConnected = true;
    this.derive({ retries: 0, ...(wasDown ? { reconnections: this.state.reconnections + 1 } : {}) });
  }

  socketClosed() {
    this.socketUp = false;
    this.derive();
  }

  socketConnecting() {
    if (this.everConnected && !this.socketUp) this.update({ retries: this.state.retries + 1 });
  }

  browserOnlineChanged(online: boolean) {
    this.browserOnline = online;
    this.derive();
  }
}

export const connectionStatus = new ConnectionStatusStore();
