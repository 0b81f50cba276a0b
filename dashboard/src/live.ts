// Keeping the page current. Where the schema has
// Subscription.commitmentChanged, the page subscribes to it with the
// graphql-transport-ws protocol over a WebSocket on /graphql and refreshes
// on each change. Without it (today's server), or while the socket is down,
// it refreshes when the window regains focus and on a slow poll.

export const POLL_MS = 30_000;
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 60_000;
const DEBOUNCE_MS = 250;

// Any change means "reload what is shown", so the selection asks for
// nothing but __typename: valid whatever the payload type looks like.
export const SUBSCRIPTION = `subscription DashboardCommitmentChanged {
  commitmentChanged { __typename }
}`;

export type LiveMode = "subscription" | "polling" | "connecting";

export interface LiveOptions {
  subscription: boolean;
  refresh: () => void;
  onMode: (mode: LiveMode, detail: string) => void;
  pollMs?: number;
}

export function wsURL(loc: Location = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/graphql`;
}

export function startLive(opts: LiveOptions): () => void {
  const pollMs = opts.pollMs ?? POLL_MS;
  let stopped = false;
  let pollTimer: number | undefined;
  let debounce: number | undefined;
  let socket: WebSocket | null = null;
  let retryMs = RECONNECT_MIN_MS;
  let retryTimer: number | undefined;

  const refreshSoon = () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => !stopped && opts.refresh(), DEBOUNCE_MS);
  };

  const onFocus = () => refreshSoon();
  const onVisible = () => {
    if (document.visibilityState === "visible") refreshSoon();
  };

  const startPolling = (detail: string) => {
    if (pollTimer === undefined) {
      pollTimer = window.setInterval(() => {
        if (document.visibilityState === "visible") opts.refresh();
      }, pollMs);
      window.addEventListener("focus", onFocus);
      document.addEventListener("visibilitychange", onVisible);
    }
    opts.onMode("polling", detail);
  };
  const stopPolling = () => {
    window.clearInterval(pollTimer);
    pollTimer = undefined;
    window.removeEventListener("focus", onFocus);
    document.removeEventListener("visibilitychange", onVisible);
  };

  const connect = () => {
    if (stopped) return;
    opts.onMode("connecting", "connecting to live updates…");
    const ws = new WebSocket(wsURL(), "graphql-transport-ws");
    socket = ws;
    let acked = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
    ws.onmessage = (ev) => {
      let msg: { type?: string; id?: string };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      switch (msg.type) {
        case "connection_ack":
          acked = true;
          retryMs = RECONNECT_MIN_MS;
          ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIPTION } }));
          stopPolling();
          opts.onMode("subscription", "live: updates as commitments change");
          // Anything that changed while the socket was down.
          refreshSoon();
          break;
        case "next":
          refreshSoon();
          break;
        case "ping":
          ws.send(JSON.stringify({ type: "pong" }));
          break;
        case "error":
        case "complete":
          // The server ended the subscription: poll rather than reconnect in a loop.
          ws.close(1000, "subscription ended");
          break;
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      startPolling(`${acked ? "live updates lost" : "live updates unavailable"}; refreshing every ${pollMs / 1000} s and on focus`);
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
  };

  if (opts.subscription && typeof WebSocket !== "undefined") {
    connect();
  } else {
    startPolling(`refreshing every ${pollMs / 1000} s and on window focus (no live subscription on this server yet)`);
  }

  return () => {
    stopped = true;
    stopPolling();
    window.clearTimeout(retryTimer);
    window.clearTimeout(debounce);
    socket?.close(1000, "page closed");
    socket = null;
  };
}
