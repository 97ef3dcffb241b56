'use strict';
// Minimal Node `ws` baseline: the world-ws job (world-logic.js) over plain `ws`, one room per user world.
// Usage: node ws-server.js --data-dir DIR [--port 0] [--host 127.0.0.1] [--chunks 5] [--chunk-words 4] [--agents N]
const http = require('node:http');
const crypto = require('node:crypto');
const { WebSocketServer } = require('ws');
const { WorldHub, serverOptions, restHandler, onSignals } = require('./world-logic');

const opts = serverOptions(process.argv.slice(2));
const rooms = new Map(); // room -> Set<conn>

const hub = new WorldHub(opts, {
  join(conn, room) {
    let set = rooms.get(room);
    if (!set) rooms.set(room, (set = new Set()));
    set.add(conn);
  },
  leave(conn, room) {
    const set = rooms.get(room);
    if (set && set.delete(conn) && set.size === 0) rooms.delete(room);
  },
  broadcast(room, envelope) {
    const set = rooms.get(room);
    if (!set) return 0;
    const text = JSON.stringify(envelope); // encoded once for the whole room
    for (const conn of set) conn.socket.send(text);
    return set.size;
  },
});

const server = http.createServer(restHandler(hub));
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws') { socket.destroy(); return; }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const conn = { id: crypto.randomUUID(), socket: ws, send: (env) => ws.send(JSON.stringify(env)) };
    hub.open(conn, url.searchParams.get('resumeToken'));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return hub.error(conn, undefined, 'invalid_payload', 'binary frames are not supported');
      hub.handle(conn, data.toString());
    });
    ws.on('close', () => hub.close(conn));
    ws.on('error', () => {});
  });
});
server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  console.log(`Listening on http://${opts.host}:${port}`);
  console.log(`WebSocket: ws://${opts.host}:${port}/ws`);
});
onSignals(() => { for (const c of wss.clients) c.close(1001, 'server shutdown'); server.close(); });
