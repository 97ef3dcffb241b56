'use strict';
// The five load scenarios of issue 6, written once against the adapter interface (adapters.js).
// Every scenario is bounded: a fixed number of connections or sends, a time limit, and timeouts on
// every wait. Latencies are recorded in microseconds in HdrHistogram and reported in milliseconds.
// Chat latencies are measured from the moment a send was *scheduled* (open-loop, fixed rate), so a
// stalled server cannot hide its stalls by slowing the load down (no coordinated omission).

const { performance } = require('node:perf_hooks');
const hdr = require('hdr-histogram-js');

const now = () => performance.now();

function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

function recordMs(h, ms) { h.recordValue(Math.max(1, Math.round(ms * 1000))); }

function summary(h) {
  if (h.totalCount === 0) return { count: 0 };
  const ms = (us) => Math.round(us) / 1000;
  // a percentile is reported as the top of its HdrHistogram bucket, which can lie above the exact maximum
  const at = (p) => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    count: h.totalCount,
    p50: at(50),
    p99: at(99),
    p999: at(99.9),
    max: ms(h.maxValue),
    mean: Math.round(h.mean) / 1000,
  };
}

/** Runs fn over 0..n-1 with at most `concurrency` in flight; stops starting new items after the deadline. */
async function pool(n, concurrency, deadline, fn) {
  let next = 0;
  const errors = {};
  async function worker() {
    while (next < n && now() < deadline) {
      const i = next++;
      try { await fn(i); } catch (e) {
        const key = String(e && e.message || e).replace(/\d+/g, 'N').slice(0, 120);
        errors[key] = (errors[key] || 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { started: next, errors };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function countErrors(errors) { return Object.values(errors).reduce((a, b) => a + b, 0); }

let requestCounter = 0;

class Context {
  /**
   * @param adapter from adapters.js
   * @param opts {template, sources: [loopback addresses], timeoutMs, expectReplies?}
   */
  constructor(adapter, opts) {
    this.adapter = adapter;
    this.template = opts.template;
    this.sources = opts.sources && opts.sources.length ? opts.sources : [undefined];
    this.sourceIndex = 0;
    this.timeoutMs = opts.timeoutMs || 10000;
    this.expectReplies = opts.expectReplies || 0;
    this.completion = opts.completion || 'idle';
    this.agentsSeen = null;
  }

  nextSource() { return this.sources[this.sourceIndex++ % this.sources.length]; }

  /** Opens one connection and waits for `connected`: {client, userId, resumeToken}. */
  async open(resumeToken) {
    const client = await this.adapter.connect({ resumeToken, localAddress: this.nextSource(), timeoutMs: this.timeoutMs });
    try {
      const hello = (await client.waitFor((f) => f.type === 'connected', this.timeoutMs, 'connected')).json().payload || {};
      return { client, userId: hello.userId, resumeToken: hello.resumeToken };
    } catch (e) {
      client.terminate();
      throw e;
    }
  }

  /** world_select, waiting for its world_selected (or error); returns the agents that answer a human. */
  async select(client, worldName) {
    const id = `s${++requestCounter}`;
    client.send({ type: 'world_select', id, payload: { templateName: this.template, worldName } });
    const reply = await client.waitFor((f) => f.replyTo === id && (f.type === 'world_selected' || f.type === 'error'),
      this.timeoutMs, 'world_selected');
    if (reply.type === 'error') {
      const p = reply.json().payload || {};
      throw new Error(`world_select failed: ${p.code} ${p.message}`);
    }
    if (this.agentsSeen === null) {
      const agents = (reply.json().payload || {}).agents || [];
      this.agentsSeen = agents.length;
    }
    return reply;
  }

  /** How many `chat_response` ends (or errors) one human message produces (for completion 'ends'). */
  replies() {
    return this.expectReplies || this.agentsSeen || 1;
  }

  turns(onDone) { return new Turns(this.completion, this.replies(), onDone); }
}

async function closeAll(clients, timeoutMs = 10000) {
  for (const c of clients) c.close();
  await Promise.race([Promise.all(clients.map((c) => c.closed)), sleep(timeoutMs)]);
  for (const c of clients) if (!c.isClosed) c.terminate();
}

function isReplyEnd(f) { return f.type === 'chat_response' && (f.kind === 'end' || f.kind === 'error'); }

/** What a frame means for a conversation turn: the echo of a human message, the world going idle, a reply's end. */
function turnSignal(f) {
  if (f.type === 'event_stream') {
    if (f.raw) {
      if (f.raw.includes('"senderType":"human"')) return 'human';
      if (f.raw.includes('"type":"idle"')) return 'idle';
      return null;
    }
    const p = f.json().payload || {};
    const e = p.event || {};
    if (e.senderType === 'human') return 'human';
    if (e.type === 'idle') return 'idle';
    return null;
  }
  return isReplyEnd(f) ? 'end' : null;
}

/**
 * Tells, for one connection, when each message it knows of has been fully answered. Two ways:
 * - 'idle' (default): a message is answered when the world reports `idle` after the message's echo, i.e. every
 *   agent reply it caused (including agents answering agents) has streamed to its end;
 * - 'ends': after a fixed number of `chat_response` ends (for a server that reports no activity).
 * Entries are {id, scheduled, measured}; onDone(entry) is called once per entry.
 */
class Turns {
  constructor(mode, expectedEnds, onDone) {
    this.mode = mode;
    this.expected = expectedEnds;
    this.onDone = onDone;
    this.queue = [];
    this.acked = 0;
    this.ends = 0;
    this.stray = 0;
  }

  push(entry) { this.queue.push(entry); }

  remove(id) {
    const i = this.queue.findIndex((e) => e.id === id);
    if (i >= 0) { this.queue.splice(i, 1); if (i < this.acked) this.acked--; }
  }

  get pending() { return this.queue.length; }

  onFrame(f) {
    const signal = turnSignal(f);
    if (!signal) return;
    if (this.mode === 'ends') {
      if (signal !== 'end') return;
      if (this.queue.length === 0) { this.stray++; return; }
      if (++this.ends === this.expected) { this.ends = 0; this.onDone(this.queue.shift()); }
      return;
    }
    if (signal === 'human') {
      if (this.acked < this.queue.length) this.acked++; else this.stray++;
    } else if (signal === 'idle') {
      while (this.acked > 0) { this.acked--; this.onDone(this.queue.shift()); }
    }
  }
}

/** Opens `n` users, each in its own private world `${prefix}-i`, `concurrency` at a time. */
async function openUsers(ctx, n, concurrency, prefix, deadline, onEach) {
  const users = [];
  const hConnect = histogram();
  const hSelect = histogram();
  const t0 = now();
  const { errors } = await pool(n, concurrency, deadline, async (i) => {
    const start = now();
    const u = await ctx.open();
    recordMs(hConnect, now() - start);
    try {
      await ctx.select(u.client, `${prefix}-${i}`);
    } catch (e) {
      u.client.terminate();
      throw e;
    }
    recordMs(hSelect, now() - start);
    users.push(u);
    if (onEach) onEach(u, i);
  });
  return { users, seconds: (now() - t0) / 1000, errors, hConnect, hSelect };
}

/** 1. Connect storm: n connections, each its own anonymous user selecting its own world (a real clone). */
async function connectStorm(ctx, { connections = 1000, concurrency = 50, maxSeconds = 60 } = {}) {
  const deadline = now() + maxSeconds * 1000;
  const r = await openUsers(ctx, connections, concurrency, 'storm', deadline);
  await closeAll(r.users.map((u) => u.client));
  return {
    scenario: 'connect_storm', connections, concurrency, ok: r.users.length, errors: r.errors,
    seconds: round(r.seconds), perSecond: round(r.users.length / r.seconds),
    connect: summary(r.hConnect), connectAndSelect: summary(r.hSelect),
  };
}

/**
 * Sends `rate` chat messages per second in total for warmup+seconds, round-robin over `senders`;
 * onSend(k, entry) registers what completion means. Resolves when all sends were made.
 */
function fixedRate(rate, totalSends, send) {
  const interval = 1000 / rate;
  const start = now();
  let k = 0;
  let maxLagMs = 0;
  return new Promise((resolve) => {
    function tick() {
      const t = now();
      while (k < totalSends && start + k * interval <= t) {
        const scheduled = start + k * interval;
        maxLagMs = Math.max(maxLagMs, t - scheduled);
        send(k, scheduled);
        k++;
      }
      if (k < totalSends) setTimeout(tick, Math.max(0, start + k * interval - now()));
      else resolve({ start, sent: k, maxLagMs });
    }
    tick();
  });
}

async function drain(isDone, timeoutMs) {
  const until = now() + timeoutMs;
  while (!isDone() && now() < until) await sleep(20);
}

/**
 * 2. Chat round trip: `users` users each in their own world; `rate` messages per second in total;
 * latency from the scheduled send to the `end` of the last agent's streamed reply.
 */
async function chatRoundTrip(ctx, { users = 1000, rate = 1000, seconds = 10, warmupSeconds = 2, concurrency = 50, maxSeconds = 120 } = {}) {
  const deadline = now() + maxSeconds * 1000;
  const opened = await openUsers(ctx, users, concurrency, 'chat', deadline);
  const all = opened.users;
  if (all.length === 0) return { scenario: 'chat', error: 'no user could connect', errors: opened.errors };
  const h = histogram();
  let frames = 0; let agentErrors = 0; let completed = 0; let replyEnds = 0;
  const rejected = {};
  const bySecond = []; // latencies (ms) by the measured second their message was scheduled in: where the tail comes from
  let warmupEnds = Infinity;
  for (const u of all) {
    u.turns = ctx.turns((entry) => {
      completed++;
      if (entry.measured) {
        const ms = now() - entry.scheduled;
        recordMs(h, ms);
        const second = Math.floor((entry.scheduled - warmupEnds) / 1000);
        (bySecond[second] = bySecond[second] || []).push(ms);
      }
    });
    u.client.onFrame = (f) => {
      frames++;
      if (f.type === 'error') {
        const p = f.json().payload || {};
        rejected[p.code] = (rejected[p.code] || 0) + 1;
        u.turns.remove(f.replyTo);
        return;
      }
      if (isReplyEnd(f)) { replyEnds++; if (f.kind === 'error') agentErrors++; }
      u.turns.onFrame(f);
    };
  }
  warmupEnds = now() + warmupSeconds * 1000;
  const total = Math.round(rate * (warmupSeconds + seconds));
  const sent = await fixedRate(rate, total, (k, scheduled) => {
    const u = all[k % all.length];
    const id = `c${k}`;
    u.turns.push({ id, scheduled, measured: scheduled >= warmupEnds });
    u.client.send({ type: 'chat_send', id, payload: { content: `hello world number ${k}, how are you?` } });
  });
  const sendSeconds = (now() - sent.start) / 1000;
  await drain(() => all.every((u) => u.turns.pending === 0), 10000);
  const lost = all.reduce((a, u) => a + u.turns.pending, 0);
  const stray = all.reduce((a, u) => a + u.turns.stray, 0);
  await closeAll(all.map((u) => u.client));
  return {
    scenario: 'chat', users: all.length, targetRate: rate, seconds, warmupSeconds, completion: ctx.completion,
    repliesPerMessage: round(replyEnds / Math.max(1, sent.sent)),
    sent: sent.sent, achievedRate: round(sent.sent / sendSeconds), completed, lost, rejected, agentErrors, stray,
    framesPerMessage: round(frames / Math.max(1, sent.sent)), maxSendLagMs: round(sent.maxLagMs),
    setupErrors: opened.errors, latency: summary(h), latencyBySecond: perSecond(bySecond),
  };
}

/** Per second of a measured run: messages, p99 and max (ms); shows whether a tail is spread out or one stall. */
function perSecond(bySecond) {
  const rows = [];
  for (let i = 0; i < bySecond.length; i++) {
    const all = (bySecond[i] || []).sort((a, b) => a - b);
    if (all.length === 0) { rows.push({ second: i, count: 0 }); continue; }
    const at = (p) => Math.round(all[Math.min(all.length - 1, Math.ceil(p / 100 * all.length) - 1)] * 1000) / 1000;
    rows.push({ second: i, count: all.length, p50: at(50), p99: at(99), max: at(100) });
  }
  return rows;
}

/**
 * 3. Fan-out: one user, `connections` connections to one world; each message is sent by the next
 * connection in turn and every connection receives the whole streamed reply. Latency: from the scheduled
 * send until the last of the M connections has the end of the last agent's reply.
 */
async function fanOut(ctx, { connections = 20, rate = 50, seconds = 10, warmupSeconds = 2, maxSeconds = 60 } = {}) {
  const deadline = now() + maxSeconds * 1000;
  const first = await ctx.open();
  const conns = [first];
  try {
    const rest = await pool(connections - 1, 5, deadline, async () => { conns.push(await ctx.open(first.resumeToken)); });
    if (countErrors(rest.errors) > 0) throw new Error(`could not open all connections: ${JSON.stringify(rest.errors)}`);
    const others = conns.filter((c) => c.userId !== first.userId).length;
    if (others > 0) throw new Error(`${others} connections were not resumed as the same user: fan-out not measurable`);
    for (const c of conns) await ctx.select(c.client, 'fanout');
  } catch (e) {
    await closeAll(conns.map((c) => c.client));
    return { scenario: 'fanout', connections, error: String(e.message) };
  }
  const hAll = histogram();
  const hEach = histogram();
  let completed = 0;
  const rejected = {};
  const done = (entry) => {
    const t = now();
    if (entry.measured) recordMs(hEach, t - entry.scheduled);
    if (--entry.remaining === 0) { completed++; if (entry.measured) recordMs(hAll, t - entry.scheduled); }
  };
  for (const c of conns) {
    c.turns = ctx.turns(done);
    c.client.onFrame = (f) => {
      if (f.type === 'error') {
        const p = f.json().payload || {};
        rejected[p.code] = (rejected[p.code] || 0) + 1;
        for (const other of conns) other.turns.remove(f.replyTo);
        return;
      }
      c.turns.onFrame(f);
    };
  }
  const warmupEnds = now() + warmupSeconds * 1000;
  const total = Math.round(rate * (warmupSeconds + seconds));
  const sent = await fixedRate(rate, total, (k, scheduled) => {
    const entry = { id: `f${k}`, scheduled, remaining: conns.length, measured: scheduled >= warmupEnds };
    for (const c of conns) c.turns.push(entry);
    conns[k % conns.length].client.send({ type: 'chat_send', id: entry.id, payload: { content: `fan-out message ${k}` } });
  });
  await drain(() => conns.every((c) => c.turns.pending === 0), 10000);
  await closeAll(conns.map((c) => c.client));
  return {
    scenario: 'fanout', connections: conns.length, targetRate: rate, seconds, completion: ctx.completion,
    sent: sent.sent, completed, lost: sent.sent - completed, rejected,
    latencyAll: summary(hAll), latencyEachConnection: summary(hEach),
  };
}

/**
 * 4. Churn: anonymous users connect, select their world, chat once (waiting for every agent's reply)
 * and leave, `concurrency` at a time, for `seconds` or until `maxUsers` have been through.
 */
async function churn(ctx, { seconds = 20, concurrency = 20, maxUsers = 100000, maxSeconds } = {}) {
  const end = now() + seconds * 1000;
  const h = histogram();
  const t0 = now();
  const { started, errors } = await pool(maxUsers, concurrency, end, async () => {
    const start = now();
    const u = await ctx.open();
    try {
      await ctx.select(u.client, 'churn');
      const done = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout waiting for the agents\' replies')), ctx.timeoutMs);
        const turns = ctx.turns(() => { clearTimeout(timer); resolve(); });
        turns.push({ id: 'c1' });
        u.client.onFrame = (f) => turns.onFrame(f);
        u.client.closed.then(() => reject(new Error('closed before the replies')));
      });
      u.client.send({ type: 'chat_send', id: 'c1', payload: { content: 'hello, and goodbye' } });
      await done;
      u.client.close();
      await Promise.race([u.client.closed, sleep(ctx.timeoutMs)]);
      recordMs(h, now() - start);
    } finally {
      if (!u.client.isClosed) u.client.terminate();
    }
  });
  const elapsed = (now() - t0) / 1000;
  return {
    scenario: 'churn', seconds: round(elapsed), concurrency, users: h.totalCount, started,
    usersPerSecond: round(h.totalCount / elapsed), errors, userCycle: summary(h),
  };
}

/**
 * 5. Idle: n connections, each its own user in its own world, held open while `whileOpen()` measures
 * the server (memory per connection is computed by the caller from before/while numbers).
 */
async function idle(ctx, { connections = 10000, concurrency = 100, holdSeconds = 2, maxSeconds = 120, whileOpen } = {}) {
  const deadline = now() + maxSeconds * 1000;
  const r = await openUsers(ctx, connections, concurrency, 'idle', deadline);
  await sleep(holdSeconds * 1000);
  const stillOpen = r.users.filter((u) => !u.client.isClosed).length;
  const measured = whileOpen ? await whileOpen(stillOpen) : undefined;
  await closeAll(r.users.map((u) => u.client), 30000);
  return {
    scenario: 'idle', connections, ok: r.users.length, stillOpen, errors: r.errors,
    openSeconds: round(r.seconds), connectAndSelect: summary(r.hSelect), server: measured,
  };
}

function round(x) { return Math.round(x * 100) / 100; }

module.exports = { Context, connectStorm, chatRoundTrip, fanOut, churn, idle, summary, histogram, recordMs, countErrors };
