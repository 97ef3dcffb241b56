/**
 * A WebSocket to a world-ws server that reconnects by itself.
 *
 * States: connecting -> open -> reconnecting (a timer runs, see `retryAt`) -> connecting ... until
 * close() or a refusal that retrying cannot fix (close code 4401), which end in "closed".
 * Backoff is exponential with full jitter: wait random(0, min(maxMs, baseMs * 2^attempt)),
 * so that many clients cut off together do not all come back in the same instant.
 */
export class Connection {
  #ws = null;
  #attempt = 0;
  #retryTimer = 0;
  #heartbeatTimer = 0;
  #lastHeard = 0;
  #nextId = 1;
  #stopped = false;

  /**
   * @param {object} options
   * @param {() => string} options.url called before every attempt, so a new credential is picked up
   * @param {(message: object) => void} options.onMessage every server message, parsed
   * @param {(change: object) => void} options.onState {state, attempt?, retryAt?, code?, reason?, everOpened?}
   * @param {number} [options.baseMs] first backoff ceiling
   * @param {number} [options.maxMs] backoff ceiling cap
   * @param {number} [options.pingMs] app-level ping interval; silence for twice this long drops the socket
   */
  constructor({ url, onMessage, onState, baseMs = 500, maxMs = 15000, pingMs = 20000 }) {
    Object.assign(this, { url, onMessage, onState, baseMs, maxMs, pingMs });
  }

  start() {
    this.#stopped = false;
    this.#open();
  }

  /** Sends one request and returns its id (the server echoes it as `replyTo`), or null when not open. */
  send(type, payload = {}) {
    if (this.#ws?.readyState !== WebSocket.OPEN) return null;
    const id = `r${this.#nextId++}`;
    this.#ws.send(JSON.stringify({ type, id, payload }));
    return id;
  }

  /** The server accepted us (its `connected` message): later drops start the backoff afresh. */
  markHealthy() {
    this.#attempt = 0;
  }

  retryNow() {
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = 0;
      this.#open();
    }
  }

  close(reason = 'Closed.') {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#drop(1000);
    this.onState({ state: 'closed', reason });
  }

  #open() {
    this.onState({ state: 'connecting', attempt: this.#attempt });
    const ws = new WebSocket(this.url());
    let opened = false;
    this.#ws = ws;
    ws.onopen = () => {
      opened = true;
      this.#lastHeard = Date.now();
      this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.pingMs);
      this.onState({ state: 'open' });
    };
    ws.onmessage = (event) => {
      this.#lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // the protocol only has JSON text frames; anything else is not ours to show
      }
      this.onMessage(message);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#drop();
      this.#closed(event.code, event.reason, opened);
    };
  }

  #heartbeat() {
    if (Date.now() - this.#lastHeard > 2 * this.pingMs) {
      // A half-open socket may take minutes to report its close; give up on it now.
      this.#drop();
      this.#closed(4408, 'no answer from the server', true);
      return;
    }
    this.send('ping');
  }

  #drop(code) {
    clearInterval(this.#heartbeatTimer);
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState <= WebSocket.OPEN) ws.close(code);
  }

  #closed(code, reason, everOpened) {
    if (this.#stopped) return;
    if (code === 4401) {
      this.#stopped = true;
      this.onState({ state: 'closed', code, reason: reason || 'the server refused the credential' });
      return;
    }
    // A policy close means we were flooding: come back noticeably later.
    if (code === 1008) this.#attempt += 3;
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.#attempt);
    const delay = Math.round(Math.random() * ceiling);
    this.#attempt++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = 0;
      this.#open();
    }, delay);
    this.onState({ state: 'reconnecting', code, reason, everOpened, attempt: this.#attempt, retryAt: Date.now() + delay });
  }
}
