// The world-ws page: pick or clone a world, chat with its agents, edit them, and stay connected.
// Protocol: docs/protocol.md. Every field the server may omit is treated as optional.
import { Connection } from './connection.js';

const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);
const query = new URLSearchParams(location.search);
const token = query.get('token'); // a known user's credential, passed through untouched
const saved = {
  get resumeToken() { return sessionStorage.getItem('wws.resumeToken'); },
  set resumeToken(value) { value ? sessionStorage.setItem('wws.resumeToken', value) : sessionStorage.removeItem('wws.resumeToken'); },
  get world() { return JSON.parse(sessionStorage.getItem('wws.world') || 'null'); },
  set world(value) { sessionStorage.setItem('wws.world', JSON.stringify(value)); },
};

const state = {
  userId: null,
  world: null,          // {templateName, worldName, chatId}
  agents: new Map(),    // agent id -> {id, name, active, systemPrompt, replying}
  lastSeq: 0,           // the last world event seen; the resume point
  epoch: null,
  resuming: null,       // {from} while a resume is in flight; then {from, missed} while catching up
  requests: new Map(),  // request id -> what it was, so an error can say what failed
  historyChatId: null,  // the chat whose history world_selected brought; chat_history pages back through it
};

const ERRORS = {
  invalid_json: 'The server could not read a message from this page.',
  unknown_type: 'The server does not know that request.',
  invalid_payload: 'The request was missing something or had a wrong value.',
  invalid_name: "Names may use letters, digits, '.', '_' and '-', and must start with a letter or digit.",
  template_not_found: 'There is no template of that name.',
  world_not_found: 'You have no world of that name.',
  world_exists: 'You already have a world of that name.',
  agent_not_found: 'This world has no agent of that name.',
  world_not_selected: 'Open a world first.',
  rate_limited: 'You are sending too fast. Wait a moment and try again.',
  message_too_large: 'That message is too long.',
  unauthorized: 'Your sign-in was refused.',
  corrupt_world: 'A file of this world could not be read.',
  storage_error: 'The world could not be read or saved.',
  busy: 'The world is busy. Try again in a moment.',
  internal: 'Something went wrong on the server.',
};

// ---------- connection ----------

function credential() {
  if (token) return `token=${encodeURIComponent(token)}`;
  const resume = saved.resumeToken;
  return resume ? `resumeToken=${encodeURIComponent(resume)}` : '';
}

const connection = new Connection({
  url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?${credential()}`,
  onMessage: handle,
  onState: showConnection,
  baseMs: Number(query.get('backoffBaseMs')) || 500,
  maxMs: Number(query.get('backoffMaxMs')) || 15000,
});

let countdown = 0;
function showConnection(change) {
  const box = $('conn-state');
  const label = $('conn-label');
  clearInterval(countdown);
  box.dataset.state = change.state;
  $('reconnect-now').hidden = change.state !== 'reconnecting';
  setComposerEnabled(change.state === 'open' && state.world !== null);
  if (change.state === 'connecting') label.textContent = change.attempt ? `Connecting (attempt ${change.attempt + 1})…` : 'Connecting…';
  if (change.state === 'open') label.textContent = 'Connected';
  if (change.state === 'closed') label.textContent = `Disconnected: ${change.reason}`;
  if (change.state === 'reconnecting') {
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((change.retryAt - Date.now()) / 1000));
      label.textContent = `Reconnecting in ${seconds}s…`;
    };
    tick();
    countdown = setInterval(tick, 250);
    if (!change.everOpened) forgetExpiredResumeToken();
  }
}

/** A refused handshake looks like a plain network failure to a page; ask the REST side whether it was our token. */
async function forgetExpiredResumeToken() {
  if (token || !saved.resumeToken) return;
  try {
    const response = await fetch(`api/worlds?${credential()}`);
    if (response.status === 401 || response.status === 403) {
      saved.resumeToken = null;
      showNotice('Your earlier anonymous session has expired; starting a new one.');
    }
  } catch {
    // the server is down; the next attempt will tell
  }
}

function request(type, payload, what) {
  const id = connection.send(type, payload);
  if (id === null) {
    showError('Not connected. Your request was not sent; it can be repeated once the connection is back.');
    return null;
  }
  state.requests.set(id, what);
  return id;
}

// ---------- server messages ----------

function handle(message) {
  const payload = message.payload ?? {};
  if (message.type === 'error') return serverError(payload, message.replyTo);
  if (message.replyTo) state.requests.delete(message.replyTo);
  if (message.type === 'world_selected') return worldSelected(message, payload);
  if (typeof message.seq === 'number' && !noteSeq(message.seq)) return; // already seen (duplicate delivery)
  switch (message.type) {
    case 'connected': return connected(payload);
    case 'chat_response': return streamed(payload, message);
    case 'event_stream': return worldEvent(payload.eventType, payload.event ?? {}, message);
    case 'agent_updated': return upsertAgent(payload.agent ?? {}, payload.agentName);
    case 'world_reloaded': return reloaded(payload);
    case 'status': return status(payload);
    case 'chat_history': return earlierMessages(payload);
    default: return undefined; // pong and anything newer than this page
  }
}

function noteSeq(seq) {
  if (seq <= state.lastSeq) return false;
  state.lastSeq = seq;
  const resuming = state.resuming;
  if (resuming?.missed !== undefined && seq > resuming.from) {
    resuming.missed++;
    const noun = resuming.missed === 1 ? 'event' : 'events';
    showNotice(resuming.restoring ? `Restored ${resuming.missed} ${noun} of this world.`
      : `Reconnected: caught up ${resuming.missed} missed ${noun}.`);
  }
  return true;
}

function connected(payload) {
  connection.markHealthy();
  if (payload.resumeToken && !token) saved.resumeToken = payload.resumeToken;
  // A server that no longer knows us (restarted, or the grace period ran out) makes us a new user: nothing to resume.
  const identityLost = state.userId !== null && payload.userId !== state.userId;
  state.userId = payload.userId ?? null;
  $('user-id').textContent = payload.userId ?? '?';
  $('user-id').title = payload.anonymous ? 'Anonymous: kept while this tab lives' : 'Signed in with a token';
  loadWorlds();
  const world = state.world ?? saved.world;
  if (!world?.worldName) return;
  const selection = { templateName: world.templateName, worldName: world.worldName };
  if (identityLost && state.world) {
    state.resuming = null;
    showNotice('Could not recover: the server no longer knew this anonymous visitor, so the world was reloaded as new.');
  } else if (state.world) { // this page saw the world: ask only for what it missed
    selection.resumeFrom = state.lastSeq;
    if (state.epoch) selection.epoch = state.epoch;
    state.resuming = { from: state.lastSeq };
  } else if (world.epoch) { // the page was reloaded: replay what the server still holds of this world
    Object.assign(selection, { resumeFrom: 0, epoch: world.epoch });
    state.resuming = { from: 0, restoring: true };
  }
  request('world_select', selection, 'open the world');
}

function worldSelected(message, payload) {
  const world = payload.world ?? {};
  state.world = {
    templateName: payload.templateName ?? world.originalTemplate ?? $('template-select').value,
    worldName: payload.worldName ?? world.name,
    chatId: world.currentChatId ?? null,
  };
  state.epoch = payload.epoch ?? message.epoch ?? state.epoch;
  saved.world = { templateName: state.world.templateName, worldName: state.world.worldName, epoch: state.epoch };
  $('current-world').textContent = state.world.worldName;
  document.title = `${state.world.worldName} · world-ws`;
  $('current-world').title = `from template ${state.world.templateName}`;
  const resuming = state.resuming;
  // A sequence behind our resume point means the numbering restarted: whatever the flag says, that is no recovery.
  const sequenceRestarted = typeof payload.seq === 'number' && resuming && payload.seq < resuming.from;
  renderAgents(payload.agents ?? []);
  if (resuming && payload.recovered === true && !sequenceRestarted) {
    state.resuming = { ...resuming, missed: 0 };
    if (resuming.restoring) clearConversation();
    else showNotice('Reconnected: nothing was missed.');
  } else {
    state.resuming = null;
    state.lastSeq = numberOr(payload.seq ?? message.seq, 0);
    const history = Array.isArray(payload.history) ? payload.history : null;
    if (history) {
      // The snapshot replaces what is on screen: the chat's last messages as the server keeps them.
      clearConversation();
      for (const past of history) showMessage(past, message);
      state.historyChatId = payload.historyChatId ?? null;
      offerEarlier(payload.historyHasMore === true);
      if (resuming && !resuming.restoring) showNotice('Could not recover the missed events: reloaded the world and its recent messages.');
    } else if (resuming && !resuming.restoring) {
      // A server without history: keep what is on screen, but say plainly that something may be missing in between.
      addBubble('system', 'system', message.timestamp).dataset.complete = 'true';
      setText(log.lastElementChild, 'Reconnected, but the events missed meanwhile could not be recovered.');
      showNotice('Could not recover the missed events: reloaded the world.');
    } else {
      clearConversation();
    }
  }
  setComposerEnabled(true);
  markCurrentWorld();
  // On a phone the picker would push the conversation off screen; fold it once a world is open.
  if (matchMedia('(max-width: 720px)').matches) $('world-panel').open = false;
  loadWorlds();
}

function reloaded(payload) {
  renderAgents(payload.agents ?? []);
  showNotice('The world was reloaded from storage.');
}

function status(payload) {
  // Other statuses acknowledge our own requests; what they confirm is already on screen.
  if (payload.type === 'server_shutdown') showNotice('The server is shutting down; this page will reconnect by itself.');
}

function serverError(payload, replyTo) {
  const what = replyTo && state.requests.get(replyTo);
  state.requests.delete(replyTo);
  const plain = ERRORS[payload.code] ?? 'The server reported a problem.';
  showError(`${what ? `Could not ${what}: ` : ''}${plain}${payload.message ? ` (${payload.message})` : ''}`);
  if (replyTo) document.querySelector(`[data-request="${replyTo}"]`)?.classList.add('failed');
}

/** event_stream: complete messages, system notices and world activity (who is replying). */
function worldEvent(eventType, event, message) {
  if (eventType === 'message') return showMessage(event, message);
  if (eventType === 'system') return showMessage({ ...event, sender: 'system', senderType: 'system' }, message);
  if (Array.isArray(event.activeAgents)) {
    for (const agent of state.agents.values()) agent.replying = event.activeAgents.includes(agent.id);
    renderAgentStatus();
  }
  return undefined;
}

// ---------- chat ----------

const log = $('chat-log');
const bubbles = new Map(); // messageId -> <li>

function senderKind(event) {
  const type = String(event.senderType ?? '').toLowerCase();
  const sender = String(event.sender ?? '').toLowerCase();
  if (type === 'human' || ['human', 'user', 'you'].includes(sender)) return 'human';
  if (type === 'agent' || state.agents.has(event.sender)) return 'agent';
  return 'system';
}

function showMessage(event, message) {
  const kind = senderKind(event);
  const content = String(event.content ?? '');
  // An agent's finished reply carries the id of the stream already on screen.
  let bubble = event.messageId && bubbles.get(event.messageId);
  // Our own message comes back from the server; it replaces the one shown while it was on its way.
  if (!bubble && kind === 'human') bubble = [...log.querySelectorAll('.msg.pending')].find((b) => b.dataset.text === content);
  if (!bubble) bubble = addBubble(kind, event.sender, event.createdAt ?? message?.timestamp);
  bubble.classList.remove('pending');
  bubble.dataset.complete = 'true';
  if (event.messageId) remember(bubble, event.messageId);
  setText(bubble, content);
  scrollDown();
}

function streamed(payload, message) {
  const agentId = payload.agentName ?? 'agent';
  let bubble = bubbles.get(payload.messageId);
  if (!bubble) {
    bubble = addBubble('agent', agentId, message.timestamp);
    bubble.dataset.complete = 'false';
    remember(bubble, payload.messageId);
  }
  const content = String(payload.content ?? '');
  if (payload.kind === 'chunk') setText(bubble, bubble.dataset.text + content);
  if (payload.kind === 'end' || payload.complete === true) {
    if (content && payload.kind === 'end') setText(bubble, content);
    bubble.dataset.complete = 'true';
  }
  if (payload.kind === 'error') {
    bubble.dataset.complete = 'true';
    bubble.classList.add('failed');
    setText(bubble, bubble.dataset.text || `(${agentId} could not answer${content ? `: ${content}` : ''})`);
  }
  const agent = state.agents.get(agentId);
  if (agent) {
    agent.replying = bubble.dataset.complete !== 'true';
    renderAgentStatus();
  }
  scrollDown();
}

function remember(bubble, messageId) {
  if (!messageId) return;
  bubble.dataset.messageId = messageId;
  bubbles.set(messageId, bubble);
}

function addBubble(kind, sender, timestamp) {
  const near = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const li = document.createElement('li');
  li.className = `msg ${kind}`;
  li.dataset.testid = 'message';
  li.dataset.kind = kind;
  li.dataset.sender = sender ?? '';
  li.dataset.text = '';
  if (kind === 'agent') li.style.setProperty('--hue', hueOf(sender ?? ''));
  const head = document.createElement('div');
  head.className = 'meta';
  const who = document.createElement('span');
  who.className = 'author';
  who.dataset.testid = 'message-author';
  const names = {
    human: sender && sender !== 'human' ? sender : 'You',
    agent: displayName(sender),
    system: sender === 'world' ? 'World' : 'System',
  };
  who.textContent = names[kind];
  const when = document.createElement('time');
  const date = timestamp ? new Date(timestamp) : new Date();
  if (!Number.isNaN(date.getTime())) {
    when.dateTime = date.toISOString();
    when.textContent = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  const body = document.createElement('div');
  body.className = 'content';
  body.dataset.testid = 'message-content';
  head.append(who, when);
  li.append(head, body);
  log.append(li);
  if (near) li.dataset.stick = 'true';
  return li;
}

/** A stable colour per agent, so a long conversation is easy to follow. */
function hueOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) % 360;
  return String((hash * 7 + 200) % 360);
}

/** Writes text safely (never as HTML) and marks @mentions. */
function setText(bubble, text) {
  bubble.dataset.text = text;
  const body = bubble.querySelector('.content');
  body.replaceChildren(...text.split(/(@[A-Za-z0-9][A-Za-z0-9._-]*)/).map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const mention = document.createElement('span');
    mention.className = 'mention';
    mention.textContent = part;
    return mention;
  }));
}

function scrollDown() {
  const last = log.lastElementChild;
  if (last?.dataset.stick || log.scrollHeight - log.scrollTop - log.clientHeight < 160) log.scrollTop = log.scrollHeight;
}

/** Shows (or removes) the button at the top of the conversation that asks the server for older messages. */
function offerEarlier(more) {
  const existing = log.querySelector('.earlier');
  if (!more) {
    existing?.remove();
    return;
  }
  if (existing) return;
  const li = document.createElement('li');
  li.className = 'earlier';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.dataset.testid = 'earlier-button';
  button.textContent = 'Show earlier messages';
  button.addEventListener('click', () => {
    const first = log.querySelector('[data-testid="message"][data-message-id]');
    const payload = { limit: 50 };
    if (state.historyChatId) payload.chatId = state.historyChatId;
    if (first) payload.before = first.dataset.messageId;
    if (request('chat_history', payload, 'load earlier messages') !== null) button.disabled = true;
  });
  li.append(button);
  log.prepend(li);
}

/** chat_history: older messages go above the ones on screen, and the view stays where the reader is. */
function earlierMessages(payload) {
  const button = log.querySelector('.earlier button');
  if (button) button.disabled = false;
  const anchor = log.querySelector('[data-testid="message"]');
  const fromBottom = log.scrollHeight - log.scrollTop;
  for (const past of payload.messages ?? []) {
    if (past.messageId && bubbles.has(past.messageId)) continue;
    const bubble = addBubble(senderKind(past), past.sender, past.createdAt);
    bubble.dataset.complete = 'true';
    remember(bubble, past.messageId);
    setText(bubble, String(past.content ?? ''));
    delete bubble.dataset.stick;
    log.insertBefore(bubble, anchor);
  }
  log.scrollTop = log.scrollHeight - fromBottom;
  offerEarlier(payload.hasMore === true);
}

function clearConversation() {
  log.replaceChildren();
  bubbles.clear();
  log.dataset.placeholder = 'No messages yet. Every active agent answers you; start with @name to address one.';
}

function sendChat(text) {
  const content = text.trim();
  if (!content) return false;
  const id = request('chat_send', { content, ...(state.world?.chatId ? { chatId: state.world.chatId } : {}) }, 'send your message');
  if (!id) return false;
  const bubble = addBubble('human', 'human');
  bubble.classList.add('pending');
  bubble.dataset.request = id;
  bubble.dataset.complete = 'false';
  setText(bubble, content);
  log.scrollTop = log.scrollHeight;
  return true;
}

// ---------- agents ----------

/** An agent as the protocol shows it (AgentView); a field left out keeps what the page knew. */
function toAgent(raw, fallbackId) {
  const id = raw.id ?? fallbackId;
  const known = state.agents.get(id) ?? {};
  return {
    id,
    name: raw.name ?? known.name ?? id,
    active: raw.active ?? known.active ?? true,
    systemPrompt: raw.systemPrompt ?? known.systemPrompt ?? '',
    replying: known.replying ?? false,
  };
}

function displayName(agentId) {
  return state.agents.get(agentId)?.name ?? agentId;
}

function renderAgents(list) {
  state.agents.clear();
  for (const raw of list) {
    const agent = toAgent(raw);
    if (agent.id) state.agents.set(agent.id, agent);
  }
  const ul = $('agent-list');
  ul.replaceChildren();
  if (state.agents.size === 0) ul.innerHTML = '<li class="empty">This world has no agents.</li>';
  for (const agent of state.agents.values()) ul.append(agentItem(agent));
}

function agentItem(agent) {
  const li = document.createElement('li');
  li.className = 'agent-card';
  li.dataset.testid = 'agent-item';
  li.dataset.agent = agent.id;
  li.innerHTML = `
    <span class="status" aria-hidden="true"></span>
    <div class="who"><strong data-testid="agent-name"></strong><small data-testid="agent-status"></small></div>
    <button type="button" class="icon" data-testid="agent-mention-button">@</button>
    <button type="button" class="secondary" data-testid="agent-edit-button">Edit</button>`;
  li.querySelector('[data-testid="agent-mention-button"]').addEventListener('click', () => mention(agent.id));
  li.querySelector('[data-testid="agent-edit-button"]').addEventListener('click', () => openEditor(agent.id));
  fillAgentItem(li, agent);
  return li;
}

function fillAgentItem(li, agent) {
  const status = !agent.active ? 'inactive' : agent.replying ? 'replying' : 'idle';
  li.dataset.active = String(agent.active);
  li.dataset.status = status;
  li.querySelector('[data-testid="agent-name"]').textContent = agent.name;
  li.querySelector('[data-testid="agent-status"]').textContent = status === 'replying' ? 'replying…' : status;
  li.querySelector('[data-testid="agent-mention-button"]').title = `Address ${agent.name} (@${agent.id})`;
  li.querySelector('[data-testid="agent-mention-button"]').setAttribute('aria-label', `Mention ${agent.name}`);
  li.querySelector('[data-testid="agent-edit-button"]').setAttribute('aria-label', `Edit ${agent.name}`);
}

function renderAgentStatus() {
  for (const li of $('agent-list').querySelectorAll('[data-agent]')) {
    const agent = state.agents.get(li.dataset.agent);
    if (agent) fillAgentItem(li, agent);
  }
}

function upsertAgent(raw, agentName) {
  const agent = toAgent(raw, agentName);
  if (!agent.id) return;
  const isNew = !state.agents.has(agent.id);
  state.agents.set(agent.id, agent);
  if (isNew) renderAgents([...state.agents.values()]);
  else renderAgentStatus();
  if (editor.open && editor.dataset.agent === agent.id) fillEditor(agent, { keepEdits: true });
}

function mention(agentId) {
  const input = $('chat-input');
  const rest = input.value.replace(/^(@[A-Za-z0-9][A-Za-z0-9._-]*\s*)+/, '');
  input.value = `@${agentId} ${rest}`;
  input.focus();
  autosize();
}

// ---------- agent editor ----------

const editor = $('agent-editor');
let editorDirty = false;

function openEditor(agentId) {
  const agent = state.agents.get(agentId);
  if (!agent) return;
  editor.dataset.agent = agentId;
  editorDirty = false;
  fillEditor(agent, { keepEdits: false });
  editor.showModal();
  $('agent-prompt-input').focus();
}

function fillEditor(agent, { keepEdits }) {
  $('agent-editor-name').textContent = agent.name;
  const hint = $('agent-editor-hint');
  if (keepEdits && editorDirty) {
    hint.textContent = 'This agent was just changed elsewhere. Saving will replace that change.';
    hint.hidden = false;
    return;
  }
  hint.hidden = true;
  $('agent-active-input').checked = agent.active;
  $('agent-prompt-input').value = agent.systemPrompt;
}

editor.addEventListener('input', () => { editorDirty = true; });
$('agent-cancel-button').addEventListener('click', () => editor.close());
$('agent-editor-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const agentName = editor.dataset.agent;
  const config = { active: $('agent-active-input').checked, systemPrompt: $('agent-prompt-input').value };
  if (request('agent_update', { agentName, config }, `update ${displayName(agentName)}`)) editor.close();
});

// ---------- worlds and templates ----------

async function getJson(path) {
  const separator = path.includes('?') ? '&' : '?';
  const cred = credential();
  const response = await fetch(cred ? `${path}${separator}${cred}` : path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

const listOf = (json, key) => json?.[key] ?? [];

async function loadTemplates() {
  try {
    const templates = listOf(await getJson('api/templates'), 'templates');
    const select = $('template-select');
    select.replaceChildren(...templates.map((template) => {
      const option = document.createElement('option');
      option.value = template.name;
      option.textContent = template.displayName ?? template.name;
      if (template.description) option.title = template.description;
      return option;
    }));
    if (templates.length === 0) select.innerHTML = '<option value="">No templates on this server</option>';
    const input = $('world-name-input');
    if (!input.value && select.value) input.value = `my-${select.value}`.slice(0, 64);
  } catch (error) {
    showError(`Could not list the templates: ${error.message}`);
  }
}

async function loadWorlds() {
  try {
    const worlds = listOf(await getJson('api/worlds'), 'worlds');
    const ul = $('world-list');
    ul.replaceChildren(...worlds.map((world) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      const worldName = world.name;
      const templateName = world.template;
      button.type = 'button';
      button.className = 'world';
      button.dataset.testid = 'world-item';
      button.dataset.world = worldName;
      button.innerHTML = '<strong></strong><small></small>';
      button.querySelector('strong').textContent = worldName;
      button.querySelector('small').textContent = templateName ? `from ${templateName}` : '';
      button.addEventListener('click', () => selectWorld(templateName ?? $('template-select').value, worldName));
      li.append(button);
      return li;
    }));
    if (worlds.length === 0) ul.innerHTML = '<li class="empty">None yet.</li>';
    markCurrentWorld();
  } catch (error) {
    // The list is a convenience; the connection state already says when the server is away.
  }
}

function markCurrentWorld() {
  for (const button of $('world-list').querySelectorAll('[data-world]')) {
    button.setAttribute('aria-current', String(button.dataset.world === state.world?.worldName));
  }
}

function selectWorld(templateName, worldName) {
  hideBanners();
  state.resuming = null;
  request('world_select', { templateName, worldName }, `open ${worldName}`);
}

$('world-form').addEventListener('submit', (event) => {
  event.preventDefault();
  selectWorld($('template-select').value, $('world-name-input').value.trim());
});
$('template-select').addEventListener('change', () => {
  $('world-name-input').value = `my-${$('template-select').value}`.slice(0, 64);
});

// ---------- composer, banners ----------

const input = $('chat-input');
function autosize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}
function setComposerEnabled(enabled) {
  input.disabled = !enabled;
  $('chat-send-button').disabled = !enabled;
}
input.addEventListener('input', autosize);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('chat-form').requestSubmit();
  }
});
$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (sendChat(input.value)) {
    input.value = '';
    autosize();
    hideBanners();
  }
});
$('reconnect-now').addEventListener('click', () => connection.retryNow());

function showNotice(text) {
  const notice = $('notice');
  notice.textContent = text;
  notice.hidden = false;
}
function showError(text) {
  const banner = $('error-banner');
  banner.textContent = text;
  banner.hidden = false;
}
function hideBanners() {
  $('error-banner').hidden = true;
}
const numberOr = (value, fallback) => (typeof value === 'number' ? value : fallback);

loadTemplates();
connection.start();
addEventListener('pagehide', () => connection.close('Page closed.'));
// Coming back through the back/forward cache: the socket was closed on the way out.
addEventListener('pageshow', (event) => { if (event.persisted) connection.start(); });
