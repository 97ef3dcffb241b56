#!/usr/bin/env node
'use strict';
// One scenario against one running server; prints one JSON line with the result.
//   node loadgen/cli.js --url ws://127.0.0.1:8080/ws --scenario chat --users 100 --rate 100 --seconds 5 --template NAME
//   node loadgen/cli.js --url http://127.0.0.1:3000 --socketio --scenario fanout
// A message counts as answered when the world reports idle after its echo (--completion idle, default), or
// after --expect-replies chat_response ends (--completion ends). Loopback only; every scenario is bounded in count and time, and the whole process exits by itself
// after --max-seconds (default 300) whatever happens.

const { wsAdapter, socketIoAdapter } = require('./adapters');
const { assertLoopbackSources } = require('./guard');
const S = require('./scenarios');
const { parseArgs } = require('../baselines/world-logic');

async function main() {
  const o = parseArgs(process.argv.slice(2), {
    url: '', scenario: 'chat', template: 'bench-world', sources: '127.0.0.1', maxSeconds: '300', timeoutMs: '10000',
  });
  if (!o.url) throw new Error('--url is required (ws://127.0.0.1:PORT/ws, or http://127.0.0.1:PORT with --socketio)');
  setTimeout(() => { console.error('loadgen: hard time limit reached, exiting'); process.exit(3); }, Number(o.maxSeconds) * 1000).unref();
  const adapter = o.socketio ? socketIoAdapter(o.url) : wsAdapter(o.url);
  const ctx = new S.Context(adapter, {
    template: o.template, sources: assertLoopbackSources(String(o.sources).split(',')),
    timeoutMs: Number(o.timeoutMs), expectReplies: o.expectReplies ? Number(o.expectReplies) : 0,
    completion: o.completion || 'idle',
  });
  const num = (k, d) => (o[k] === undefined ? d : Number(o[k]));
  let result;
  switch (o.scenario) {
    case 'storm': result = await S.connectStorm(ctx, { connections: num('connections', 100), concurrency: num('concurrency', 50) }); break;
    case 'chat': result = await S.chatRoundTrip(ctx, { users: num('users', 100), rate: num('rate', 100), seconds: num('seconds', 5), warmupSeconds: num('warmup', 1) }); break;
    case 'fanout': result = await S.fanOut(ctx, { connections: num('connections', 20), rate: num('rate', 50), seconds: num('seconds', 5), warmupSeconds: num('warmup', 1) }); break;
    case 'churn': result = await S.churn(ctx, { seconds: num('seconds', 5), concurrency: num('concurrency', 20), maxUsers: num('maxUsers', 100000) }); break;
    case 'idle': result = await S.idle(ctx, { connections: num('connections', 100), holdSeconds: num('hold', 1) }); break;
    default: throw new Error(`unknown scenario ${o.scenario}`);
  }
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((e) => { console.error(`loadgen: ${e.message}`); process.exit(1); });
