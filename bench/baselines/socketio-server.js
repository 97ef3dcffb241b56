'use strict';
// Socket.IO baseline: the same job as ws-server.js (world-logic.js), with Socket.IO rooms per user world.
// Messages travel as the event 'msg' carrying the world-ws envelope object.
// Usage: node socketio-server.js --data-dir DIR [--port 0] [--host 127.0.0.1] [--chunks 5] [--chunk-words 4]
const http = require('node:http');
const { Server } = require('socket.io');
const { WorldHub, serverOptions, restHandler, onSignals } = require('./world-logic');

const opts = serverOptions(process.argv.slice(2));
let io;
let theHub;
function hub() {
  if (!theHub) {
    theHub = new WorldHub(opts, {
      join(conn, room) { conn.socket.join(room); },
      leave(conn, room) { conn.socket.leave(room); },
      broadcast(room, envelope) {
        const members = io.sockets.adapter.rooms.get(room);
        if (!members) return 0;
        io.to(room).emit('msg', envelope);
        return members.size;
      },
    });
  }
  return theHub;
}
const server = http.createServer(restHandler(hub()));
io = new Server(server, { path: '/socket.io', maxHttpBufferSize: 64 * 1024, perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => {
  const conn = { id: socket.id, socket, send: (env) => socket.emit('msg', env) };
  hub().open(conn, socket.handshake.query.resumeToken);
  socket.on('msg', (m) => hub().handle(conn, m));
  socket.on('disconnect', () => hub().close(conn));
});
server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  console.log(`Listening on http://${opts.host}:${port}`);
  console.log(`Socket.IO: http://${opts.host}:${port}/socket.io`);
});
onSignals(() => { io.close(); });
