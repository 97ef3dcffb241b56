// The page's reconnect policy (web/connection.js), with a scripted WebSocket and mocked timers: no browser needed.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';

class ScriptedSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static opened = [];
  readyState = ScriptedSocket.CONNECTING;
  constructor(url) {
    this.url = url;
    ScriptedSocket.opened.push(this);
  }
  accept() {
    this.readyState = ScriptedSocket.OPEN;
    this.onopen?.();
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  close() {
    this.readyState = 3;
  }
  send() {}
}
globalThis.WebSocket = ScriptedSocket;
const { Connection } = await import('../../src/main/resources/web/connection.js');

describe('reconnecting', () => {
  let changes;
  let connection;
  const latest = () => ScriptedSocket.opened.at(-1);
  const waits = () => changes.filter((c) => c.state === 'reconnecting').map((c) => c.retryAt - c.at);

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    ScriptedSocket.opened = [];
    changes = [];
    connection = connect();
  });

  function connect(options = {}) {
    return new Connection({
      url: () => `ws://example.test/ws?n=${ScriptedSocket.opened.length}`,
      onMessage: () => {},
      onState: (change) => changes.push({ ...change, at: Date.now() }),
      baseMs: 500,
      maxMs: 15_000,
      ...options,
    });
  }

  afterEach(() => {
    connection.close();
    mock.restoreAll();
    mock.timers.reset();
  });

  /** Lets every attempt fail `times` times, advancing the clock to each retry. */
  function failRepeatedly(times) {
    for (let i = 0; i < times; i++) {
      latest().drop();
      mock.timers.tick(changes.at(-1).retryAt - Date.now());
    }
  }

  test('waits a random time below a ceiling that doubles from 0.5 s up to 15 s (full jitter)', () => {
    mock.method(Math, 'random', () => 0.999_999);
    connection.start();
    failRepeatedly(7);
    assert.deepEqual(waits(), [500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    assert.equal(ScriptedSocket.opened.length, 8, 'one new socket per retry');

    mock.method(Math, 'random', () => 0.25);
    failRepeatedly(1);
    assert.equal(waits().at(-1), 3750, 'a quarter of the ceiling when the dice say a quarter');
  });

  test('backs off afresh once the server has accepted the connection', () => {
    mock.method(Math, 'random', () => 0.999_999);
    connection.start();
    failRepeatedly(4);
    latest().accept();
    connection.markHealthy();
    failRepeatedly(1);
    assert.equal(waits().at(-1), 500);
  });

  test('a refused credential (4401) ends it: no retry, the state says why', () => {
    connection.start();
    latest().drop(4401, 'token refused: expired');
    mock.timers.tick(60_000);
    assert.equal(ScriptedSocket.opened.length, 1);
    assert.deepEqual({ state: changes.at(-1).state, reason: changes.at(-1).reason },
      { state: 'closed', reason: 'token refused: expired' });
  });

  test('a policy close (1008, flooding) comes back noticeably later', () => {
    mock.method(Math, 'random', () => 0.999_999);
    connection.start();
    latest().accept();
    latest().drop(1008);
    assert.equal(waits().at(-1), 4000);
  });

  test('a silent server is given up on after two ping intervals', () => {
    connection = connect({ pingMs: 1000 });
    connection.start();
    latest().accept();
    mock.timers.tick(3000);
    assert.equal(changes.at(-1).state, 'reconnecting');
    assert.equal(changes.at(-1).code, 4408);
  });

  test('close() stops every retry', () => {
    connection.start();
    latest().drop();
    connection.close();
    mock.timers.tick(60_000);
    assert.equal(ScriptedSocket.opened.length, 1);
    assert.equal(changes.at(-1).state, 'closed');
  });
});
