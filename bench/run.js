#!/usr/bin/env node
'use strict';
// Runs the whole suite side by side: world-ws (the reference server jar), the Node `ws` baseline and the
// Socket.IO baseline, each started on a free loopback port with a fresh data folder, each driven with
// the same scenarios and the same load, then stopped. Writes bench/results/<stamp>.json and .md (and
// latest.json / latest.md). Use bench/run.sh, which raises the open-files limit first.
//
//   node bench/run.js [--quick] [--servers ours,ws,socketio] [--jar examples/target/world-ws-server.jar]
//                     [--template NAME] [--java PATH (default: java on the PATH)] [--java-opts "-Xmx1g"] [--ours-args="--durability write-back" (the default)]
//                     [--fsync-chat true|false] (chat once more with --durability fsync) [--warm-seconds S]
//                     [--compare-jar PATH] (chat once more on another world-ws jar, say the previous commit's: same flags, same run)
//                     [--idle N] [--churn-seconds S] [--churn-users N] [--out DIR] [--max-minutes M]
//                     [--keep] (keep the work folder) [--storm N] [--chat-users N] [--chat-rates R1,R2] [--chat-seconds S] [--fan-rate R]
//                     [--disk-rest S] (sync and rest before each server's storm; 35 s, 0 with --quick)
//
// Everything runs on 127.0.0.0/8, bounded in count and time; a watchdog ends the run (and every server
// it started) after --max-minutes whatever happens.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn, execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { parseArgs } = require('./baselines/world-logic');
const { wsAdapter, socketIoAdapter } = require('./loadgen/adapters');
const { assertLoopbackSources } = require('./loadgen/guard');
const { GC_LOG, gcPauses: pausesInLog } = require('./gc-pauses');
const { JAVA_OPTS } = require('./jvm-flags');
const S = require('./loadgen/scenarios');

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const o = parseArgs(process.argv.slice(2), {
  servers: 'ours,ws,socketio', java: 'java', jar: path.join(ROOT, 'examples/target/world-ws-server.jar'),
  template: '', javaOpts: JAVA_OPTS, mallocArenas: '2', oursArgs: '--durability write-back', fsyncChat: 'true', out: path.join(__dirname, 'results'),
  sources: '127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4', maxMinutes: '', graceMs: '500',
});

// jcmd of the same JDK as the server (a JDK's jcmd may not attach to another release's JVM)
const JCMD = o.java === 'java' ? 'jcmd' : path.join(path.dirname(o.java), 'jcmd');

const QUICK = Boolean(o.quick);
const P = QUICK
  ? { storm: 100, chatUsers: 100, chatRates: [200, 400], chatSeconds: 2, warmup: 1, warmRate: 200, warmSeconds: 3, fanConns: 20, fanRate: 10, fanSeconds: 2,
    churnSeconds: 3, churnUsers: 100000, idle: 300, diskRest: 0, maxMinutes: 5 }
  : { storm: 1000, chatUsers: 1000, chatRates: [1000, 2000], chatSeconds: 10, warmup: 2, warmRate: 500, warmSeconds: 20, fanConns: 20, fanRate: 10, fanSeconds: 10,
    churnSeconds: 20, churnUsers: 100000, idle: 10000, diskRest: 35, maxMinutes: 20 };
if (o.idle) P.idle = Number(o.idle);
if (o.storm) P.storm = Number(o.storm);
if (o.chatUsers) P.chatUsers = Number(o.chatUsers);
if (o.chatRates) P.chatRates = String(o.chatRates).split(',').map(Number);
if (o.chatSeconds) P.chatSeconds = Number(o.chatSeconds);
if (o.fanRate) P.fanRate = Number(o.fanRate);
if (o.warmSeconds !== undefined) P.warmSeconds = Number(o.warmSeconds);
if (o.churnSeconds) P.churnSeconds = Number(o.churnSeconds);
if (o.churnUsers) P.churnUsers = Number(o.churnUsers);
if (o.maxMinutes) P.maxMinutes = Number(o.maxMinutes);
if (o.diskRest !== undefined) P.diskRest = Number(o.diskRest);
// How the load generator knows a message was fully answered (loadgen/scenarios.js, Turns); set by calibration.
const RUN = { completion: 'idle', expectReplies: 0 };
const SOURCES = assertLoopbackSources(String(o.sources).split(','));

const started = new Set();
function stopAll() { for (const child of started) { try { child.kill('SIGKILL'); } catch (e) { /* already gone */ } } }
const watchdog = setTimeout(() => {
  console.error(`run: ${P.maxMinutes} minute limit reached, stopping every server and exiting`);
  stopAll();
  process.exit(3);
}, P.maxMinutes * 60_000);
watchdog.unref();
process.on('SIGINT', () => { stopAll(); process.exit(130); });
process.on('SIGTERM', () => { stopAll(); process.exit(143); });

const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function templatesRoot() {
  const sample = path.join(ROOT, 'examples/src/main/resources/templates');
  return fs.existsSync(sample) && fs.readdirSync(sample).some((d) => fs.existsSync(path.join(sample, d, 'config.json')))
    ? sample : path.join(__dirname, 'fixtures/templates');
}

function pickTemplate(root) {
  if (o.template) return o.template;
  const names = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'config.json'))).sort();
  return names[0];
}

// ---------------------------------------------------------------- servers

function startServer(name, cmd, args, logFile) {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(logFile);
    // the JVM gets glibc's arena limit that docs/integration.md recommends (fewer per-thread malloc arenas)
    const env = cmd === o.java && o.mallocArenas ? { ...process.env, MALLOC_ARENA_MAX: String(o.mallocArenas) } : process.env;
    const spawnedAt = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, env });
    started.add(child);
    let buffer = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not print "Listening on" within 90 s (see ${logFile})`)); }, 90_000);
    child.stdout.on('data', (d) => {
      out.write(d);
      if (buffer === null) return;
      buffer += d.toString();
      const m = /Listening on http:\/\/([^\s:/]+):(\d+)/.exec(buffer);
      if (m) {
        buffer = null;
        clearTimeout(timer);
        resolve({ name, child, pid: child.pid, host: m[1], port: Number(m[2]), logFile, spawnedAt });
      }
    });
    child.stderr.on('data', (d) => out.write(d));
    child.on('exit', (code) => {
      started.delete(child);
      if (buffer !== null) { clearTimeout(timer); reject(new Error(`${name} exited with ${code} before listening (see ${logFile})`)); }
    });
  });
}

async function stopServer(s) {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) return;
  log(`${s.name} ignored SIGTERM for 20 s, killing it`);
  s.child.kill('SIGKILL');
  await exited;
}

function getJson(s, p) {
  return new Promise((resolve) => {
    const req = http.get({ host: s.host, port: s.port, path: p, timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { resolve({ status: res.statusCode, body: body.slice(0, 200) }); } });
    });
    req.on('error', (e) => resolve({ error: e.message }));
    req.on('timeout', () => { req.destroy(); resolve({ error: 'timeout' }); });
  });
}

async function treeSize(dir) {
  let files = 0; let bytes = 0; let dirs = 0;
  async function walk(d) {
    let entries;
    try { entries = await fsp.readdir(d, { withFileTypes: true }); } catch (e) { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { dirs++; await walk(p); } else {
        files++;
        try { bytes += (await fsp.stat(p)).size; } catch (err) { /* removed meanwhile */ }
      }
    }
  }
  await walk(dir);
  return { files, dirs, bytes };
}

/**
 * RSS once it has stopped moving after a collection: G1 gives freed regions back on a background thread after
 * the collection returns (reading at once counted up to a few hundred MB that were about to go), and the memory a
 * Node collection frees also leaves with a lag. Read every 250 ms, for at least a second, until three readings agree within 1 %; at most 10 s.
 */
async function settledRssKiB(pid) {
  const read = () => Number((/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8')) || [])[1]);
  const readings = [read()];
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    readings.push(read());
    const last = readings.slice(-3);
    if (readings.length >= 5 && Math.max(...last) - Math.min(...last) <= Math.max(...last) * 0.01) break;
  }
  return readings[readings.length - 1];
}

/** What the server holds right now: RSS, threads, open files, heap after a full GC, its own stats, its data folder. */
async function probe(s) {
  const status = fs.readFileSync(`/proc/${s.pid}/status`, 'utf8');
  const kb = (k) => Number((new RegExp(`${k}:\\s+(\\d+)`).exec(status) || [])[1] || 0);
  const result = { rssKiB: kb('VmRSS'), threads: kb('Threads'), openFiles: fs.readdirSync(`/proc/${s.pid}/fd`).length };
  if (s.java) {
    try {
      await exec(JCMD, [String(s.pid), 'GC.run'], { timeout: 30_000 });
      const info = (await exec(JCMD, [String(s.pid), 'GC.heap_info'], { timeout: 30_000 })).stdout;
      // G1 reports KiB; ZGC only whole MiB ("ZHeap used 64M"), about 1 % of the 10,000-connection idle heap
      const used = /used (\d+)([KMG])/.exec(info);
      result.heapAfterGcKiB = used ? Number(used[1]) * { K: 1, M: 1024, G: 1024 * 1024 }[used[2]] : undefined;
    } catch (e) { result.heapError = e.message.slice(0, 200); }
    result.rssKiB = await settledRssKiB(s.pid);
  } else {
    const st = await getJson(s, '/api/stats?gc=1');
    result.heapAfterGcKiB = st.memory ? Math.round(st.memory.heapUsed / 1024) : undefined;
    result.rssKiB = await settledRssKiB(s.pid); // as for the JVM above
  }
  result.stats = await getJson(s, '/api/stats');
  if (result.stats && result.stats.memory) delete result.stats.memory;
  result.health = await getJson(s, '/health');
  result.data = await treeSize(s.dataDir);
  return result;
}

// ---------------------------------------------------------------- calibration

/**
 * A few messages to world-ws, one at a time: how many agent replies one human message causes (agents may answer
 * agents), with how many chunks of how many words, in how many frames of which kinds.
 */
async function calibrate(adapter, template, messages = 6) {
  const ctx = new S.Context(adapter, { template, sources: SOURCES });
  const u = await ctx.open();
  await ctx.select(u.client, 'calibration');
  let frames = [];
  const turns = [];
  for (let i = 0; i < messages; i++) {
    frames = [];
    const idle = new Promise((resolve) => {
      const t = ctx.turns(resolve);
      t.push({ id: `cal-${i}` });
      u.client.onFrame = (f) => { frames.push(f.json()); t.onFrame(f); };
    });
    u.client.send({ type: 'chat_send', id: `cal-${i}`, payload: { content: `hello everyone, this is message ${i}` } });
    await Promise.race([idle, sleep(5000)]);
    turns.push(frames);
  }
  u.client.close();
  let replies = 0; let chunks = 0; let words = 0; let total = 0;
  const kinds = {};
  for (const fs_ of turns) {
    total += fs_.length;
    for (const f of fs_) {
      const key = f.type === 'event_stream' ? `event_stream/${(f.payload.event || {}).type}` : f.type === 'chat_response' ? `chat_response/${f.payload.kind}` : f.type;
      kinds[key] = (kinds[key] || 0) + 1;
      if (f.type !== 'chat_response') continue;
      if (f.payload.kind === 'end' || f.payload.kind === 'error') replies++;
      if (f.payload.kind === 'chunk') { chunks++; words += String(f.payload.content || '').trim().split(/\s+/).filter(Boolean).length; }
    }
  }
  const perMessage = (x) => x / messages;
  return {
    messages, repliesPerMessage: perMessage(replies), chunksPerReply: replies ? chunks / replies : 0,
    wordsPerChunk: chunks ? words / chunks : 0, framesPerMessage: perMessage(total),
    replies: Math.max(1, Math.round(perMessage(replies))), chunks: Math.max(1, Math.round(replies ? chunks / replies : 5)),
    chunkWords: Math.max(1, Math.round(chunks ? words / chunks : 4)),
    frameKinds: kinds, agentMessages: (kinds['event_stream/message'] || 0) > messages, activity: (kinds['event_stream/idle'] || 0) > 0,
  };
}

function countBy(xs) { const m = {}; for (const x of xs) m[x] = (m[x] || 0) + 1; return m; }

// ---------------------------------------------------------------- one server, all scenarios

/** CPU seconds used so far by the server process (user + system), from /proc. */
function serverCpuSeconds(s) {
  const stat = fs.readFileSync(`/proc/${s.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Runs one scenario and adds who burnt how much CPU meanwhile, and how loaded the machine was. */
async function measured(s, fn) {
  await quiesce(s);
  const cpu0 = serverCpuSeconds(s);
  const client0 = process.cpuUsage();
  const t0 = Date.now();
  const load = os.loadavg()[0];
  const result = await fn();
  const seconds = (Date.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  result.cpu = {
    wallSeconds: round(seconds),
    serverCores: round((serverCpuSeconds(s) - cpu0) / seconds),
    loadgenCores: round((client.user + client.system) / 1e6 / seconds),
    machineLoad1mAtStart: round(load),
  };
  if (s.gcLog) result.gc = gcPauses(s, t0, t0 + seconds * 1000);
  return result;
}

/**
 * The JVM's stop-the-world pauses between two wall-clock times, from its `GC_LOG` file (lines stamped with the
 * JVM's uptime, counted from when the process was spawned; within some 0.1 s, which a scenario of seconds absorbs).
 */
function gcPauses(s, fromMs, toMs) {
  return pausesInLog(s.gcLog, (fromMs - s.spawnedAt) / 1000, (toMs - s.spawnedAt) / 1000);
}

/**
 * Waits (at most 60 s) until the server has worked off what the last scenario left, so that scenarios do not
 * overlap: its CPU is quiet and its data folder has stopped changing (saves and deletions of anonymous worlds
 * wait on the disk, not on the CPU).
 */
async function quiesce(s) {
  const until = Date.now() + 60_000;
  let cpu = serverCpuSeconds(s);
  let data = JSON.stringify(await treeSize(s.dataDir));
  while (Date.now() < until) {
    await sleep(Math.max(700, Number(o.graceMs) + 200));
    const cpuNow = serverCpuSeconds(s);
    const dataNow = JSON.stringify(await treeSize(s.dataDir));
    if (cpuNow - cpu < 0.07 && dataNow === data) return;
    cpu = cpuNow;
    data = dataNow;
  }
  log(`${s.name}: still busy after 60 s; going on`);
}

async function runScenarios(s, adapter, template, { chatOnly = false } = {}) {
  const ctx = () => new S.Context(adapter, { template, sources: SOURCES, expectReplies: RUN.expectReplies, completion: RUN.completion });
  const r = { server: s.name, scenarios: {} };
  r.atStart = s.initial || await probe(s);
  if (!chatOnly) {
    if (P.diskRest > 0) {
      // Every server's storm starts from the same state of the file system: on ext4 without a journal, a new
      // inode skips those freed in the last 30 s (100 s while their blocks are unwritten), so the storm that runs
      // right after another server's churn and idle (tens of thousands of deleted folders) would pay for them.
      log(`${s.name}: sync, then ${P.diskRest} s for the file system to settle before the storm`);
      await exec('sync');
      await new Promise((resolve) => setTimeout(resolve, P.diskRest * 1000));
    }
    log(`${s.name}: connect storm (${P.storm})`);
    r.scenarios.storm = await measured(s, () => S.connectStorm(ctx(), { connections: P.storm, concurrency: 50, maxSeconds: 120 }));
  }
  if (P.warmSeconds > 0) {
    // not measured: every server gets the same warm-up, so that the JIT compilers (the JVM's and V8's) have
    // compiled the chat path before the measured runs; an open-loop run would otherwise carry the backlog of a
    // cold start through all its seconds
    log(`${s.name}: warm-up, chat ${P.warmRate} msg/s for ${P.warmSeconds} s (not measured)`);
    r.warmup = await measured(s, () => S.chatRoundTrip(ctx(), { users: P.chatUsers, rate: P.warmRate, seconds: P.warmSeconds, warmupSeconds: 0, concurrency: 50, maxSeconds: 120 }));
  }
  r.chat = [];
  for (const rate of P.chatRates) {
    log(`${s.name}: chat round trip, ${P.chatUsers} users, ${rate} msg/s`);
    r.chat.push(await measured(s, () => S.chatRoundTrip(ctx(), { users: P.chatUsers, rate, seconds: P.chatSeconds, warmupSeconds: P.warmup, concurrency: 50, maxSeconds: 120 })));
  }
  if (chatOnly) return r;
  log(`${s.name}: fan-out to ${P.fanConns} connections`);
  r.scenarios.fanout = await measured(s, () => S.fanOut(ctx(), { connections: P.fanConns, rate: P.fanRate, seconds: P.fanSeconds, warmupSeconds: P.warmup }));
  await quiesce(s);
  r.beforeChurn = await probe(s);
  log(`${s.name}: churn for ${P.churnSeconds} s`);
  r.scenarios.churn = await measured(s, () => S.churn(ctx(), { seconds: P.churnSeconds, concurrency: 20, maxUsers: P.churnUsers }));
  r.afterChurn = await settle(s, r.atStart);
  log(`${s.name}: idle, ${P.idle} connections`);
  await quiesce(s);
  const before = await probe(s);
  r.scenarios.idle = await S.idle(ctx(), {
    connections: P.idle, concurrency: 100, holdSeconds: 2, maxSeconds: 180,
    whileOpen: async (open) => {
      const during = await probe(s);
      let topClasses;
      if (s.java) {
        // what the heap holds per connection: the largest classes while every connection is open
        try {
          const histo = (await exec(JCMD, [String(s.pid), 'GC.class_histogram'], { timeout: 60_000, maxBuffer: 64 * 2 ** 20 })).stdout;
          topClasses = histo.split('\n').filter((l) => /^\s*\d+:\s+\d+\s+\d+\s+\S/.test(l)).slice(0, 20).map((l) => {
            const [, instances, bytes, name] = l.trim().split(/\s+/);
            return { name, instances: Number(instances), bytesPerConnection: Math.round(Number(bytes) / open) };
          });
        } catch (e) { topClasses = [{ error: e.message.slice(0, 200) }]; }
      }
      return {
        topClasses,
        open, before, during,
        rssPerConnectionKiB: round((during.rssKiB - before.rssKiB) / open),
        heapPerConnectionKiB: round((during.heapAfterGcKiB - before.heapAfterGcKiB) / open),
      };
    },
  });
  r.atEnd = await settle(s, before);
  return r;
}

/** Waits (bounded) for the server to release what the last scenario left: open files and data back to the reference. */
async function settle(s, reference) {
  let p;
  for (let i = 0; i < 40; i++) {
    await sleep(Math.max(500, Number(o.graceMs)));
    p = await probe(s);
    if (p.openFiles <= reference.openFiles + 2 && p.data.files <= reference.data.files) break;
  }
  return p;
}

function round(x) { return Math.round(x * 100) / 100; }

// ---------------------------------------------------------------- report

function row(label, values, fmt = (v) => v, better = 'lower') {
  const [ours, ws, sio] = values;
  const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? (a / b).toFixed(2) : '–');
  const f = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : fmt(v));
  return `| ${label} | ${f(ours)} | ${f(ws)} | ${f(sio)} | ${ratio(ours, ws)} | ${ratio(ours, sio)} | ${better} |`;
}

/** The p99 of each second of a chat run, rounded, in order: "12 · 9 · 31" (undefined if the run has none). */
function bySecond(chat) {
  const seconds = chat.latencyBySecond || [];
  return seconds.length ? seconds.map((s) => (typeof s.p99 === 'number' ? Math.round(s.p99) : '–')).join(' · ') : undefined;
}

function markdown(result) {
  const by = Object.fromEntries(result.servers.map((r) => [r.server, r]));
  const get = (fn) => ['ours', 'ws', 'socketio'].map((n) => { try { return by[n] ? fn(by[n]) : undefined; } catch (e) { return undefined; } });
  const ms = (v) => v.toFixed(2);
  const pauses = (g) => `${g.pauses} / ${g.totalMs.toFixed(0)} / ${g.longestMs.toFixed(1)}`;
  const lines = [];
  lines.push(`Run ${result.startedAt} (${result.mode}), ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memGiB} GiB, Node ${result.versions.node}, ${result.versions.java || 'no Java'}.`);
  lines.push(`Machine load (1 min) when the run started: ${result.machine.loadAtStart}; other processes share these 2 cores, so compare ratios from the same run.`);
  const c = result.calibration;
  lines.push(`world-ws ran with \`MALLOC_ARENA_MAX=${o.mallocArenas} ${o.java} ${o.javaOpts} -jar world-ws-server.jar ${o.oursArgs}\`${by['ours-fsync'] ? ', and once more for the chat rows marked fsync with --durability fsync' : ''}${by['ours-compare'] ? `, and once more, with the same flags, from \`${o.compareJar}\` for the rows marked --compare-jar` : ''}. Before the measured chat runs every server had the same unmeasured warm-up (chat at ${P.warmRate} msg/s for ${P.warmSeconds} s).`);
  lines.push(`Load: template \`${result.template}\`; ${c ? `per human message ${c.repliesPerMessage.toFixed(2)} agent replies of ${c.chunksPerReply.toFixed(1)} chunks × ${c.wordsPerChunk.toFixed(1)} words, ${c.framesPerMessage.toFixed(1)} frames (measured on world-ws; the baselines send ${c.replies} replies × ${c.chunks} chunks × ${c.chunkWords} words with the same frame kinds)` : 'baseline defaults (world-ws not run)'}.`);
  lines.push('');
  lines.push('| metric | world-ws | Node ws | Socket.IO | world-ws / ws | world-ws / Socket.IO | better |');
  lines.push('|---|---|---|---|---|---|---|');
  lines.push(row(`connect + select (clone), ${P.storm} users: per s`, get((r) => r.scenarios.storm.perSecond), (v) => v.toFixed(0), 'higher'));
  lines.push(row('connect + select p50 (ms)', get((r) => r.scenarios.storm.connectAndSelect.p50), ms));
  lines.push(row('connect + select p99 (ms)', get((r) => r.scenarios.storm.connectAndSelect.p99), ms));
  P.chatRates.forEach((rate, i) => {
    lines.push(row(`chat ${rate}/s, ${P.chatUsers} users: p50 (ms)`, get((r) => r.chat[i].latency.p50), ms));
    lines.push(row(`chat ${rate}/s: p99 (ms)`, get((r) => r.chat[i].latency.p99), ms));
    // where in the measured seconds the tail lies: the first ones follow the users' connects and clones
    lines.push(row(`chat ${rate}/s: p99 of each measured second (ms)`, get((r) => bySecond(r.chat[i])), String, '–'));
    lines.push(row(`chat ${rate}/s: p99.9 (ms)`, get((r) => r.chat[i].latency.p999), ms));
    lines.push(row(`chat ${rate}/s: max (ms)`, get((r) => r.chat[i].latency.max), ms));
    lines.push(row(`chat ${rate}/s: achieved rate`, get((r) => r.chat[i].achievedRate), (v) => v.toFixed(0), 'higher'));
    lines.push(row(`chat ${rate}/s: server CPU (cores)`, get((r) => r.chat[i].cpu.serverCores), (v) => v.toFixed(2)));
    lines.push(row(`chat ${rate}/s: JVM pauses (count / total ms / longest ms)`, get((r) => r.chat[i].gc && pauses(r.chat[i].gc)), String));
    lines.push(row(`chat ${rate}/s: load generator CPU (cores)`, get((r) => r.chat[i].cpu.loadgenCores), (v) => v.toFixed(2)));
    lines.push(row(`chat ${rate}/s: frames per message`, get((r) => r.chat[i].framesPerMessage), (v) => v.toFixed(1), '='));
    lines.push(row(`chat ${rate}/s: lost / rejected`, get((r) => r.chat[i].lost + Object.values(r.chat[i].rejected).reduce((a, b) => a + b, 0)), (v) => String(v)));
  });
  // world-ws's extra chat runs (the same chat scenarios on another server of ours), each in the world-ws column
  const variant = (name, label) => {
    if (!by[name]) return;
    const vget = (fn) => { const [, ws, sio] = get(fn); let ours; try { ours = fn(by[name]); } catch (e) { ours = undefined; } return [ours, ws, sio]; };
    P.chatRates.forEach((rate, i) => {
      lines.push(row(`chat ${rate}/s, ${label}: p50 (ms)`, vget((r) => r.chat[i].latency.p50), ms));
      lines.push(row(`chat ${rate}/s, ${label}: p99 (ms)`, vget((r) => r.chat[i].latency.p99), ms));
      lines.push(row(`chat ${rate}/s, ${label}: server CPU (cores)`, vget((r) => r.chat[i].cpu.serverCores), (v) => v.toFixed(2)));
      lines.push(row(`chat ${rate}/s, ${label}: JVM pauses (count / total ms / longest ms)`, vget((r) => r.chat[i].gc && pauses(r.chat[i].gc)), String));
      lines.push(row(`chat ${rate}/s, ${label}: lost`, vget((r) => r.chat[i].lost), (v) => String(v)));
    });
  };
  variant('ours-fsync', 'world-ws with --durability fsync');
  variant('ours-compare', `world-ws from --compare-jar ${o.compareJar ? path.basename(String(o.compareJar)) : ''}`);
  lines.push(row(`fan-out to ${P.fanConns} conns, ${P.fanRate}/s: p50 all (ms)`, get((r) => r.scenarios.fanout.latencyAll.p50), ms));
  lines.push(row('fan-out: p99 all (ms)', get((r) => r.scenarios.fanout.latencyAll.p99), ms));
  lines.push(row('fan-out: JVM pauses (count / total ms / longest ms)', get((r) => r.scenarios.fanout.gc && pauses(r.scenarios.fanout.gc)), String));
  lines.push(row(`churn (${P.churnSeconds} s): users through`, get((r) => r.scenarios.churn.users), (v) => String(v), 'higher'));
  lines.push(row('churn: users per s', get((r) => r.scenarios.churn.usersPerSecond), (v) => v.toFixed(0), 'higher'));
  lines.push(row('churn: heap after GC before → after (KiB)', get((r) => r.afterChurn.heapAfterGcKiB - r.beforeChurn.heapAfterGcKiB), (v) => `${v >= 0 ? '+' : ''}${v}`));
  lines.push(row('after churn: open files − at start', get((r) => r.afterChurn.openFiles - r.atStart.openFiles), (v) => `${v >= 0 ? '+' : ''}${v}`));
  lines.push(row('after churn: data files − at start', get((r) => r.afterChurn.data.files - r.atStart.data.files), (v) => `${v >= 0 ? '+' : ''}${v}`));
  lines.push(row('at the end: data files − at start', get((r) => r.atEnd.data.files - r.atStart.data.files), (v) => `${v >= 0 ? '+' : ''}${v}`));
  lines.push(row(`idle ${P.idle} conns: RSS per conn (KiB)`, get((r) => r.scenarios.idle.server.rssPerConnectionKiB), (v) => v.toFixed(1)));
  lines.push(row('idle: heap after GC per conn (KiB)', get((r) => r.scenarios.idle.server.heapPerConnectionKiB), (v) => v.toFixed(1)));
  lines.push(row('idle: connect + select per s', get((r) => r.scenarios.idle.ok / r.scenarios.idle.openSeconds), (v) => v.toFixed(0), 'higher'));
  lines.push('');
  lines.push('Targets (issue 6):');
  for (const t of result.targets) lines.push(`- ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'} ${t.target}: ${t.detail}`);
  return lines.join('\n') + '\n';
}

function targets(result) {
  const by = Object.fromEntries(result.servers.map((r) => [r.server, r]));
  const t = [];
  const check = (target, fn) => {
    try {
      const [pass, detail] = fn();
      t.push({ target, pass, detail });
    } catch (e) { t.push({ target, pass: null, detail: `not measured (${e.message})` }); }
  };
  const need = (n) => { if (!by[n]) throw new Error(`${n} not run`); return by[n]; };
  check('chat p99 no worse than Node ws', () => {
    const a = need('ours').chat[0].latency.p99; const b = need('ws').chat[0].latency.p99;
    return [a <= b, `${a} ms vs ${b} ms`];
  });
  check('chat p99 at most a quarter of Socket.IO', () => {
    const a = need('ours').chat[0].latency.p99; const b = need('socketio').chat[0].latency.p99;
    return [a <= b / 4, `${a} ms vs ${b} ms / 4 = ${(b / 4).toFixed(2)} ms`];
  });
  check(`chat p99 under 5 ms at ${P.chatRates[1]} msg/s`, () => {
    const c = need('ours').chat[1];
    return [c.latency.p99 < 5 && c.lost === 0, `${c.latency.p99} ms, ${c.lost} lost`];
  });
  check('fan-out p99 no worse than Node ws', () => {
    const a = need('ours').scenarios.fanout.latencyAll.p99; const b = need('ws').scenarios.fanout.latencyAll.p99;
    return [a <= b, `${a} ms vs ${b} ms`];
  });
  check('connect + select at least as fast as Node ws', () => {
    const a = need('ours').scenarios.storm.perSecond; const b = need('ws').scenarios.storm.perSecond;
    return [a >= b, `${a}/s vs ${b}/s`];
  });
  check(`idle: RSS per connection at most Socket.IO's (${P.idle} conns)`, () => {
    const a = need('ours').scenarios.idle.server.rssPerConnectionKiB; const b = need('socketio').scenarios.idle.server.rssPerConnectionKiB;
    return [a <= b, `${a} KiB vs ${b} KiB`];
  });
  check('idle: heap per connection at most 32 KiB, world included', () => {
    const a = need('ours').scenarios.idle.server.heapPerConnectionKiB;
    return [a <= 32, `${a} KiB`];
  });
  check('churn with nothing retained', () => {
    const r = need('ours');
    const c = r.scenarios.churn;
    const files = r.afterChurn.data.files - r.atStart.data.files;
    const fds = r.afterChurn.openFiles - r.atStart.openFiles;
    const heap = r.afterChurn.heapAfterGcKiB - r.beforeChurn.heapAfterGcKiB;
    const conns = r.afterChurn.stats && (r.afterChurn.stats.connections ?? r.afterChurn.stats.openConnections);
    const ok = files <= 0 && fds <= 2 && heap < 4096 && c.users > 0;
    return [ok && c.users >= 100000 ? true : ok ? null : false,
      `${c.users} users in ${c.seconds} s (target 100,000${c.users >= 100000 ? '' : ': run with --churn-users 100000 --churn-seconds 600'}); compared with the start: data files ${files >= 0 ? '+' : ''}${files}, open files ${fds >= 0 ? '+' : ''}${fds}; heap after GC ${heap >= 0 ? '+' : ''}${heap} KiB over the churn; connections after: ${conns}`];
  });
  return t;
}

// ---------------------------------------------------------------- main

async function versions() {
  const v = { node: process.versions.node, ws: require('ws/package.json').version, socketio: require('socket.io/package.json').version };
  try { v.java = (await exec(o.java, ['-version'])).stderr.split('\n')[1].trim(); } catch (e) { v.java = undefined; }
  return v;
}

async function main() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'world-ws-bench-'));
  await fsp.mkdir(o.out, { recursive: true });
  const root = templatesRoot();
  const template = pickTemplate(root);
  const wanted = String(o.servers).split(',');
  const result = {
    startedAt: new Date().toISOString(), mode: QUICK ? 'quick' : 'full', profile: P, template, templatesRoot: path.relative(ROOT, root),
    machine: { cpus: os.cpus().length, cpuModel: (os.cpus()[0] || {}).model, memGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(),
      loadAtStart: os.loadavg()[0].toFixed(2),
      openFilesLimit: Number((await exec('bash', ['-c', 'ulimit -n'])).stdout.trim()) },
    versions: await versions(), servers: [], skipped: {},
  };
  log(`templates from ${result.templatesRoot}, template ${template}; work folder ${work}`);

  let baselineArgs = [];
  if (wanted.includes('ours')) {
    if (!fs.existsSync(o.jar)) {
      result.skipped.ours = `no server jar at ${path.relative(ROOT, o.jar)} (build it: ./mvnw -B -pl examples -am package -DskipTests)`;
      log(result.skipped.ours);
    } else {
      const dataDir = path.join(work, 'ours');
      // anonymous users' worlds go the same grace period after their last connection as in the baselines
      // every pause lands in a file of its own, for the pause rows of the report (gcPauses)
      const gcLog = path.join(work, 'ours-gc.log');
      const args = [...String(o.javaOpts).split(/\s+/).filter(Boolean), `${GC_LOG}${gcLog}`, '-jar', o.jar, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir,
        '--anonymous-grace', `${o.graceMs}ms`, ...String(o.oursArgs).split(/\s+/).filter(Boolean)];
      try {
        const s = await startServer('ours', o.java, args, path.join(work, 'ours.log'));
        s.java = true; s.dataDir = dataDir; s.gcLog = gcLog;
        const adapter = wsAdapter(`ws://${s.host}:${s.port}/ws`);
        try {
          s.initial = await probe(s);
          result.calibration = await calibrate(adapter, template);
          log(`calibration on world-ws: ${JSON.stringify(result.calibration)}`);
          const c = result.calibration;
          baselineArgs = ['--replies', String(c.replies), '--chunks', String(c.chunks), '--chunk-words', String(c.chunkWords),
            '--agent-message', String(c.agentMessages), '--activity', String(c.activity)];
          if (!c.activity) RUN.completion = 'ends';
          RUN.expectReplies = c.replies;
          result.servers.push(await runScenarios(s, adapter, template));
        } catch (e) {
          result.skipped.ours = `failed: ${e.stack}`;
          log(result.skipped.ours);
        }
        await stopServer(s);
        result.oursLog = (await fsp.readFile(s.logFile, 'utf8')).split('\n').slice(-30).join('\n');
        // world-ws's extra chat runs: the same chat scenarios on a variant of the server, in its own data folder
        const chatOnlyVariant = async (name, variantArgs) => {
          const variantDir = path.join(work, name);
          const variantGcLog = path.join(work, `${name}-gc.log`);
          const v = await startServer(name, o.java, variantArgs.map((a) => (a === dataDir ? variantDir : a.startsWith(GC_LOG) ? `${GC_LOG}${variantGcLog}` : a)),
            path.join(work, `${name}.log`));
          v.java = true; v.dataDir = variantDir; v.gcLog = variantGcLog;
          try {
            result.servers.push(await runScenarios(v, wsAdapter(`ws://${v.host}:${v.port}/ws`), template, { chatOnly: true }));
          } catch (e) {
            result.skipped[name] = `failed: ${e.stack}`;
            log(result.skipped[name]);
          }
          await stopServer(v);
        };
        if (o.fsyncChat === 'true' && /--durability\s+write-back/.test(String(o.oursArgs)) && !result.skipped.ours) {
          // the same chat runs once more with every save forced to the device (the reference server's default)
          await chatOnlyVariant('ours-fsync', args.map((a) => (a === 'write-back' ? 'fsync' : a)));
        }
        if (o.compareJar && !fs.existsSync(String(o.compareJar))) {
          result.skipped['ours-compare'] = `no jar at ${o.compareJar}`;
          log(result.skipped['ours-compare']);
        } else if (o.compareJar && !result.skipped.ours) {
          // the same chat runs on another jar in the same run: the way to tell the code from the machine
          result.compareJar = String(o.compareJar);
          await chatOnlyVariant('ours-compare', args.map((a) => (a === o.jar ? String(o.compareJar) : a)));
        }
      } catch (e) {
        result.skipped.ours = `could not start: ${e.message}`;
        log(result.skipped.ours);
      }
    }
  }
  for (const name of ['ws', 'socketio']) {
    if (!wanted.includes(name)) continue;
    const dataDir = path.join(work, name);
    const script = path.join(__dirname, 'baselines', name === 'ws' ? 'ws-server.js' : 'socketio-server.js');
    const s = await startServer(name, process.execPath, ['--expose-gc', script, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir,
      '--templates-dir', root, '--grace-ms', String(o.graceMs), ...baselineArgs], path.join(work, `${name}.log`));
    s.dataDir = dataDir;
    const adapter = name === 'ws' ? wsAdapter(`ws://${s.host}:${s.port}/ws`) : socketIoAdapter(`http://${s.host}:${s.port}`);
    try {
      result.servers.push(await runScenarios(s, adapter, template));
    } catch (e) {
      result.skipped[name] = `failed: ${e.stack}`;
      log(result.skipped[name]);
    }
    await stopServer(s);
  }
  result.finishedAt = new Date().toISOString();
  result.targets = targets(result);
  const md = markdown(result);
  const base = path.join(o.out, `${stamp}-${result.mode}`);
  await fsp.writeFile(`${base}.json`, JSON.stringify(result, null, 2));
  await fsp.writeFile(`${base}.md`, md);
  await fsp.copyFile(`${base}.json`, path.join(o.out, `latest-${result.mode}.json`));
  await fsp.copyFile(`${base}.md`, path.join(o.out, `latest-${result.mode}.md`));
  if (o.keep) log(`kept the servers' data folders and logs in ${work}`);
  else await fsp.rm(work, { recursive: true, force: true });
  process.stdout.write(md);
  log(`wrote ${path.relative(process.cwd(), base)}.json and .md`);
  process.exit(0);
}

main().catch((e) => { console.error(e.stack); stopAll(); process.exit(1); });
