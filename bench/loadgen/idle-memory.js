#!/usr/bin/env node
'use strict';
// What an idle connection costs a server: starts the server itself, warms it up, then opens N idle connections
// (each its own anonymous user selecting its own world, the load generator's idle scenario) and compares the
// server's memory before and while they are open. Loopback only; bounded in time; stops the server it started.
//
//   node bench/loadgen/idle-memory.js --jar examples/target/world-ws-server.jar --connections 10000 \
//        [--java-opts "-Xmx1g -XX:+UseG1GC"] [--env MALLOC_ARENA_MAX=2] [--histogram 40] [--no-select]
//   node bench/loadgen/idle-memory.js --socketio --connections 10000       (the Socket.IO baseline, same probes)
//
// Probes (before and while open): RSS from /proc/PID/status read before a full collection, right after it and
// --after-gc ms later (G1 gives regions back concurrently); heap used and committed after the collection
// (jcmd GC.run + GC.heap_info for Java; global.gc() via /api/stats?gc=1 for Node). With --histogram N, the N
// classes that grew most per connection (jcmd GC.class_histogram, while open minus before).
// Prints one JSON object; per-connection numbers in KiB under perConnectionKiB.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const S = require('./scenarios');
const { wsAdapter, socketIoAdapter } = require('./adapters');
const { parseArgs } = require('../baselines/world-logic');

const ROOT = path.join(__dirname, '..', '..');
const o = parseArgs(process.argv.slice(2), {
  jar: path.join(ROOT, 'examples/target/world-ws-server.jar'), connections: '2000', javaOpts: '-Xmx1g -XX:+UseG1GC',
  env: '', template: 'coffee-shop', warmup: '1000', hold: '2', afterGc: '3000', histogram: '0', maxSeconds: '600',
});
const SOCKETIO = Boolean(o.socketio);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const javaOpts = String(o.javaOpts).split(/\s+/).filter(Boolean);
const extraEnv = Object.fromEntries(String(o.env).split(',').filter(Boolean).map((kv) => kv.split('=')));

function status(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number((new RegExp(`${k}:\\s+(\\d+)`).exec(s) || [])[1]);
  return { rss: kib('VmRSS'), threads: kib('Threads') };
}
function jcmd(pid, ...command) { return execFileSync('jcmd', [String(pid), ...command], { maxBuffer: 256 << 20, timeout: 60_000 }).toString(); }
function getJson(port, p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

async function probe(server) {
  const beforeGc = status(server.pid).rss;
  let heap;
  if (SOCKETIO) {
    const m = (await getJson(server.port, '/api/stats?gc=1')).memory;
    heap = { used: Math.round(m.heapUsed / 1024), committed: Math.round(m.heapTotal / 1024) };
  } else {
    jcmd(server.pid, 'GC.run');
    const info = jcmd(server.pid, 'GC.heap_info');
    heap = { used: Number(/used (\d+)K/.exec(info)[1]), committed: Number(/total (\d+)K/.exec(info)[1]) };
  }
  const rightAfterGc = status(server.pid).rss;
  await sleep(Number(o.afterGc));
  const settled = status(server.pid);
  return { rssBeforeGc: beforeGc, rssRightAfterGc: rightAfterGc, rssAfterGc: settled.rss, heapUsed: heap.used, heapCommitted: heap.committed, threads: settled.threads };
}

function histogram(pid) {
  const classes = new Map();
  for (const line of jcmd(pid, 'GC.class_histogram').split('\n')) {
    const m = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (m) classes.set(m[3], { instances: Number(m[1]), bytes: Number(m[2]) });
  }
  return classes;
}

function startServer(dataDir) {
  const env = { ...process.env, ...extraEnv };
  const args = SOCKETIO
    ? ['--expose-gc', path.join(__dirname, '../baselines/socketio-server.js'), '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir,
      '--templates-dir', path.join(ROOT, 'examples/src/main/resources/templates'), '--grace-ms', '500']
    : [...javaOpts, '-jar', o.jar, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--anonymous-grace', '500ms'];
  const child = spawn(SOCKETIO ? process.execPath : 'java', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      if (out === null) return;
      out += d;
      const m = /Listening on http:\/\/[^\s:/]+:(\d+)/.exec(out);
      if (m) { out = null; resolve({ child, pid: child.pid, port: Number(m[1]) }); }
    });
    child.on('exit', (code) => { if (out !== null) reject(new Error(`server exited with ${code} before listening`)); });
  });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idle-memory-'));
  const server = await startServer(dataDir);
  const stop = () => { try { server.child.kill('SIGKILL'); } catch (e) { /* gone */ } };
  setTimeout(() => { console.error('idle-memory: time limit reached'); stop(); process.exit(3); }, Number(o.maxSeconds) * 1000).unref();
  try {
    const adapter = SOCKETIO ? socketIoAdapter(`http://127.0.0.1:${server.port}`) : wsAdapter(`ws://127.0.0.1:${server.port}/ws`);
    const sources = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
    // warm-up: classes loaded and code compiled before "before", as after the other scenarios of bench/run.js
    await S.idle(new S.Context(adapter, { template: o.template, sources }), { connections: Number(o.warmup), concurrency: 100, holdSeconds: 0.5 });
    await sleep(3000);
    const before = await probe(server);
    const top = Number(o.histogram);
    const classesBefore = top > 0 && !SOCKETIO ? histogram(server.pid) : null;
    const ctx = new S.Context(adapter, { template: o.template, sources });
    if (o.noSelect) ctx.select = async () => {}; // connections only, no world
    let during;
    let grown;
    const r = await S.idle(ctx, {
      connections: Number(o.connections), concurrency: 100, holdSeconds: Number(o.hold), maxSeconds: 300,
      whileOpen: async (open) => {
        during = await probe(server);
        if (classesBefore) {
          const rows = [];
          for (const [name, now] of histogram(server.pid)) {
            const was = classesBefore.get(name) || { instances: 0, bytes: 0 };
            rows.push({ name, instances: round((now.instances - was.instances) / open), bytes: Math.round((now.bytes - was.bytes) / open) });
          }
          rows.sort((a, b) => b.bytes - a.bytes);
          grown = { totalKiB: round(rows.reduce((sum, x) => sum + x.bytes, 0) / 1024), top: rows.slice(0, top) };
        }
        return { open };
      },
    });
    const open = r.server.open;
    const per = (k) => round((during[k] - before[k]) / open);
    console.log(JSON.stringify({
      server: SOCKETIO ? 'socketio' : 'world-ws', jar: SOCKETIO ? undefined : o.jar, javaOpts: SOCKETIO ? undefined : javaOpts.join(' '),
      env: extraEnv, connections: Number(o.connections), open, errors: r.errors, openSeconds: r.openSeconds,
      loadAverage: fs.readFileSync('/proc/loadavg', 'utf8').trim(), before, during,
      perConnectionKiB: {
        rssBeforeGc: per('rssBeforeGc'), rssRightAfterGc: per('rssRightAfterGc'), rssAfterGc: per('rssAfterGc'),
        heapUsed: per('heapUsed'), heapCommitted: per('heapCommitted'),
      },
      classesPerConnection: grown,
    }, null, 1));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => { const t = setTimeout(() => { stop(); resolve(); }, 15_000); server.child.on('exit', () => { clearTimeout(t); resolve(); }); });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(x) { return Math.round(x * 100) / 100; }

main().then(() => process.exit(0), (e) => { console.error(`idle-memory: ${e.stack || e.message}`); process.exit(1); });
