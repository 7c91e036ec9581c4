// The Tandem web console (MS-8): both nodes of the pair, their resources, decisions, logs and progress,
// refreshed every second, and the operator commands, each behind a confirmation that says what it does.
// Everything goes through the node's API (/api/...): this node's own, and the peer's through
// /api/peer/..., so the rules decide every command as they do for the command line. Text from the nodes
// is only ever set as text, never as markup.
'use strict';

const S = {
  csrf: null, user: null, node: null, peer: null, profile: null,
  local: null, remote: null, remoteError: null,
  outcomes: [], logPage: 0, logQuery: '', ticking: false, ticks: 0,
};

const LABELS = {
  'start': 'Start', 'stop': 'Stop', 'swap': 'Swap', 'force-start': 'Force start',
  'boot-start-on': 'Boot start on', 'boot-start-off': 'Boot start off',
  'sync': 'Sync now', 'test-mail': 'Test mail', 'reload': 'Reload rules',
  'switchover': 'Switchover', 'standby-import': 'Standby import', 'rollback': 'Rollback',
  'trust-standby-key': 'Trust standby key',
};
const NODE_COMMANDS = ['start', 'stop', 'swap', 'force-start', 'boot-start-on', 'boot-start-off'];

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function call(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    opts.headers['Content-Type'] = 'application/json';
    if (S.csrf) opts.headers['X-CSRF-Token'] = S.csrf;
    opts.body = body === undefined ? '' : JSON.stringify(body);
  }
  let r;
  try {
    r = await fetch(path, opts);
  } catch (e) {
    return { code: 0, body: { error: 'this node does not answer (' + e.message + ')' } };
  }
  let j;
  try { j = await r.json(); } catch (e) { j = { error: 'HTTP ' + r.status }; }
  // this node's session ended (the peer's own refusals come back as the peer's answers)
  if (r.status === 401 && !path.startsWith('/api/peer/') && path !== '/api/login' && path !== '/api/session') {
    showLogin('Your session ended: log in again.');
  }
  return { code: r.status, body: j };
}

// ---- login ----

function showLogin(message) {
  S.csrf = null;
  $('app').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('login-password').value = '';
  $('login-password').focus();
}

async function login(ev) {
  ev.preventDefault();
  $('login-submit').disabled = true;
  const r = await call('POST', '/api/login', { user: $('login-user').value, password: $('login-password').value });
  $('login-submit').disabled = false;
  $('login-password').value = '';
  if (r.code === 200) {
    started(r.body);
  } else {
    $('login-error').textContent = r.body.error || ('HTTP ' + r.code);
  }
}

function started(session) {
  S.csrf = session.csrf; S.user = session.user; S.node = session.node; S.peer = session.peer;
  S.profile = session.profile;
  $('login').hidden = true;
  $('app').hidden = false;
  $('who').hidden = false;
  $('who-user').textContent = 'logged in as ' + S.user;
  $('title').textContent = S.profile + ' · console of ' + S.node;
  if (session.hawtioPort) {
    // the node's Hawtio, with the same login, on this host and the console's protocol
    const a = $('hawtio');
    a.href = location.protocol + '//' + location.hostname + ':' + session.hawtioPort + '/hawtio/';
    a.hidden = false;
  }
  const nodes = $('log-node');
  nodes.replaceChildren(el('option', { value: 'local' }, S.node), el('option', { value: 'peer' }, S.peer));
  tick();
}

async function logout() {
  await call('POST', '/api/logout');
  showLogin('Logged out.');
}

// ---- the pair ----

function stateOf(st) { return st && st.node ? st.node.state : null; }

function nodeCard(where, st, linkView, note) {
  const card = $(where === 'local' ? 'node-local' : 'node-peer');
  const id = where === 'local' ? S.node : S.peer;
  const n = st ? st.node : null;
  const state = n ? n.state : (linkView && linkView.state) || null;
  const data = n ? n.data : (linkView && linkView.data) || null;
  card.className = 'node ' + (state || 'unknown');
  card.dataset.node = id;
  card.dataset.state = state || '';
  if (!card.dataset.built) {
    // built once: the buttons stay the same elements while the facts around them change, so a click is
    // never lost to a refresh
    card.replaceChildren(el('h3', {}, id + (where === 'local' ? ' (this node)' : ' (peer)')),
      el('div', { class: 'state' }), el('dl', { class: 'facts' }), el('div', { class: 'notes' }),
      el('div', { class: 'buttons node-commands' }), el('div', { class: 'buttons procedures' }));
    card.dataset.built = '1';
  }
  card.querySelector('.state').textContent = state || 'not heard';
  card.querySelector('.facts').replaceChildren(...[
    el('dt', {}, 'data'), el('dd', { class: 'data data-' + String(data).replace(/\s+/g, '-') }, data || '?'),
    n ? el('dt', {}, 'services') : null, n ? el('dd', { class: 'services' }, n.services) : null,
    n && n.role ? el('dt', {}, 'role') : null, n && n.role ? el('dd', {}, n.role) : null,
    el('dt', {}, 'generation'), el('dd', {}, n ? n.generation : (linkView && linkView.generation) ?? '?'),
    n ? el('dt', {}, 'since') : null, n ? el('dd', {}, new Date(n.since).toLocaleString()) : null,
  ].filter(x => x));
  const notes = [];
  if (n && n.suspendedRules && n.suspendedRules.length) {
    notes.push(el('p', { class: 'note' }, 'rules suspended by the loop guard: ' + n.suspendedRules.join(', ')));
  }
  if (note) notes.push(el('p', { class: 'note' }, note));
  card.querySelector('.notes').replaceChildren(...notes);
  const commands = st && st.commands ? st.commands : [];
  const key = commands.map(c => c.name + '=' + c.description).join('|');
  if (card.dataset.commands !== key) {
    card.dataset.commands = key;
    const mine = commands.filter(c => NODE_COMMANDS.includes(c.name));
    const other = commands.filter(c => !NODE_COMMANDS.includes(c.name));
    card.querySelector('.node-commands').replaceChildren(...mine.map(c => commandButton(where, id, c)));
    card.querySelector('.procedures').replaceChildren(...other.map(c => commandButton(where, id, c)));
  }
}

function commandButton(where, id, c) {
  return el('button', {
    type: 'button', 'data-command': c.name, 'data-node': id, title: c.description,
    onclick: () => confirmCommand(where, id, c, where === 'local' ? S.local : S.remote),
  }, LABELS[c.name] || c.name);
}

function renderPair() {
  const st = S.local;
  nodeCard('local', st, null, null);
  const peerLink = st && st.peer ? st.peer : null;
  nodeCard('peer', S.remote, peerLink,
    S.remote ? null : 'as the peer link last reported it' + (S.remoteError ? '; its console: ' + S.remoteError : ''));
  const link = $('link');
  const heard = peerLink && peerLink.state;
  link.className = 'link' + (heard ? '' : ' down');
  link.textContent = heard ? 'peer link up' + (peerLink.lastHeard ? ', heard ' + new Date(peerLink.lastHeard).toLocaleTimeString() : '')
    : 'peer not heard';
  if (peerLink && peerLink.mismatch) link.textContent += ' · settings differ: ' + peerLink.mismatch;
}

function renderResources() {
  const box = $('resources');
  const tables = [];
  for (const [id, st] of [[S.node, S.local], [S.peer, S.remote]]) {
    if (!st) continue;
    const rows = st.resources.map(r => el('tr', { 'data-resource': r.resource },
      el('td', {}, r.resource),
      el('td', {}, (r.resource.includes('.') ? r.resource.split('.')[0] : 'resource') + (r.critical ? ' (critical)' : '')),
      el('td', { class: String(r.status).toLowerCase() }, r.status),
      el('td', {}, r.detail || ''),
      el('td', {}, r.lastChange ? new Date(r.lastChange).toLocaleString() : '')));
    tables.push(el('h3', {}, id), el('table', { id: 'resources-' + id },
      el('thead', {}, el('tr', {}, el('th', {}, 'resource'), el('th', {}, 'type'), el('th', {}, 'status'),
        el('th', {}, 'detail'), el('th', {}, 'last change'))),
      el('tbody', {}, ...rows)));
  }
  box.replaceChildren(...tables);
}

function kv(obj) {
  const dl = el('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(obj || {})) {
    dl.append(el('dt', {}, k), el('dd', {}, v !== null && typeof v === 'object' ? JSON.stringify(v) : (v ?? '')));
  }
  return dl;
}

function renderProgress() {
  const parts = [];
  for (const [id, st] of [[S.node, S.local], [S.peer, S.remote]]) {
    if (!st) continue;
    parts.push(el('h3', {}, id));
    if (st.replication && Object.keys(st.replication).length) parts.push(kv(st.replication));
    if (st.redundancy) parts.push(kv(st.redundancy));
  }
  $('progress').replaceChildren(...parts);
}

function renderEvents() {
  const rows = [];
  for (const [id, st] of [[S.node, S.local], [S.peer, S.remote]]) {
    if (!st || !st.events) continue;
    for (const e of st.events) rows.push({ id, ...e });
  }
  rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  $('events').tBodies[0].replaceChildren(...rows.slice(0, 20).map(e => el('tr', { class: 'event ' + e.kind },
    el('td', {}, e.id), el('td', {}, new Date(e.at).toLocaleTimeString()), el('td', {}, e.kind), el('td', {}, e.text))));
}

// ---- commands ----

function confirmCommand(where, id, c, st) {
  const d = $('confirm');
  const label = LABELS[c.name] || c.name;
  $('confirm-title').textContent = label + ' on ' + id + '?';
  $('confirm-text').textContent = (c.description || c.name) + '. ' + id + ' is ' + (stateOf(st) || 'not heard')
    + ' now; the rules decide whether the command applies, and their answer is shown below.';
  const extra = $('confirm-extra');
  extra.replaceChildren();
  const args = {};
  const inputs = [];
  if (c.name === 'switchover' && st.redundancy && st.redundancy.checklist && st.redundancy.checklist.length) {
    extra.append(el('p', {}, 'Move this by hand first, and tick each:'));
    for (const item of st.redundancy.checklist) {
      const box = el('input', { type: 'checkbox', class: 'checklist', required: true });
      extra.append(el('label', {}, box, ' ' + item));
    }
  } else if (c.name === 'standby-import') {
    const f = el('input', { id: 'arg-file', required: true, size: 50, placeholder: '/var/backup/full.tar' });
    extra.append(el('label', {}, 'Backup file on ' + id + ': ', f));
    inputs.push(() => { args.file = f.value; args.confirm = 'true'; });
  } else if (c.name === 'rollback') {
    const step = el('select', { id: 'arg-rollback' },
      el('option', { value: 'next' }, 'run the next step'),
      el('option', { value: 'confirm' }, 'confirm the current step (checked by hand)'),
      el('option', { value: 'status' }, 'show every step'));
    extra.append(el('label', {}, 'Rollback: ', step));
    inputs.push(() => { if (step.value !== 'next') args[step.value] = 'true'; });
  } else if (c.name === 'trust-standby-key') {
    const fp = el('input', { id: 'arg-fingerprint', size: 50, placeholder: 'SHA256:... (empty: show the key first)' });
    extra.append(el('label', {}, 'Fingerprint to trust: ', fp));
    inputs.push(() => { if (fp.value.trim()) { args.confirm = 'true'; args.fingerprint = fp.value.trim(); } });
  }
  const form = $('confirm-form');
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (!form.reportValidity()) return;
    inputs.forEach(f => f());
    d.close();
    send(where, id, c.name, args);
  };
  $('confirm-cancel').onclick = () => d.close();
  d.showModal();
}

async function send(where, id, name, args) {
  const base = where === 'local' ? '/api/' : '/api/peer/';
  const o = { node: id, command: name, status: 'asking', text: '', ticket: null };
  S.outcomes.unshift(o);
  renderOutcomes();
  const body = Object.keys(args).length ? { name, args } : { name };
  const r = await call('POST', base + 'command', body);
  if (r.code === 200 && r.body.accepted) {
    o.ticket = r.body.ticket;
    o.status = r.body.outcome || 'running';
    o.text = r.body.reason || '';
    renderOutcomes();
    if (o.ticket) await follow(base, o);
  } else if (r.code === 409) {
    o.status = 'refused';
    o.text = r.body.reason + (r.body.rule ? ' (rule "' + r.body.rule + '")' : '');
  } else {
    o.status = 'failed';
    o.text = r.body.error || r.body.reason || ('HTTP ' + r.code);
  }
  renderOutcomes();
}

async function follow(base, o) {
  // bounded: 120 answers of at most 5 s each
  for (let i = 0; i < 120 && o.status === 'running'; i++) {
    const r = await call('GET', base + 'commands/' + o.ticket + '?wait=5');
    if (r.code !== 200) {
      o.status = 'failed';
      o.text = r.body.error || ('HTTP ' + r.code);
      break;
    }
    o.status = r.body.status;
    o.text = r.body.sentence || r.body.reason || '';
    renderOutcomes();
  }
}

function renderOutcomes() {
  $('outcomes').replaceChildren(...S.outcomes.slice(0, 20).map(o => el('li', {
    class: 'outcome ' + o.status, 'data-command': o.command, 'data-node': o.node, 'data-status': o.status,
    'data-ticket': o.ticket,
  }, o.node + ' ' + o.command + ': ', el('b', {}, o.status), o.text ? ' — ' + o.text : '')));
}

// ---- logs ----

async function loadLogs() {
  const peer = $('log-node').value === 'peer';
  const name = $('log-name').value || 'commands';
  const q = new URLSearchParams({ log: name, page: String(S.logPage), q: S.logQuery });
  const r = await call('GET', (peer ? '/api/peer/logs?' : '/api/logs?') + q.toString());
  const lines = $('log-lines');
  if (r.code !== 200) {
    lines.replaceChildren(el('li', { class: 'error' }, r.body.error || ('HTTP ' + r.code)));
    return;
  }
  const select = $('log-name');
  const have = Array.from(select.options).map(o => o.value).join('|');
  if (have !== r.body.logs.join('|')) {
    select.replaceChildren(...r.body.logs.map(n => el('option', { value: n, selected: n === r.body.log }, n)));
  }
  $('log-page').textContent = 'page ' + (r.body.page + 1) + ' of ' + r.body.pages + ' (' + r.body.matching + ' lines)';
  $('log-prev').disabled = r.body.page === 0;
  $('log-next').disabled = r.body.page + 1 >= r.body.pages;
  lines.replaceChildren(...r.body.lines.map(l => el('li', {}, l)));
}

// ---- the loop ----

async function tick() {
  if (S.ticking || !S.csrf) return;
  S.ticking = true;
  try {
    const l = await call('GET', '/api/status');
    if (!S.csrf) return;
    S.local = l.code === 200 ? l.body : null;
    const p = await call('GET', '/api/peer/status');
    S.remote = p.code === 200 ? p.body : null;
    S.remoteError = p.code === 200 ? null : (p.body.error || ('HTTP ' + p.code));
    renderPair();
    renderResources();
    renderProgress();
    renderEvents();
    if (S.ticks % 3 === 0 && S.logPage === 0) await loadLogs();
    S.ticks++;
  } finally {
    S.ticking = false;
    if (S.csrf) setTimeout(tick, 1000);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('log-node').addEventListener('change', () => { S.logPage = 0; $('log-name').replaceChildren(); loadLogs(); });
  $('log-name').addEventListener('change', () => { S.logPage = 0; loadLogs(); });
  let typing = null;
  $('log-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { S.logQuery = $('log-q').value; S.logPage = 0; loadLogs(); }, 400);
  });
  $('log-prev').addEventListener('click', () => { if (S.logPage > 0) { S.logPage--; loadLogs(); } });
  $('log-next').addEventListener('click', () => { S.logPage++; loadLogs(); });
  const r = await call('GET', '/api/session');
  if (r.code === 200) started(r.body); else showLogin('');
});
