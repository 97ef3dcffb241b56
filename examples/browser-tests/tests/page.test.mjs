// The page served by the reference server, driven in headless chromium as a person would use it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Cable, ReferenceServer, byTestId, completeReplies, eventually, launchBrowser, message, mintToken, openVisitor,
  openWorld, repliesAfter, say, screenshotOnFailure, waitForOpen,
} from './support.mjs';

// Reconnect quickly in tests; the page's default backoff ceiling is 15 s.
const PAGE = '?backoffMaxMs=1000';
const unique = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
// Known users carry a JWT signed with the server's secret, as a real backend would mint it.
const JWT_SECRET = `browser-tests-${'s'.repeat(32)}`;

let server;
let browser;

before(async () => {
  server = new ReferenceServer({ args: ['--jwt-secret', JWT_SECRET] }); // assigned first so after() always stops it
  [browser] = await Promise.all([launchBrowser(), server.start()]);
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Runs a test body with pages it opens; screenshots them if it fails, checks their consoles, closes them. */
function withVisitors(name, body) {
  return test(name, { timeout: 60_000 }, async () => {
    const pages = [];
    const visit = async (url = server.url + PAGE, options) => {
      const page = await openVisitor(browser, url, options);
      pages.push(page);
      return page;
    };
    try {
      await screenshotOnFailure(name, () => pages, async () => {
        await body(visit);
        for (const page of pages) assert.deepEqual(page.problems, [], 'the page logged no errors');
      });
    } finally {
      await Promise.all(pages.map((page) => page.context().close()));
    }
  });
}

/** Records every distinct text each agent reply shows while it streams, keyed by message id. */
async function recordReplyGrowth(page) {
  await page.evaluate(() => {
    window.replyTexts = {};
    const log = document.querySelector('[data-testid="chat-log"]');
    new MutationObserver(() => {
      log.querySelectorAll('[data-testid="message"][data-kind="agent"]').forEach((bubble, i) => {
        const key = bubble.dataset.messageId ?? `#${i}`;
        const seen = (window.replyTexts[key] ??= []);
        const text = bubble.querySelector('[data-testid="message-content"]').textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      });
    }).observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const resumeTokenOf = (page) => page.evaluate(() => sessionStorage.getItem('wws.resumeToken'));
const userIdOf = (page) => byTestId(page, 'user-id').textContent();

withVisitors('a visitor picks a template, sends a message and watches the reply stream in', async (visit) => {
  const page = await visit();
  const templates = await page.locator('[data-testid="template-select"] option').allTextContents();
  assert.ok(templates.length > 0, 'the server lists its templates');
  await openWorld(page, unique('first'));
  const agentNames = await page.locator('[data-testid="agent-name"]').allTextContents();
  assert.ok(agentNames.length > 0, 'the world shows its agents');

  await recordReplyGrowth(page);
  await say(page, 'Hello, world!');

  await message(page, 'human', 'Hello, world!').waitFor();
  await completeReplies(page).first().waitFor();
  assert.equal(await byTestId(page, 'chat-input').inputValue(), '', 'Enter sent the message and cleared the box');
  const author = await completeReplies(page).first().locator('[data-testid="message-author"]').textContent();
  assert.ok(agentNames.includes(author), `the reply names its agent (${author} in ${agentNames})`);
  const growth = await page.evaluate(() => window.replyTexts);
  const streamed = Object.values(growth).filter((texts) => texts.length >= 2);
  assert.ok(streamed.length > 0, `a reply grew chunk by chunk: ${JSON.stringify(growth)}`);
  for (const texts of streamed) {
    texts.slice(1).forEach((text, i) => assert.ok(text.startsWith(texts[i]), `each step extends the last: ${JSON.stringify(texts)}`));
  }

  const user = await userIdOf(page);
  const reply = await completeReplies(page).first().locator('[data-testid="message-content"]').textContent();
  await page.reload();
  await waitForOpen(page);
  assert.equal(await userIdOf(page), user, 'a reload keeps the anonymous identity');
  await message(page, 'human', 'Hello, world!').waitFor();
  await completeReplies(page).filter({ hasText: reply }).first().waitFor();
  await byTestId(page, 'notice').filter({ hasText: /Restored \d+ events/ }).waitFor();
});

withVisitors('the @ button addresses one agent, and that agent answers', async (visit) => {
  const page = await visit();
  await openWorld(page, unique('mention'));
  // The last agent: were the mention ignored, every agent would answer and the first answer would not be its.
  const agent = page.locator('[data-testid="agent-item"]').last();
  const [agentId, agentName] = [await agent.getAttribute('data-agent'), await agent.locator('[data-testid="agent-name"]').textContent()];
  await agent.locator('[data-testid="agent-mention-button"]').click();
  await page.keyboard.type('what do you think?');
  assert.equal(await byTestId(page, 'chat-input').inputValue(), `@${agentId} what do you think?`);
  await page.keyboard.press('Enter');

  const sent = message(page, 'human', 'what do you think?');
  await sent.locator('.mention', { hasText: `@${agentId}` }).waitFor();
  const firstReply = page.locator('[data-kind="human"]:has-text("what do you think?") ~ [data-kind="agent"]').first();
  await firstReply.and(page.locator('[data-complete="true"]')).waitFor();
  assert.equal(await firstReply.locator('[data-testid="message-author"]').textContent(), agentName);
});

withVisitors('two tabs of one visitor see each other\'s messages and agent edits live', async (visit) => {
  const first = await visit();
  const worldName = unique('shared');
  const template = await openWorld(first, worldName);
  const second = await visit(undefined, { resumeToken: await resumeTokenOf(first) });
  await waitForOpen(second);
  assert.equal(await userIdOf(second), await userIdOf(first), 'the second tab resumes the same anonymous user');
  await second.locator(`[data-testid="world-item"][data-world="${worldName}"]`).waitFor();
  await openWorld(second, worldName, template);

  await say(second, 'Sent from the second tab');
  await message(first, 'human', 'Sent from the second tab').waitFor();
  await completeReplies(first).first().waitFor();
  await completeReplies(second).first().waitFor();

  const agent = first.locator('[data-testid="agent-item"]').first();
  const agentId = await agent.getAttribute('data-agent');
  const prompt = `Answer in one short sentence. (${unique('edit')})`;
  await agent.locator('[data-testid="agent-edit-button"]').click();
  await byTestId(first, 'agent-active-input').uncheck();
  await byTestId(first, 'agent-prompt-input').fill(prompt);
  await byTestId(first, 'agent-save-button').click();

  const mirrored = second.locator(`[data-testid="agent-item"][data-agent="${agentId}"]`);
  await second.locator(`[data-testid="agent-item"][data-agent="${agentId}"][data-active="false"]`).waitFor();
  assert.equal(await mirrored.locator('[data-testid="agent-status"]').textContent(), 'inactive');
  await mirrored.locator('[data-testid="agent-edit-button"]').click();
  assert.equal(await byTestId(second, 'agent-prompt-input').inputValue(), prompt, 'the other tab sees the new prompt');
  assert.equal(await byTestId(second, 'agent-active-input').isChecked(), false);
});

withVisitors('a second visitor sees nothing of the first, even with the same world name', async (visit) => {
  const alice = await visit();
  const bob = await visit();
  const worldName = unique('garden');
  const template = await openWorld(alice, unique('alice-only'));
  await openWorld(alice, worldName, template);
  const secret = unique('secret');
  await say(alice, `Only for me: ${secret}`);
  await completeReplies(alice).first().waitFor();

  await openWorld(bob, worldName, template);
  assert.notEqual(await userIdOf(bob), await userIdOf(alice), 'two visitors are two users');
  await say(bob, 'Bob was here');
  await completeReplies(bob).first().waitFor();

  assert.equal(await bob.getByText(secret).count(), 0, 'bob never sees alice\'s message');
  const bobsWorlds = await bob.locator('[data-testid="world-item"]').evaluateAll((items) => items.map((i) => i.dataset.world));
  assert.deepEqual(bobsWorlds, [worldName], 'bob lists only his own world');
  assert.equal(await alice.getByText(secret).count(), 1, 'alice still has her conversation');
  assert.equal(await alice.getByText('Bob was here').count(), 0, 'alice never sees bob\'s message');
});

withVisitors('after a network drop the page reconnects by itself and catches up what it missed', async (visit) => {
  const cable = await new Cable(server.port).start();
  try {
    const away = await visit(cable.url + PAGE);
    const worldName = unique('resume');
    const template = await openWorld(away, worldName);
    const stay = await visit(undefined, { resumeToken: await resumeTokenOf(away) });
    await openWorld(stay, worldName, template);

    cable.unplug();
    await away.locator('[data-testid="conn-state"][data-state="reconnecting"]').waitFor();
    await say(stay, 'Said while the other tab was away');
    await completeReplies(stay).first().waitFor();

    cable.plugIn();
    await waitForOpen(away);
    await away.locator('[data-testid="notice"]', { hasText: /caught up \d+ missed events?/ }).waitFor();
    await message(away, 'human', 'Said while the other tab was away').waitFor();
    await completeReplies(away).first().waitFor();
    const missed = Number(/caught up (\d+)/.exec(await byTestId(away, 'notice').textContent())[1]);
    assert.ok(missed >= 2, `the message and the reply were among the missed events (${missed})`);
  } finally {
    await cable.dispose();
  }
});

withVisitors('after a server restart the page reconnects, says what happened and chats on', async (visit) => {
  const page = await visit();
  await openWorld(page, unique('restart'));
  await say(page, 'Before the restart');
  await completeReplies(page).first().waitFor();

  await server.stop();
  await page.locator('[data-testid="conn-state"][data-state="reconnecting"]').waitFor();
  await eventually(async () => /Reconnecting in \d+s/.test(await byTestId(page, 'conn-label').textContent()), 'a countdown');
  await server.start();

  await waitForOpen(page);
  await page.locator('[data-testid="notice"]', { hasText: /caught up|nothing was missed|could not recover/i }).waitFor({ timeout: 20_000 });
  // An anonymous visitor is new to a restarted server, so the conversation starts afresh in a new world.
  await say(page, 'After the restart');
  await message(page, 'human', 'After the restart').waitFor();
  await repliesAfter(page, 'After the restart').first().waitFor({ timeout: 20_000 });
});

withVisitors('a signed-in user keeps world, edits and conversation across tabs, a server restart and a reload', async (visit) => {
  const userId = unique('reader');
  const url = `${server.url}?token=${mintToken(JWT_SECRET, userId)}&backoffMaxMs=1000`;
  const first = await visit(url);
  const worldName = unique('journal');
  await openWorld(first, worldName);
  assert.equal(await userIdOf(first), userId, 'the token names the user');
  await say(first, 'Dear diary');
  await completeReplies(first).first().waitFor();
  const agent = first.locator('[data-testid="agent-item"]').first();
  const agentId = await agent.getAttribute('data-agent');
  const prompt = `Keep a journal. (${unique('prompt')})`;
  await agent.locator('[data-testid="agent-edit-button"]').click();
  await byTestId(first, 'agent-prompt-input').fill(prompt);
  await byTestId(first, 'agent-prompt-input').press('Tab');
  await byTestId(first, 'agent-save-button').press('Enter');
  await byTestId(first, 'agent-editor').waitFor({ state: 'hidden' });

  await server.restart();

  await waitForOpen(first);
  await first.locator('[data-testid="notice"]', { hasText: /caught up|nothing was missed|could not recover/i }).waitFor();
  await message(first, 'human', 'Dear diary').waitFor();
  const diaryReply = await repliesAfter(first, 'Dear diary').first().locator('[data-testid="message-content"]').textContent();
  // The restarted server cannot replay anything, so a reloaded page shows the conversation from the world's history.
  await first.reload();
  await waitForOpen(first);
  await first.locator('[data-testid="current-world"]', { hasText: worldName }).waitFor();
  await message(first, 'human', 'Dear diary').waitFor();
  await completeReplies(first).filter({ hasText: diaryReply }).first().waitFor();
  assert.equal(await message(first, 'human', 'Dear diary').count(), 1, 'each past message once');
  const second = await visit(url);
  await second.locator(`[data-testid="world-item"][data-world="${worldName}"]`).click();
  await second.locator('[data-testid="current-world"]', { hasText: worldName }).waitFor();
  await message(second, 'human', 'Dear diary').waitFor(); // a new tab of a known user: the history too
  await second.locator(`[data-testid="agent-item"][data-agent="${agentId}"] [data-testid="agent-edit-button"]`).click();
  assert.equal(await byTestId(second, 'agent-prompt-input').inputValue(), prompt, 'the edit was saved before the restart');
  await byTestId(second, 'agent-cancel-button').click();
  await say(second, 'Back after the restart');
  await message(first, 'human', 'Back after the restart').waitFor();
  await repliesAfter(first, 'Back after the restart').first().waitFor();
});

withVisitors('a long conversation comes back in pages: the latest messages with the world, earlier ones on request', async (visit) => {
  const first = await visit();
  const worldName = unique('long');
  const template = await openWorld(first, worldName);
  for (let i = 1; i <= 14; i++) {
    await say(first, `note ${i}`);
    await repliesAfter(first, `note ${i}`).nth(2).waitFor();
  }
  const messageIds = (page) => page.locator('[data-testid="message"]')
    .evaluateAll((items) => items.map((item) => item.dataset.messageId).sort());
  await eventually(async () => (await first.locator('[data-testid="message"][data-complete="true"]:not(.pending)').count())
    === await first.locator('[data-testid="message"]').count(), 'every message on screen is complete');
  const everything = await messageIds(first);
  assert.ok(everything.length > 50, `more messages than one page of history (${everything.length})`);

  // A new tab opens the world afresh (nothing to resume): the server sends the chat's last 50 messages.
  const second = await visit(undefined, { resumeToken: await resumeTokenOf(first) });
  await openWorld(second, worldName, template);
  await eventually(async () => await second.locator('[data-testid="message"]').count() === 50, 'the latest 50 messages');
  const noteOne = second.locator('[data-kind="human"] [data-testid="message-content"]').filter({ hasText: /^note 1$/ });
  assert.equal(await noteOne.count(), 0, 'the oldest are not there yet');
  await byTestId(second, 'earlier-button').click();
  await noteOne.waitFor();
  await byTestId(second, 'earlier-button').waitFor({ state: 'detached' });
  assert.deepEqual(await messageIds(second), everything, 'every message once, none twice');
  assert.equal(await second.locator('[data-testid="message"] [data-testid="message-content"]').first().textContent(), 'note 1');
});

withVisitors('a message the server refuses is explained in plain words and marked as not sent', async (visit) => {
  const page = await visit();
  await openWorld(page, unique('limits'));
  await say(page, 'x'.repeat(40_000));
  await byTestId(page, 'error-banner').filter({ hasText: /^Could not send your message: / }).waitFor();
  await page.locator('[data-testid="message"][data-kind="human"].failed').waitFor();
  await say(page, 'A normal message still works');
  await repliesAfter(page, 'A normal message still works').first().waitFor();
  assert.equal(await byTestId(page, 'error-banner').isVisible(), false, 'the error clears once the next message is sent');
});

withVisitors('a refused token closes the connection for good and says so', async (visit) => {
  const page = await visit(`${server.url}?token=${mintToken('not-the-server-secret-but-long-enough-32', 'mallory')}`);
  await page.locator('[data-testid="conn-state"][data-state="closed"]').waitFor();
  assert.match(await byTestId(page, 'conn-label').textContent(), /^Disconnected: /);
  assert.equal(await byTestId(page, 'chat-input').isDisabled(), true, 'nothing can be sent');
});

withVisitors('on a phone-sized screen the conversation stays usable', async (visit) => {
  const page = await visit(undefined, { viewport: { width: 390, height: 780 } });
  await openWorld(page, unique('phone'));
  await say(page, 'Hi from a phone');
  await completeReplies(page).first().waitFor();
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: innerWidth }));
  assert.ok(widths.page <= widths.view, `nothing overflows sideways (${JSON.stringify(widths)})`);
  assert.ok(await byTestId(page, 'chat-input').isVisible(), 'the message box is on screen');
});
