'use strict';
// The job both Node baselines do, written once so that the ws and Socket.IO servers differ only in
// transport: per-user private worlds cloned on disk from a template, a streamed reply from every agent
// for each chat message, every message appended to the world's event file, and anonymous users'
// folders removed a grace period after their last connection leaves.
// It speaks the world-ws JSON envelope (docs/protocol.md) so that one load generator drives all servers.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const crypto = require('node:crypto');

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const WORDS = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut '
  + 'labore et dolore magna aliqua').split(' ');

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) { // --name=value, for values that themselves start with --
      out[a.slice(2, eq).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = a.slice(eq + 1);
      continue;
    }
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else { out[key] = next; i++; }
  }
  return out;
}

function checkLoopbackHost(host) {
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  throw new Error(`refusing to bind ${host}: the baselines listen on loopback only`);
}

/** Options shared by both baseline servers' command lines. */
function serverOptions(argv) {
  const o = parseArgs(argv, {
    host: '127.0.0.1', port: '0', dataDir: '', templatesDir: '',
    chunks: '5', chunkWords: '4', agents: '', replies: '', graceMs: '0', echoMessage: 'true', agentMessage: 'true', activity: 'true',
  });
  checkLoopbackHost(o.host);
  if (!o.dataDir) throw new Error('--data-dir is required');
  if (!o.templatesDir) o.templatesDir = path.join(__dirname, '..', 'fixtures', 'templates');
  return {
    host: o.host, port: Number(o.port), dataDir: path.resolve(o.dataDir), templatesDir: path.resolve(o.templatesDir),
    chunks: Number(o.chunks), chunkWords: Number(o.chunkWords), agents: o.agents === '' ? 0 : Number(o.agents),
    replies: o.replies === '' ? 0 : Number(o.replies),
    graceMs: Number(o.graceMs), echoMessage: o.echoMessage !== 'false', agentMessage: o.agentMessage !== 'false',
    activity: o.activity !== 'false',
  };
}

class WorldHub {
  /**
   * @param opts serverOptions()
   * @param transport {broadcast(roomKey, envelope), join(conn, roomKey), leave(conn, roomKey)}
   */
  constructor(opts, transport) {
    this.opts = opts;
    this.transport = transport;
    this.secret = crypto.randomBytes(32);
    this.users = new Map(); // userId -> {id, conns:Set, worlds:Map<name, world>, timer}
    this.stats = { connections: 0, messagesIn: 0, messagesOut: 0, errors: 0, worldsCloned: 0, usersRemoved: 0 };
    this.templateCache = new Map();
    this.removing = 0;
    this.removalQueue = [];
    fs.mkdirSync(path.join(opts.dataDir, 'users'), { recursive: true });
  }

  resumeToken(userId) {
    const mac = crypto.createHmac('sha256', this.secret).update(userId).digest('base64url');
    return `${userId}.${mac}`;
  }

  userFromToken(token) {
    if (typeof token !== 'string') return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const userId = token.slice(0, dot);
    const expected = Buffer.from(this.resumeToken(userId));
    const given = Buffer.from(token);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? userId : null;
  }

  /** A new connection: resumes the user named by a valid token, otherwise a new anonymous user. */
  open(conn, resumeToken) {
    const userId = this.userFromToken(resumeToken) || `anon-${crypto.randomUUID()}`;
    let user = this.users.get(userId);
    if (!user) {
      user = { id: userId, conns: new Set(), worlds: new Map(), timer: null };
      this.users.set(userId, user);
    }
    if (user.timer) { clearTimeout(user.timer); user.timer = null; }
    user.conns.add(conn);
    conn.user = user;
    conn.world = null;
    this.stats.connections++;
    this.send(conn, { type: 'connected', payload: { clientId: conn.id, userId, anonymous: true, resumeToken: this.resumeToken(userId) } });
  }

  close(conn) {
    const user = conn.user;
    if (!user || !user.conns.delete(conn)) return;
    this.stats.connections--;
    if (conn.world) this.transport.leave(conn, conn.world.room);
    if (user.conns.size > 0) return;
    const remove = () => this.removeUser(user).catch(() => { this.stats.errors++; });
    if (this.opts.graceMs <= 0) remove();
    else user.timer = setTimeout(remove, this.opts.graceMs);
  }

  async removeUser(user) {
    if (user.conns.size > 0 || this.users.get(user.id) !== user) return;
    this.users.delete(user.id);
    for (const w of user.worlds.values()) w.removed = true;
    // a clone or a write still running would recreate files in the folder removed below
    await Promise.allSettled([...user.worlds.values()].map((w) => w.loading));
    await Promise.all([...user.worlds.values()].map((w) => w.writes));
    // thousands of users may leave at once: a few removals at a time, or they run out of file descriptors
    while (this.removing >= 8) await new Promise((r) => this.removalQueue.push(r));
    this.removing++;
    try {
      await fsp.rm(path.join(this.opts.dataDir, 'users', user.id), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      this.stats.usersRemoved++;
    } finally {
      this.removing--;
      const next = this.removalQueue.shift();
      if (next) next();
    }
  }

  send(conn, envelope) {
    this.stats.messagesOut++;
    conn.send(envelope);
  }

  error(conn, replyTo, code, message) {
    this.stats.errors++;
    this.send(conn, { type: 'error', replyTo, timestamp: new Date().toISOString(), payload: { code, message } });
  }

  handle(conn, text) {
    this.stats.messagesIn++;
    let msg;
    try { msg = typeof text === 'string' ? JSON.parse(text) : text; } catch (e) {
      return this.error(conn, undefined, 'invalid_json', 'message is not valid JSON');
    }
    if (!msg || typeof msg !== 'object') return this.error(conn, undefined, 'invalid_json', 'message is not an object');
    const p = msg.payload || {};
    switch (msg.type) {
      case 'world_select': return this.select(conn, msg.id, p).catch((e) => this.error(conn, msg.id, 'internal', String(e.message)));
      case 'chat_send': return this.chat(conn, msg.id, p);
      case 'ping': return this.send(conn, { type: 'pong', replyTo: msg.id, timestamp: new Date().toISOString(), payload: {} });
      default: return this.error(conn, msg.id, 'unknown_type', `unknown type ${msg.type}`);
    }
  }

  async template(name) {
    let t = this.templateCache.get(name);
    if (!t) {
      const dir = path.join(this.opts.templatesDir, name);
      if (!fs.existsSync(path.join(dir, 'config.json'))) return null;
      t = { dir, files: await readTree(dir) };
      this.templateCache.set(name, t);
    }
    return t;
  }

  async select(conn, id, p) {
    const { templateName, worldName } = p;
    if (!NAME.test(templateName || '') || !NAME.test(worldName || '')) {
      return this.error(conn, id, 'invalid_name', 'templateName and worldName must match [A-Za-z0-9_-]{1,64}');
    }
    const user = conn.user;
    let world = user.worlds.get(worldName);
    if (!world) {
      const tpl = await this.template(templateName);
      if (!tpl) return this.error(conn, id, 'template_not_found', `no template ${templateName}`);
      if (this.users.get(user.id) !== user) return undefined; // the user left (and was removed) meanwhile
      world = user.worlds.get(worldName); // another connection of this user may have won the race
      if (!world) {
        const dir = path.join(this.opts.dataDir, 'users', user.id, 'worlds', worldName);
        const loading = this.loadOrClone(tpl, dir, user.id, templateName);
        world = { name: worldName, templateName, dir, room: `${user.id}/${worldName}`, seq: 0, loading, writes: Promise.resolve() };
        user.worlds.set(worldName, world);
      }
    }
    const { config, agents } = await world.loading;
    if (conn.world && conn.world !== world) this.transport.leave(conn, conn.world.room);
    conn.world = world;
    this.transport.join(conn, world.room);
    world.config = config;
    world.agents = this.opts.agents > 0 ? agents.slice(0, this.opts.agents) : agents;
    this.send(conn, { type: 'world_selected', replyTo: id, timestamp: new Date().toISOString(),
      payload: { worldName, templateName, world: config, agents: world.agents } });
  }

  async loadOrClone(tpl, dir, userId, templateName) {
    const configFile = path.join(dir, 'config.json');
    let config;
    try {
      config = JSON.parse(await fsp.readFile(configFile, 'utf8'));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
      // A real copy on disk of the template's files (read once, then kept in memory).
      const dirs = new Set(tpl.files.map((f) => path.dirname(path.join(dir, f.rel))));
      for (const d of dirs) await fsp.mkdir(d, { recursive: true });
      await Promise.all(tpl.files.filter((f) => f.rel !== 'config.json').map((f) => fsp.writeFile(path.join(dir, f.rel), f.data)));
      config = JSON.parse(tpl.files.find((f) => f.rel === 'config.json').data.toString('utf8'));
      config.metadata = { originalTemplate: templateName, clonedFor: userId, clonedAt: new Date().toISOString() };
      await atomicWrite(configFile, JSON.stringify(config, null, 2));
      this.stats.worldsCloned++;
    }
    const agentsDir = path.join(dir, 'agents');
    const names = (await fsp.readdir(agentsDir).catch(() => [])).sort();
    const agents = await Promise.all(names.map(async (n) => JSON.parse(await fsp.readFile(path.join(agentsDir, n, 'config.json'), 'utf8'))));
    await fsp.mkdir(path.join(dir, 'events'), { recursive: true });
    return { config, agents };
  }

  persist(world, chatId, record) {
    if (world.removed) return;
    const file = path.join(world.dir, 'events', `${chatId}.jsonl`);
    const line = JSON.stringify(record) + '\n';
    world.writes = world.writes.then(() => fsp.appendFile(file, line)).catch(() => { this.stats.errors++; });
  }

  event(world, type, payload, replyTo) {
    world.seq++;
    const envelope = { type, seq: world.seq, timestamp: new Date().toISOString(), payload };
    if (replyTo !== undefined) envelope.replyTo = replyTo;
    this.stats.messagesOut += this.transport.broadcast(world.room, envelope) || 0;
  }

  chat(conn, id, p) {
    const world = conn.world;
    if (!world) return this.error(conn, id, 'world_not_selected', 'select a world first');
    if (typeof p.content !== 'string' || p.content.length === 0) return this.error(conn, id, 'invalid_payload', 'content is required');
    const chatId = typeof p.chatId === 'string' && NAME.test(p.chatId) ? p.chatId : 'main';
    const messageId = crypto.randomUUID();
    const now = new Date().toISOString();
    const message = { type: 'message', chatId, messageId, sender: p.sender || 'human', senderType: 'human', content: p.content, timestamp: now };
    this.persist(world, chatId, message);
    if (this.opts.echoMessage) this.event(world, 'event_stream', { eventType: 'message', event: message });
    this.send(conn, { type: 'status', replyTo: id, timestamp: now,
      payload: { type: 'message_accepted', message: 'message accepted', data: { messageId, chatId, seq: world.seq } } });
    // Replies run one after another, like world-ws's per-world actor; each is its own event-loop turn.
    const replies = this.opts.replies > 0 ? this.opts.replies : world.agents.length;
    const next = (i) => {
      if (i < replies && world.agents.length > 0) {
        this.reply(world, world.agents[i % world.agents.length], chatId, messageId, replies - i);
        setImmediate(next, i + 1);
      } else if (this.opts.activity) {
        this.event(world, 'event_stream', { eventType: 'world', event: { type: 'idle', chatId, pendingOperations: 0, activeAgents: [] } });
      }
    };
    setImmediate(next, 0);
  }

  reply(world, agent, chatId, replyToMessageId, pending) {
    const agentName = agent.id || agent.name;
    const messageId = crypto.randomUUID();
    if (this.opts.activity) {
      this.event(world, 'event_stream', { eventType: 'world', event: { type: 'response-start', chatId, pendingOperations: pending, activeAgents: [agentName] } });
    }
    const base = { agentName, messageId, replyToMessageId, chatId };
    this.event(world, 'chat_response', { ...base, kind: 'start', content: '', complete: false });
    let text = '';
    for (let c = 0; c < this.opts.chunks; c++) {
      let chunk = '';
      for (let w = 0; w < this.opts.chunkWords; w++) chunk += WORDS[(c * this.opts.chunkWords + w) % WORDS.length] + ' ';
      text += chunk;
      this.event(world, 'chat_response', { ...base, kind: 'chunk', content: chunk, complete: false });
    }
    this.event(world, 'chat_response', { ...base, kind: 'end', content: text, complete: true });
    const message = { type: 'message', chatId, messageId, sender: agentName, senderType: 'agent', content: text, replyToMessageId, timestamp: new Date().toISOString() };
    this.persist(world, chatId, message);
    if (this.opts.agentMessage) this.event(world, 'event_stream', { eventType: 'message', event: message });
    if (this.opts.activity) {
      this.event(world, 'event_stream', { eventType: 'world', event: { type: 'response-end', chatId, pendingOperations: pending - 1, activeAgents: [agentName] } });
    }
  }

  snapshot() {
    let worlds = 0;
    for (const u of this.users.values()) worlds += u.worlds.size;
    return { ...this.stats, users: this.users.size, worldsLoaded: worlds };
  }
}

async function readTree(root) {
  const files = [];
  async function walk(rel) {
    for (const e of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) files.push({ rel: r, data: await fsp.readFile(path.join(root, r)) });
    }
  }
  await walk('');
  return files;
}

async function atomicWrite(file, text) {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'w');
  try { await fh.writeFile(text); await fh.sync(); } finally { await fh.close(); }
  await fsp.rename(tmp, file);
}

/** Plain HTTP handler for /health and /api/stats (like the reference server's REST side). */
function restHandler(hub) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/health' || url.pathname === '/api/stats') {
      if (url.searchParams.get('gc') === '1' && typeof global.gc === 'function') global.gc();
      const body = url.pathname === '/health'
        ? { status: 'UP', connections: hub.stats.connections }
        : { ...hub.snapshot(), memory: process.memoryUsage() };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  };
}

function onSignals(close) {
  for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { close(); setTimeout(() => process.exit(0), 200).unref(); });
}

module.exports = { WorldHub, serverOptions, restHandler, onSignals, parseArgs };
