// Shared helpers: the reference server as a child process, headless Debian chromium, failure screenshots.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const outputDir = path.resolve(here, '..', 'test-output');
const defaultJar = path.resolve(here, '..', '..', 'target', 'world-ws-server.jar');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags chromium keeps dialling Google's hosts, which this closed network refuses.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Polls `condition` until it returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function eventually(condition, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The reference server, started as `java -jar world-ws-server.jar` on a port of its choosing (or the given one)
 * with its own data directory. `restart()` stops it and starts it again on the same port and directory.
 */
export class ReferenceServer {
  constructor({ jar = process.env.WWS_SERVER_JAR || defaultJar, dataDir, port = 0, args = [], env = {} } = {}) {
    // WWS_SERVER_COMMAND (a command line) runs another build of the server in place of the jar.
    this.program = process.env.WWS_SERVER_COMMAND?.split(' ') ?? ['java', '-jar', jar];
    if (!process.env.WWS_SERVER_COMMAND && !existsSync(jar)) {
      throw new Error(`${jar} is missing: build it first (./mvnw -B package -pl examples -am)`);
    }
    Object.assign(this, { port, args, env, dataDir: dataDir ?? mkdtempSync(path.join(tmpdir(), 'wws-browser-')) });
    this.output = [];
  }

  async start() {
    const [program, ...programArgs] = this.program;
    const command = [...programArgs, '--port', String(this.port), '--host', '127.0.0.1', '--data-dir', this.dataDir, ...this.args];
    this.process = spawn(program, command, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    const listening = new Promise((resolve) => {
      let buffered = '';
      const onData = (chunk) => {
        const text = chunk.toString();
        this.output.push(text);
        buffered += text;
        const found = /Listening on (http:\/\/[^\s:/]+:(\d+))/.exec(buffered);
        if (found) resolve({ url: found[1], port: Number(found[2]) });
      };
      this.process.stdout.on('data', onData);
      this.process.stderr.on('data', onData);
    });
    const started = await Promise.race([
      listening,
      exited.then(({ code }) => { throw new Error(`server exited with ${code} before listening:\n${this.log()}`); }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`server did not print "Listening on" within 30 s:\n${this.log()}`)), 30_000).unref()),
    ]);
    this.url = `${started.url}/`;
    this.port = started.port;
    return this;
  }

  /** SIGTERM (a graceful shutdown), then SIGKILL if it has not exited within 15 s. */
  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  log() {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }
}

export function launchBrowser() {
  // playwright gives every launch a fresh, empty profile directory of its own.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

/**
 * Opens a page in a new browser context (its own cookies and storage: a separate visitor) and records console
 * errors and uncaught exceptions, which every test asserts are absent.
 */
export async function openVisitor(browser, url, { resumeToken, viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport });
  if (resumeToken) {
    // The page keeps its anonymous identity in sessionStorage; a second tab of the same visitor starts with it.
    await context.addInitScript((token) => sessionStorage.setItem('wws.resumeToken', token), resumeToken);
  }
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    // While the server is away chromium itself logs each refused connection; that is the network, not the page. So
    // is a 503: a server in its shutdown grace answers every new request so (a reconnect attempt of the page may ask
    // the REST side whether its resume token expired just then).
    const network = /net::ERR_|WebSocket connection to .* failed|status of 503 \(Service Unavailable\)/.test(message.text());
    if (message.type() === 'error' && !network) page.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return page;
}

/** Runs `body`; when it throws, saves a screenshot of every given page to test-output/ before rethrowing. */
export async function screenshotOnFailure(name, pages, body) {
  try {
    await body();
  } catch (error) {
    mkdirSync(outputDir, { recursive: true });
    const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await Promise.all(pages().map((page, i) => page.screenshot({ path: path.join(outputDir, `${slug}-${i + 1}.png`), fullPage: true })
      .catch(() => undefined)));
    throw error;
  }
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

export async function waitForOpen(page) {
  await page.locator('[data-testid="conn-state"][data-state="open"]').waitFor();
  await page.locator('[data-testid="user-id"]', { hasNotText: '…' }).waitFor();
}

/** Picks `templateName` (or the first template), types `worldName` and opens it; waits for its agents. */
export async function openWorld(page, worldName, templateName) {
  await waitForOpen(page);
  const select = byTestId(page, 'template-select');
  await page.locator('[data-testid="template-select"] option[value]:not([value=""])').first().waitFor({ state: 'attached' });
  if (templateName) await select.selectOption(templateName);
  await byTestId(page, 'world-name-input').fill(worldName);
  await byTestId(page, 'world-open-button').click();
  await page.locator('[data-testid="current-world"]', { hasText: worldName }).waitFor();
  await page.locator('[data-testid="agent-item"]').first().waitFor();
  return select.inputValue();
}

/** Types a message and sends it with Enter, as a keyboard user would. */
export async function say(page, text) {
  const input = byTestId(page, 'chat-input');
  await input.fill(text);
  await input.press('Enter');
}

export const message = (page, kind, text) => page.locator(`[data-testid="message"][data-kind="${kind}"]`, text ? { hasText: text } : {});
export const completeReplies = (page) => page.locator('[data-testid="message"][data-kind="agent"][data-complete="true"]');
/** Finished agent replies shown after the human message containing `text`. */
export const repliesAfter = (page, text) =>
  page.locator(`[data-kind="human"]:has-text(${JSON.stringify(text)}) ~ [data-kind="agent"][data-complete="true"]`);

/**
 * A TCP forwarder on loopback between a browser and the server, which a test can unplug (every connection
 * through it is cut and new ones are refused at once) and plug back in: a network drop without a server restart.
 */
export class Cable {
  #sockets = new Set();
  #plugged = true;

  constructor(targetPort) {
    this.targetPort = targetPort;
  }

  async start() {
    this.server = net.createServer((client) => {
      if (!this.#plugged) return client.destroy();
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}/`;
    return this;
  }

  unplug() {
    this.#plugged = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  plugIn() {
    this.#plugged = true;
  }

  async dispose() {
    this.unplug();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** An HS256 JWT for `userId`, valid for an hour, as any backend sharing the server's secret would mint it. */
export function mintToken(secret, userId) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: userId, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
