'use strict';
// Two client transports behind one small interface, so that every scenario drives world-ws, the Node
// `ws` baseline and the Socket.IO baseline the same way:
//   const c = await adapter.connect({ resumeToken, localAddress, timeoutMs });
//   c.onFrame = (frame) => {...}   // frame: {type, replyTo?, payload, ...} (lazily parsed, see below)
//   c.send(envelope); c.close(); await c.closed;
// A frame is delivered as {raw, type, kind, replyTo, json()}: the hot fields come from a cheap string scan
// so that the client is not the bottleneck at tens of thousands of frames per second; json() parses it all.

const WebSocket = require('ws');
const { io } = require('socket.io-client');
const { assertLoopbackUrl } = require('./guard');

function field(raw, name) {
  const key = `"${name}":"`;
  const i = raw.indexOf(key);
  if (i < 0) return undefined;
  const start = i + key.length;
  return raw.slice(start, raw.indexOf('"', start));
}

function textFrame(raw) {
  // The scan is only trusted when the envelope's own "type" comes first; otherwise parse it all.
  if (!raw.startsWith('{"type":"')) return objectFrame(JSON.parse(raw));
  let parsed;
  const type = field(raw, 'type');
  return {
    raw,
    type,
    kind: type === 'chat_response' ? field(raw, 'kind') : undefined,
    replyTo: field(raw, 'replyTo'),
    json() { return parsed || (parsed = JSON.parse(raw)); },
  };
}

function objectFrame(obj) {
  return {
    raw: null,
    type: obj.type,
    kind: obj.payload && obj.payload.kind,
    replyTo: obj.replyTo,
    json() { return obj; },
  };
}

class Client {
  constructor() {
    this.onFrame = null;
    this.waiters = [];
    this.backlog = [];
    let resolveClosed;
    this.closed = new Promise((r) => { resolveClosed = r; });
    this.markClosed = (why) => { this.isClosed = true; resolveClosed(why); this.failWaiters(new Error(`connection closed: ${why}`)); };
    this.isClosed = false;
  }

  dispatch(frame) {
    if (this.waiters.length) {
      for (let i = 0; i < this.waiters.length; i++) {
        const w = this.waiters[i];
        if (w.test(frame)) { this.waiters.splice(i, 1); clearTimeout(w.timer); w.resolve(frame); return; }
      }
    }
    if (this.onFrame) this.onFrame(frame);
    // A frame can arrive in the same read as the handshake, before anyone waits for it: keep a few.
    else if (this.backlog.length < 64) this.backlog.push(frame);
  }

  /** Resolves with the first frame matching test (frames it takes are not given to onFrame). */
  waitFor(test, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const i = this.backlog.findIndex(test);
      if (i >= 0) { resolve(this.backlog.splice(i, 1)[0]); return; }
      if (this.isClosed) { reject(new Error(`connection closed before ${what}`)); return; }
      const w = { test, resolve, reject };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`timeout after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  failWaiters(err) {
    const ws = this.waiters.splice(0);
    for (const w of ws) { clearTimeout(w.timer); w.reject(err); }
  }
}

/** Plain WebSocket (world-ws and the Node `ws` baseline): wsUrl like ws://127.0.0.1:8080/ws */
function wsAdapter(wsUrl) {
  assertLoopbackUrl(wsUrl);
  return {
    name: 'ws',
    connect({ resumeToken, localAddress, timeoutMs = 10000, query = {} } = {}) {
      const url = new URL(wsUrl);
      if (resumeToken) url.searchParams.set('resumeToken', resumeToken);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      return new Promise((resolve, reject) => {
        const c = new Client();
        const socket = new WebSocket(url.toString(), { perMessageDeflate: false, handshakeTimeout: timeoutMs, localAddress });
        c.socket = socket;
        c.send = (env) => socket.send(JSON.stringify(env));
        c.close = () => { if (socket.readyState === WebSocket.CONNECTING) socket.terminate(); else socket.close(1000); };
        c.terminate = () => socket.terminate();
        socket.on('message', (data, isBinary) => { if (!isBinary) c.dispatch(textFrame(data.toString())); });
        socket.once('open', () => resolve(c));
        socket.once('error', (e) => { reject(e); });
        socket.once('close', (code) => c.markClosed(code));
      });
    },
  };
}

/** Socket.IO (the Socket.IO baseline), websocket transport only: baseUrl like http://127.0.0.1:3000 */
function socketIoAdapter(baseUrl) {
  assertLoopbackUrl(baseUrl);
  return {
    name: 'socketio',
    connect({ resumeToken, localAddress, timeoutMs = 10000 } = {}) {
      return new Promise((resolve, reject) => {
        const c = new Client();
        const socket = io(baseUrl, {
          path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs,
          query: resumeToken ? { resumeToken } : {}, localAddress, perMessageDeflate: false,
        });
        c.socket = socket;
        c.send = (env) => socket.emit('msg', env);
        c.close = () => socket.disconnect();
        c.terminate = () => socket.disconnect();
        // Socket.IO delivers decoded objects; its own JSON parse is part of its cost.
        socket.on('msg', (obj) => c.dispatch(objectFrame(obj)));
        socket.once('connect', () => resolve(c));
        socket.once('connect_error', (e) => { socket.disconnect(); reject(e); });
        socket.once('disconnect', (why) => c.markClosed(why));
      });
    },
  };
}

module.exports = { wsAdapter, socketIoAdapter, textFrame };
