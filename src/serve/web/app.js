// SPDX-License-Identifier: MIT
// The dashboard (issue 17, docs/dashboard.md): each page drawn from the
// server's JSON API under /api/v1/ and kept live by its event stream
// (/api/v1/stream). Text from the server is only ever set as text
// (h() below), never parsed as HTML. The pages a role sees are those whose
// routes the server lets it use (docs/serve.md); the server checks again.
'use strict';

const API = '/api/v1';
const P = 'planner', C = 'commander', M = 'movement', H = 'host-liaison', R = 'ramp', V = 'viewer';
const PAGES = [
  { id: 'overview', title: 'Overview', roles: [P, C, M, H, V] },
  { id: 'clearances', title: 'Clearance desk', roles: [P, C, M, H] },
  { id: 'record', title: 'Record events', roles: [P, M] },
  { id: 'sorties', title: 'Sortie board', roles: [P, C, M] },
  { id: 'exits', title: 'Entry and exit', roles: [P, C, M, H] },
  { id: 'ramp', title: 'Ramp', roles: [P, C, M, R] },
  { id: 'newplan', title: 'New plan', roles: [P, C] },
  { id: 'downloads', title: 'Downloads', roles: [P, C] },
];
const STREAM_ROLES = [P, C, M, H, V];

const S = {
  sess: null,        // {user, role, site, csrf}
  status: null,      // the latest status (summary)
  opened: null,      // the status when the dashboard was opened
  changes: [],       // events seen on the stream since then
  es: null,
  page: '',
  plan: null,        // GET /plan/new (planner, commander), for the binding limit
  clearances: null,
  sim: null,         // GET /simulation: the last simulation's figures, if the server has one
  charts: false,     // on a large plan the charts are drawn when asked for
  chartsKey: '', chartsNode: null, // the figures shown, kept while they hold
  clearVer: 0,
  clearancesVer: -1,
};

// ---- small helpers -------------------------------------------------------

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) {
    if (k === undefined || k === null || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    init.headers['X-CSRF-Token'] = S.sess ? S.sess.csrf : '';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body || {});
  }
  const r = await fetch(API + path, init);
  let json = null;
  try { json = await r.json(); } catch (e) { json = null; }
  if (r.status === 401 && path !== '/login') { showLogin('Your session ended: log in again.'); }
  return { code: r.status, json };
}

function fmtTime(t) { return t ? t.replace('T', ' ').replace(/Z$/, ' UTC') : '—'; }
function day(t) { return t ? t.slice(0, 10) : '—'; }
function ms(t) { return t ? Date.parse(t) : NaN; }
function daysBetween(a, b) { return (ms(b) - ms(a)) / 86400000; }
function fmtDays(d) {
  if (!isFinite(d)) return '—';
  const r = Math.round(d * 10) / 10;
  return (r >= 0 ? r + ' days to spare' : -r + ' days late');
}
function tonnes(kg) { return (kg / 1000).toLocaleString('en', { maximumFractionDigits: 0 }) + ' t'; }
function tag(state) { return h('span', { class: 'tag ' + state }, state.replace(/_/g, ' ')); }
function table(caption, head, rows, numeric) {
  numeric = numeric || [];
  return h('div', { class: 'scroll' }, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, c)))),
    h('tbody', {}, rows.length ? rows.map((r) => r instanceof Node ? r :
      h('tr', {}, r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : null }, c)))) :
      h('tr', {}, h('td', { colspan: head.length, class: 'muted' }, 'None.')))));
}
function toast(text) {
  const t = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(t);
  setTimeout(() => t.remove(), 3000);
}
function allowed(id) { const p = PAGES.find((x) => x.id === id); return p && S.sess && p.roles.includes(S.sess.role); }

// ---- session --------------------------------------------------------------

function showLogin(msg) {
  if (S.es) { S.es.close(); S.es = null; }
  S.sess = null;
  $('live').textContent = 'offline'; $('live').classList.remove('on');
  $('nav').hidden = true; $('who').hidden = true; $('page').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = msg || '';
  document.title = 'Log in — drawdown';
  $('login-user').focus();
}

async function login(ev) {
  ev.preventDefault();
  const user = $('login-user').value, password = $('login-password').value;
  $('login-error').textContent = '';
  const r = await api('POST', '/login', { user, password });
  if (r.code === 200 || r.code === 201) {
    $('login-password').value = '';
    start(r.json);
  } else if (r.code === 429) {
    $('login-error').textContent = 'Too many failed logins: wait, then try again.';
  } else {
    $('login-error').textContent = 'Wrong user name or password.';
  }
}

async function logout() {
  if (S.es) { S.es.close(); S.es = null; }
  await api('POST', '/logout');
  location.hash = '';
  showLogin('Logged out.');
}

async function start(sess) {
  S.sess = { user: sess.user || '', role: sess.role, site: sess.site || '', csrf: sess.csrf };
  S.changes = []; S.opened = null; S.status = null; S.plan = null; S.clearances = null;
  $('login').hidden = true;
  const nav = $('nav');
  nav.replaceChildren(...PAGES.filter((p) => p.roles.includes(S.sess.role))
    .map((p) => h('a', { href: '#' + p.id, id: 'nav-' + p.id }, p.title)));
  nav.hidden = false;
  $('who-text').textContent = (S.sess.user ? S.sess.user + ' · ' : '') + S.sess.role +
    (S.sess.site ? ' · ' + S.sess.site : '');
  $('who').hidden = false;
  $('live').hidden = !STREAM_ROLES.includes(S.sess.role); // the ramp role has no stream
  if (STREAM_ROLES.includes(S.sess.role)) {
    const r = await api('GET', '/status');
    if (r.code === 200) { S.status = r.json; S.opened = r.json; }
    connect();
  }
  if ((S.sess.role === P || S.sess.role === C) && smallPlan()) loadPlan();
  if ([P, C, M, V].includes(S.sess.role)) loadSim();
  const first = PAGES.find((p) => p.roles.includes(S.sess.role));
  if (!allowed(location.hash.slice(1))) history.replaceState(null, '', '#' + first.id);
  route();
}

// ---- the stream -------------------------------------------------------------

function connect() {
  const es = new EventSource(API + '/stream');
  S.es = es;
  es.addEventListener('open', () => { $('live').textContent = 'live'; $('live').classList.add('on'); });
  es.addEventListener('error', async () => {
    $('live').textContent = 'reconnecting'; $('live').classList.remove('on');
    if (es.readyState !== EventSource.CLOSED || S.es !== es) return;
    // refused (the session ended, or the server restarted): the login
    // when the session is gone, else a new stream a little later
    S.es = null;
    let code = 0;
    try { code = (await api('GET', '/session')).code; } catch (x) { code = 0; }
    if (code !== 401 && S.sess && !S.es) setTimeout(() => { if (S.sess && !S.es) connect(); }, 3000);
  });
  es.addEventListener('event', (m) => {
    let e; try { e = JSON.parse(m.data); } catch (x) { return; }
    S.changes.push(e);
    if (e.event && e.event.startsWith('clearance')) S.clearVer++;
    onLive('event', e);
  });
  es.addEventListener('status', (m) => {
    try { S.status = JSON.parse(m.data); } catch (x) { return; }
    if (!S.opened) S.opened = S.status;
    onLive('status');
  });
}

let liveTimer = 0;
let planTimer = 0;
function onLive(kind) {
  // redraw the page once per burst of messages
  if (liveTimer) return;
  liveTimer = setTimeout(() => {
    liveTimer = 0;
    const p = S.page;
    if (p === 'overview' || p === 'clearances') draw(p, true);
  }, 50);
  if (kind === 'status' && [P, C, M, V].includes(S.sess.role)) loadSim();
  if (kind === 'status' && (S.sess.role === P || S.sess.role === C) && (smallPlan() || S.page === 'newplan')) {
    clearTimeout(planTimer);
    planTimer = setTimeout(loadPlan, 1500);
  }
}

// P(deadline) and P(every term) of the simulation the server was given
// (drawdown serve --sim): read again with each status, as the planners
// may run the simulation again.
async function loadSim() {
  const r = await api('GET', '/simulation');
  if (r.code === 200 && r.json) {
    const before = JSON.stringify(S.sim);
    S.sim = r.json.simulation;
    if (before !== JSON.stringify(S.sim) && S.page === 'overview') draw('overview', true);
  }
}

// The plan made again from now gives the overview its deadline and binding
// limit; on a large plan it is read only on the New plan page (the whole
// plan file is tens of megabytes there).
function smallPlan() { return !!(S.status && S.status.sorties && S.status.sorties.planned <= WHOLE); }

async function loadPlan() {
  const r = await api('GET', '/plan/new');
  if (r.code === 200) {
    S.plan = r.json;
    if (S.page === 'overview' || S.page === 'newplan' || S.page === 'exits') draw(S.page, true);
  }
}

// ---- routing ----------------------------------------------------------------

function route() {
  if (!S.sess) return;
  let id = location.hash.slice(1);
  if (!allowed(id)) {
    id = PAGES.find((p) => p.roles.includes(S.sess.role)).id;
    history.replaceState(null, '', '#' + id);
  }
  for (const a of $('nav').children) {
    if (a.id === 'nav-' + id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const moved = S.page !== id;
  S.page = id;
  document.title = PAGES.find((p) => p.id === id).title + ' — drawdown';
  draw(id, false).then(() => { if (moved) $('main').focus({ preventScroll: true }); });
}

const DRAW = {};
let drawSeq = 0;
async function draw(id, live) {
  const seq = ++drawSeq;
  const sec = $('page');
  sec.hidden = false;
  // a live redraw keeps what the user is typing: only the parts marked
  // data-live are replaced
  // a page not drawn yet is drawn whole, whatever asked
  if (sec.dataset.page !== id) live = false;
  const parts = await DRAW[id](live);
  if (seq !== drawSeq || S.page !== id) return;
  if (live && sec.dataset.page === id) {
    for (const [k, node] of Object.entries(parts)) {
      const old = sec.querySelector('[data-live="' + k + '"]');
      if (!old || !node || old === node) continue;
      // what the user typed, and where the focus was, survive the redraw
      const typed = {};
      for (const i of old.querySelectorAll('input[id], select[id]')) typed[i.id] = i.value;
      const focused = old.contains(document.activeElement) ? document.activeElement.id : '';
      for (const i of node.querySelectorAll('input[id], select[id]')) if (i.id in typed) i.value = typed[i.id];
      node.dataset.live = k;
      old.replaceWith(node);
      if (focused && $(focused)) $(focused).focus();
    }
    return;
  }
  sec.dataset.page = id;
  sec.setAttribute('aria-labelledby', 'page-h');
  const kids = [h('h2', { id: 'page-h' }, PAGES.find((p) => p.id === id).title)];
  for (const [k, part] of Object.entries(parts)) {
    const node = part || h('div'); // a place for the part when it comes
    node.dataset.live = k;
    kids.push(node);
  }
  sec.replaceChildren(...kids);
  if (!performance.getEntriesByName('dd-' + id).length) performance.mark('dd-' + id);
}

// ---- Overview ---------------------------------------------------------------

DRAW.overview = async function () {
  const st = S.status;
  if (!st) return { verdict: h('p', { role: 'alert' }, 'The status could not be read.') };
  const pr = st.projection || {};
  const plan = S.plan;
  const ok = pr.deadline_met && pr.terms_met !== false;
  const verdict = h('div', { class: 'verdict' + (ok ? '' : ' bad'), id: 'verdict', role: 'status' },
    h('strong', {}, pr.deadline_met ? (pr.terms_met === false ? 'The deadline is met, but a term of the agreement is not' : 'On track: the deadline is met') : 'The deadline is missed'),
    h('div', {}, 'Last departure projected ', fmtTime(pr.completion), ' (planned ', fmtTime(pr.completion_planned), pr.slip_hours ? ', ' + pr.slip_hours + ' h late' : '', ').'),
    plan ? h('div', {}, 'Deadline ', fmtTime(plan.deadline), ': ', fmtDays(daysBetween(pr.completion, plan.deadline)), '.') : null,
    plan && plan.summary ? h('div', { id: 'binding' }, 'Binding limit: ', h('strong', {}, plan.summary.binding_detail || plan.summary.binding || '—'), '.') :
      (S.sess.role === P || S.sess.role === C) && !smallPlan() ? h('div', {}, 'The deadline and the binding limit: see ', h('a', { href: '#newplan' }, 'New plan'), '.') : null,
    pr.unplaced ? h('div', {}, pr.unplaced + ' sorties cannot be placed.') : null,
    h('div', { class: 'muted' }, 'As of ', fmtTime(st.at), ', event ', st.events, ' of the log.'));
  const sites = table('Sites: closing dates', ['Site', 'Must close by', 'Last departure (projected)', 'Days to spare', 'Closed until'],
    (st.sites || []).map((s) => [s.id, fmtTime(s.close_by), fmtTime(s.last_departure), fmtDays(daysBetween(s.last_departure, s.close_by)), s.closed_until ? fmtTime(s.closed_until) : 'open']));
  const c = [];
  const card = (k, v) => c.push(h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v)));
  if (st.sorties) card('Sorties departed', st.sorties.departed + ' of ' + st.sorties.planned + (st.sorties.overdue ? ' · ' + st.sorties.overdue + ' overdue' : ''));
  if (st.clearances) card('Clearances', st.clearances.approved + ' approved · ' + st.clearances.pending + ' pending · ' + st.clearances.denied + ' denied');
  if (st.processing) card('People processed', st.processing.processed + ' of ' + st.processing.planned + ' due');
  if (st.sites && st.sites[0] && st.sites[0].cargo_kg !== undefined) {
    let out = 0, all = 0;
    for (const s of st.sites) { out += s.cargo_out_kg; all += s.cargo_kg; }
    card('Cargo out', tonnes(out) + ' of ' + tonnes(all));
  }
  if (st.tasks) card('Ground tasks', st.tasks.done + ' done · ' + st.tasks.late + ' late');
  if (st.tails_down !== undefined) card('Tails down', st.tails_down);
  // out so far against the approved plan (not in the host liaison's share)
  const hasOut = st.sites && st.sites[0] && st.sites[0].people_out !== undefined;
  const pct = (a, b) => (b ? Math.round((100 * a) / b) + '%' : '—');
  const out = hasOut ? table('Out so far, against the approved plan at this time', ['Site', 'Sorties out', 'People out', 'Cargo out', 'Of all people', 'Of all cargo'],
    st.sites.map((s) => [s.id, s.sorties_out + ' (plan ' + s.sorties_out_planned + ')', s.people_out + ' (plan ' + s.people_out_planned + ')',
      tonnes(s.cargo_out_kg) + ' (plan ' + tonnes(s.cargo_out_planned_kg) + ')', pct(s.people_out, s.people), pct(s.cargo_out_kg, s.cargo_kg)]), [4, 5]) : null;
  return { verdict, risk: riskView(), cards: h('div', { class: 'cards' }, c), sites, out, charts: chartsView(st), changes: changesView() };
};

function pct1(p) { return Math.round(p * 1000) / 10 + '%'; }
function riskView() {
  if (![P, C, M, V].includes(S.sess.role)) return null;
  const sim = S.sim;
  if (!sim) {
    return (S.sess.role === P || S.sess.role === C)
      ? h('p', { class: 'muted', id: 'risk' }, 'No simulation: P(deadline) and P(every term) show here when the server is given one (drawdown serve --sim RESULT.json).')
      : null;
  }
  const line = (name, x) => x ? h('div', {}, name, ' ', h('strong', {}, pct1(x.p)), ' (95% interval ', pct1(x.lo), ' to ', pct1(x.hi), ', ', x.n, ' replications)') : null;
  return h('div', { class: 'risk', id: 'risk', role: 'status' },
    line('P(deadline)', sim.p_deadline), line('P(every term)', sim.p_all_terms),
    h('div', { class: 'muted' }, 'From the last simulation (written ', fmtTime(sim.written), sim.policy ? ', policy ' + sim.policy : '', ').'));
}

// The briefing's charts, drawn by the server's report module for the
// status shown (the same code as drawdown report): on a large plan, drawn
// when asked for, as each costs the server a re-plan.
function chartsView(st) {
  if (S.sess.role !== P && S.sess.role !== C) return null;
  if (!smallPlan() && !S.charts) {
    return h('div', {}, h('button', { type: 'button', id: 'charts-show', onclick: () => { S.charts = true; draw('overview', true); } },
      'Show the charts (drawn by the server from the plan made again; on a plan this size it takes a while)'));
  }
  // the same figures while the status and the simulation are the same:
  // a redraw does not fetch the pictures again
  const key = st.events + '|' + (S.sim ? S.sim.written : '');
  if (S.chartsKey === key && S.chartsNode) return S.chartsNode;
  const fig = (name, alt) => h('figure', { class: 'chart' },
    h('img', { src: API + '/charts/' + name + '.svg?e=' + st.events, alt, id: 'chart-' + name, loading: 'lazy' }),
    h('figcaption', {}, alt, ' — as in the briefing, as of event ', st.events, '.'));
  S.chartsKey = key;
  S.chartsNode = h('div', { class: 'charts' },
    fig('burndown', 'Burndown: people and cargo still in country per site, against the approved plan (grey)'),
    S.sim ? fig('risk', 'Completion dates and P(deadline) from the simulation') : null);
  return S.chartsNode;
}

function changesView() {
  const o = S.opened, st = S.status;
  const lines = [];
  if (o && st && o !== st) {
    const d = (a, b, what) => { if (a !== undefined && b !== undefined && a !== b) lines.push(what + ': ' + a + ' → ' + b); };
    if (o.sorties && st.sorties) d(o.sorties.departed, st.sorties.departed, 'sorties departed');
    if (o.clearances && st.clearances) {
      d(o.clearances.approved, st.clearances.approved, 'clearances approved');
      d(o.clearances.denied, st.clearances.denied, 'clearances denied');
      d(o.clearances.pending, st.clearances.pending, 'clearances pending');
    }
    if (o.processing && st.processing) d(o.processing.processed, st.processing.processed, 'people processed');
    d(o.projection.completion, st.projection.completion, 'last departure projected');
  }
  const evs = S.changes.slice(-30).reverse().map((e) =>
    h('li', { class: 'new' }, '#' + e.n + ' ' + fmtTime(e.time) + ' — ' + e.event + (e.subject ? ' ' + e.subject : '') +
      (e.value ? ' (' + e.value + ')' : '') + (e.note ? ': ' + e.note : '')));
  return h('div', { id: 'changes' },
    h('h3', {}, 'Since you opened this page'),
    lines.length ? h('ul', { class: 'changes' }, lines.map((l) => h('li', {}, l))) : null,
    evs.length ? h('ul', { class: 'changes', 'aria-label': 'New events' }, evs) : h('p', { class: 'muted' }, 'Nothing has changed yet.'));
}

// ---- Clearance desk -----------------------------------------------------------

// A list of sorties (sorties, clearances) by pages: a small plan whole, a
// large one only the sorties planned to leave in a time window, asked for
// with ?from=&to= (one request a page; a page holds up to 10,000); from
// null: the whole list, whatever the plan's size.
const WHOLE = 5000;
function isoMinute(t) { return new Date(t).toISOString().slice(0, 16) + 'Z'; }
async function sortieRange(route, key, from, to) {
  const n = S.status && S.status.sorties ? S.status.sorties.planned : 0;
  const partial = n > WHOLE && from !== null;
  let path = route + '?' + (partial ? 'from=' + isoMinute(from) + '&to=' + isoMinute(to) + '&' : '') + 'count=10000';
  const list = [];
  for (let pages = 0; path && pages < 20; pages++) {
    const r = await api('GET', path.replace(/^\/api\/v1/, ''));
    if (r.code !== 200) return { list: null, partial };
    list.push(...r.json[key]);
    path = r.json.next;
  }
  return { list, partial };
}

// S.clearVer counts the clearance events seen: a list read while one came
// is read again (it may not hold it), never kept as current.
async function clearances() {
  const want = S.clearVer;
  if (!S.clearances || S.clearancesVer !== want) {
    const at = S.status ? ms(S.status.at) : Date.now();
    const r = await sortieRange('/clearances', 'clearances', at - 3 * 86400000, at + 21 * 86400000);
    S.clearances = r.list || [];
    S.clearancesVer = want;
    S.clearancesPartial = r.partial;
  }
  return S.clearances;
}

function decideControls(c) {
  const id = c.sortie;
  const reason = h('input', { id: 'reason-' + id, 'aria-label': 'Reason for ' + c.call_sign, placeholder: 'reason (to deny)' });
  const win = h('input', { id: 'window-' + id, 'aria-label': 'Other window for ' + c.call_sign + ' (FROM/TO, optional)', placeholder: 'window FROM/TO' });
  const err = h('p', { class: 'error', id: 'err-' + id, role: 'alert' });
  reason.setAttribute('aria-describedby', err.id);
  const go = async (what) => {
    err.textContent = '';
    const body = {};
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (what === 'approve' && win.value.trim()) body.window = win.value.trim();
    if (what === 'deny' && !body.reason) {
      err.textContent = 'A denial needs a reason.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    const r = await api('POST', '/clearances/' + id + '/' + what, body);
    if (r.code === 201) {
      toast(c.call_sign + (what === 'approve' ? ' approved' : ' denied'));
      S.clearVer++;
      draw('clearances', true);
    } else {
      err.textContent = (r.json && (r.json.errors ? r.json.errors.map((e) => e.message).join('; ') : r.json.error)) || ('refused (' + r.code + ')');
    }
  };
  return h('div', { class: 'decide' }, reason, win,
    h('button', { type: 'button', class: 'primary', id: 'approve-' + id, onclick: () => go('approve') }, 'Approve ' + c.call_sign),
    h('button', { type: 'button', id: 'deny-' + id, onclick: () => go('deny') }, 'Deny ' + c.call_sign), err);
}

DRAW.clearances = async function () {
  const all = await clearances();
  const role = S.sess.role;
  const mayDecide = role === H || role === P;
  const at = S.status ? S.status.at : new Date().toISOString();
  const pending = all.filter((c) => c.state === 'filed').sort((a, b) => (a.window_from < b.window_from ? -1 : a.window_from > b.window_from ? 1 : a.sortie - b.sortie));
  const rowOf = (c, extra) => h('tr', { id: 'req-' + c.sortie },
    h('td', {}, c.call_sign), h('td', {}, c.aircraft_name || c.aircraft),
    h('td', {}, fmtTime(c.window_from) + ' – ' + fmtTime(c.window_to)), h('td', {}, c.from + ' → ' + c.to),
    h('td', { class: 'num' }, c.passengers), h('td', {}, c.hazard_classes.length ? c.hazard_classes.join(', ') : 'none'),
    h('td', {}, c.weapons ? 'yes' : 'no'), h('td', {}, tag(c.state)), extra ? h('td', {}, extra) : null);
  const head = ['Call sign', 'Aircraft', 'Window', 'Route', 'Passengers', 'Hazard classes', 'Weapons aboard', 'State'];
  const parts = {};
  parts.pending = h('div', { id: 'pending' }, S.clearancesPartial ? h('p', { class: 'muted' }, 'The requests of the sorties planned from three days before ' + fmtTime(at) + ' to three weeks after.') : null,
    table('Pending requests, in the order they are due (' + pending.length + ')',
    mayDecide ? head.concat(['Decision']) : head, pending.map((c) => rowOf(c, mayDecide ? decideControls(c) : null))));
  if (role !== H) {
    const dayEnd = at.slice(0, 10) + 'T23:59Z';
    const today = all.filter((c) => c.state === 'not_due' && c.file_by <= dayEnd);
    const overdue = all.filter((c) => c.state === 'overdue');
    const fileRow = (c) => {
      const cells = [fmtTime(c.file_by), c.call_sign, c.site, fmtTime(c.window_from) + ' – ' + fmtTime(c.window_to), tag(c.state)];
      if (role === P) cells.push(h('button', { type: 'button', id: 'file-' + c.sortie, onclick: async (ev) => {
        ev.target.disabled = true;
        const r = await api('POST', '/clearances/' + c.sortie + '/file', {});
        if (r.code === 201) { toast(c.call_sign + ' filed'); S.clearVer++; draw('clearances', true); }
        else { ev.target.disabled = false; toast((r.json && r.json.error) || 'refused'); }
      } }, 'Record ' + c.call_sign + ' filed'));
      return cells;
    };
    const fhead = ['File by', 'Call sign', 'Site', 'Window', 'State'].concat(role === P ? ['Action'] : []);
    parts.tofile = h('div', { id: 'tofile', class: 'split' },
      h('div', {}, table('To file today (' + today.length + ')', fhead, today.map(fileRow))),
      h('div', {}, table('Overdue: not filed in time (' + overdue.length + ')', fhead, overdue.map(fileRow))));
  }
  const decided = all.filter((c) => c.state === 'approved' || c.state === 'denied')
    .sort((a, b) => ((b.decision && b.decision.event) || 0) - ((a.decision && a.decision.event) || 0) || b.sortie - a.sortie).slice(0, 20);
  parts.decided = h('div', { id: 'decided' }, table('Decided, latest first', ['Call sign', 'Window', 'State', 'Decided at, reason'],
    decided.map((c) => h('tr', { id: 'dec-' + c.sortie }, [c.call_sign, fmtTime(c.window_from) + ' – ' + fmtTime(c.window_to), tag(c.state),
      c.decision ? [fmtTime(c.decision.at), c.decision.reason ? ' — ' + c.decision.reason : ''].join('') : ''].map((x) => h('td', {}, x))))));
  return parts;
};

// ---- Record events ----------------------------------------------------------------

const KINDS = {
  departed: { subject: 'Sortie number', value: 'Tail that flew (optional)', hint: 'e.g. 12; the tail as "C17A 2" if another flew' },
  aborted: { subject: 'Sortie number', value: 'Can go again at (optional)', hint: 'default an hour later' },
  'tail-down': { subject: 'Aircraft type and tail', value: 'Down until', hint: 'e.g. C17A 2, then 2024-06-14T12:00Z' },
  closed: { subject: 'Site', value: 'Closed until', hint: 'e.g. AB201, then 2024-06-11T09:00Z' },
  processed: { subject: 'Personnel group', value: 'How many went through (optional)', hint: 'default the whole group' },
  retracted: { subject: 'Event number to retract', value: 'Value (leave empty)', hint: 'the reason in the note; then record the right event' },
};
const PLANNER_ONLY = ['closed', 'retracted'];

function nowIso() { return new Date().toISOString().slice(0, 16) + 'Z'; }

// Which field a located error belongs beside: the message names it.
function fieldOf(msg) {
  const m = msg.toLowerCase();
  if (/^(until|value|window|tail|count)\b/.test(m) || /\buntil\b|\bwindow\b|ends before|not after/.test(m)) return 'value';
  if (/^time\b|\btime\b.*expected|iso 8601/.test(m) && !/until/.test(m)) return 'time';
  if (/^note\b/.test(m)) return 'note';
  if (/own site/.test(m)) return 'subject';
  if (/^event\b|unknown event/.test(m)) return 'kind';
  return 'subject';
}

DRAW.record = async function (live) {
  if (live) return {};
  const field = (id, label, input, hint) => h('div', { class: 'field' },
    h('label', { for: 'rec-' + id, id: 'rec-' + id + '-label' }, label), input,
    hint ? h('span', { class: 'hint', id: 'rec-' + id + '-hint' }, hint) : null,
    h('p', { class: 'error', id: 'rec-' + id + '-error', 'aria-live': 'polite' }));
  const kinds = Object.keys(KINDS).filter((k) => S.sess.role === P || !PLANNER_ONLY.includes(k));
  const kind = h('select', { id: 'rec-kind', name: 'event' }, kinds.map((k) => h('option', { value: k }, k)));
  const time = h('input', { id: 'rec-time', name: 'time', value: nowIso(), 'aria-describedby': 'rec-time-hint rec-time-error' });
  const subject = h('input', { id: 'rec-subject', name: 'subject', 'aria-describedby': 'rec-subject-hint rec-subject-error' });
  const value = h('input', { id: 'rec-value', name: 'value', 'aria-describedby': 'rec-value-error' });
  const note = h('input', { id: 'rec-note', name: 'note', 'aria-describedby': 'rec-note-error' });
  const result = h('p', { id: 'rec-result', class: 'ok', role: 'status' });
  const form = h('form', { id: 'rec-form', class: 'form', novalidate: true },
    field('kind', 'Event', kind),
    field('time', 'Time', time, 'ISO 8601; without an offset, the host country\'s time'),
    field('subject', KINDS[kinds[0]].subject, subject, KINDS[kinds[0]].hint),
    field('value', KINDS[kinds[0]].value, value),
    field('note', 'Note (optional)', note),
    h('div', {}, h('button', { type: 'submit', class: 'primary', id: 'rec-submit' }, 'Record')),
    result,
    h('p', { class: 'hint' }, 'A wrong event is corrected by retracting it and recording the right one; nothing is edited.'));
  const relabel = () => {
    const k = KINDS[kind.value];
    $('rec-subject-label').textContent = k.subject;
    $('rec-subject-hint').textContent = k.hint;
    $('rec-value-label').textContent = k.value;
  };
  kind.addEventListener('change', relabel);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const f of ['kind', 'time', 'subject', 'value', 'note']) {
      $('rec-' + f + '-error').textContent = '';
      $('rec-' + f).removeAttribute('aria-invalid');
    }
    result.textContent = '';
    const e = { time: time.value.trim(), event: kind.value, subject: subject.value.trim(), value: value.value.trim(), note: note.value.trim() };
    const r = await api('POST', '/events', { events: [e] });
    if (r.code === 201) {
      result.textContent = 'Recorded as event ' + r.json.added.join(', ') + '.';
      subject.value = ''; value.value = ''; note.value = '';
      return;
    }
    const errs = (r.json && r.json.errors) || [{ message: (r.json && r.json.error) || ('refused (' + r.code + ')') }];
    let first = null;
    for (const x of errs) {
      const f = fieldOf(x.message || '');
      const p = $('rec-' + f + '-error');
      p.textContent = p.textContent ? p.textContent + '; ' + x.message : x.message;
      $('rec-' + f).setAttribute('aria-invalid', 'true');
      if (!first) first = $('rec-' + f);
    }
    if (first) first.focus();
  });
  return { form };
};

// ---- Sortie board -----------------------------------------------------------------

DRAW.sorties = async function () {
  const at = S.status ? ms(S.status.at) : Date.now();
  const from = at - 86400000, to = at + 7 * 86400000;
  const r = await sortieRange('/sorties', 'sorties', from - 2 * 86400000, to);
  if (!r.list) return { board: h('p', { role: 'alert' }, 'The sorties could not be read.') };
  const shown = r.list.filter((s) => {
    const t = ms(s.projected || s.departure);
    return (t >= from && t <= to) || s.state === 'overdue' || s.state === 'aborted';
  });
  const bySite = {};
  for (const s of shown) (bySite[s.site] = bySite[s.site] || []).push(s);
  const blocks = Object.keys(bySite).sort().map((site) => {
    const rows = [];
    for (const s of bySite[site]) {
      const aboard = h('div', { id: 'aboard-' + s.id });
      const detail = h('tr', { hidden: true, id: 'load-' + s.id }, h('td', { colspan: 9 },
        h('strong', {}, 'Load: '),
        s.load ? h('ul', {}, loadLines(s.load).map((t) => h('li', {}, t))) : 'none.',
        aboard));
      const btn = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'load-' + s.id, onclick: async () => {
        detail.hidden = !detail.hidden; btn.setAttribute('aria-expanded', String(!detail.hidden));
        if (detail.hidden || aboard.dataset.read) return;
        // the manifest: the groups aboard, read when first opened
        aboard.dataset.read = '1';
        const m = await api('GET', '/manifests?first=' + s.id + '&count=1');
        const g = m.code === 200 && m.json.manifests[0] ? m.json.manifests[0].groups : [];
        aboard.replaceChildren(h('strong', {}, 'Aboard: '), g.length ? h('ul', {}, g.map((x) =>
          h('li', {}, x.count + ' × ' + x.group + ' (' + x.unit + ', ' + x.role + (x.escort ? ', escort' : '') + ')'))) : 'no one.');
      } }, s.call_sign);
      rows.push(h('tr', {}, h('td', {}, btn), h('td', {}, s.aircraft + ' ' + s.tail), h('td', {}, s.hub),
        h('td', {}, fmtTime(s.departure)), h('td', {}, fmtTime(s.departed || s.projected)), h('td', {}, tag(s.state)),
        h('td', {}, tag(s.clearance)), h('td', { class: 'num' }, s.passengers), h('td', { class: 'num' }, tonnes(s.weight_kg))));
      rows.push(detail);
    }
    const count = (st) => bySite[site].filter((x) => x.state === st).length;
    const cleared = bySite[site].filter((x) => x.clearance === 'approved').length;
    return h('section', {}, h('h3', {}, site),
      h('p', {}, bySite[site].length + ' shown: ' + count('planned') + ' planned (' + cleared + ' cleared), ' + count('departed') + ' departed, ' +
        count('overdue') + ' overdue, ' + count('aborted') + ' aborted.'),
      table(null, ['Call sign (load)', 'Aircraft', 'To', 'Planned', 'Departed / projected', 'State', 'Clearance', 'Passengers', 'Weight'], rows, [7, 8]));
  });
  return { board: h('div', {}, h('p', { class: 'muted' }, 'From a day before ', fmtTime(S.status && S.status.at), ' to a week after, and every overdue or aborted sortie',
    r.partial ? ' planned from three days before (' + S.status.sorties.overdue + ' overdue in all)' : '', '. A call sign shows its load.'), blocks) };
};

// A load's items, the same cargo on several pallets said once.
function loadLines(load) {
  const by = new Map();
  for (const it of load.items) {
    const k = it.kind + ' ' + it.cargo;
    const e = by.get(k) || { it, count: 0, pallets: new Set() };
    e.count += it.count;
    if (it.pallet !== undefined) e.pallets.add(it.pallet);
    by.set(k, e);
  }
  return [...by.values()].map((e) => e.count + ' × ' + e.it.cargo + ' — ' + e.it.description +
    (e.pallets.size ? ' (on ' + e.pallets.size + (e.pallets.size > 1 ? ' pallets)' : ' pallet)') : ' (' + e.it.kind + ')'));
}

// ---- Entry and exit ----------------------------------------------------------------

DRAW.exits = async function () {
  const r = await api('GET', '/exits');
  if (r.code !== 200) return { exits: h('p', { role: 'alert' }, 'The exits could not be read.') };
  // the augmentees arriving and when their entry requests are due (the
  // approved plan): per group for the staff, per day for the host liaison
  const arr = r.json.arrivals || [];
  const entries = S.sess.role === H
    ? table('Arrivals and their entry requests', ['Day', 'People entering', 'Entry request by'],
      arr.map((a) => [a.date, a.entering, fmtTime(a.entry_request_by)]), [1])
    : table('Arrivals (augmentees) and their entry requests', ['Group', 'Site', 'People', 'Arrives', 'Entry request by'],
      arr.map((g) => [g.group, g.site, g.people, fmtTime(g.arrival), fmtTime(g.entry_request_by)]), [2]);
  return { entries, exits: h('div', {}, r.json.sites.map((s) => h('section', {}, h('h3', {}, s.id),
    table(null, ['Day', 'Exits planned', 'People processed', 'Entries planned'],
      s.days.filter((d) => d.exits_planned || d.processed || d.entries_planned)
        .map((d) => [d.date, d.exits_planned, d.processed, d.entries_planned]), [1, 2, 3])))) };
};

// ---- Ramp ---------------------------------------------------------------------------

DRAW.ramp = async function () {
  const r = await api('GET', '/ramp');
  if (r.code !== 200) return { ramp: h('p', { role: 'alert' }, 'The ramp could not be read.') };
  return { ramp: h('div', {}, r.json.sites.map((s) => h('section', {}, h('h3', {}, s.id + ' (' + s.icao + '), MOG ' + s.mog),
    byHour(s),
    table('Reservations of the third party', ['From', 'To', 'Slots', 'Note'], s.reservations.map((v) => [fmtTime(v.from), fmtTime(v.to), v.slots, v.note || '']), [2]),
    table('Aircraft on the ramp, still to come', ['Aircraft', 'On the ramp', 'Off the ramp'],
      s.occupancy.filter((o) => !o.gone).sort((a, b) => a.on_ramp.localeCompare(b.on_ramp)).map((o) => [o.aircraft, fmtTime(o.on_ramp), fmtTime(o.off_ramp)]))))) };
};

// Occupancy by hour over the two days from the next aircraft to come: the
// aircraft on the ramp in each hour (any part of it), the slots the third
// party holds then, and the MOG; hours with no aircraft are left out.
function byHour(s) {
  const todo = s.occupancy.filter((o) => !o.gone);
  if (!todo.length) return null;
  const H1 = 3600000;
  const t0 = Math.floor(Math.min(...todo.map((o) => ms(o.on_ramp))) / H1) * H1;
  const rows = [];
  for (let t = t0; t < t0 + 48 * H1; t += H1) {
    const on = todo.filter((o) => ms(o.on_ramp) < t + H1 && ms(o.off_ramp) > t).length;
    if (!on) continue;
    const held = s.reservations.filter((v) => ms(v.from) < t + H1 && ms(v.to) > t).reduce((a, v) => a + v.slots, 0);
    rows.push([fmtTime(new Date(t).toISOString().slice(0, 16) + 'Z'), on, held, s.mog,
      on + held > s.mog ? 'over the MOG' : on + held === s.mog ? 'full' : '']);
  }
  return table('By hour, two days from ' + fmtTime(new Date(t0).toISOString().slice(0, 16) + 'Z'),
    ['Hour', 'Our aircraft on the ramp', 'Slots held by the third party', 'MOG', ''], rows, [1, 2, 3]);
}

// ---- New plan ------------------------------------------------------------------------

DRAW.newplan = async function (live) {
  if (!S.plan) await loadPlan();
  const p = S.plan;
  if (!p) return { plan: h('p', { role: 'alert' }, 'The new plan could not be made.') };
  const sm = p.summary || {};
  const parts = {};
  parts.plan = h('dl', { class: 'kv', id: 'plan-summary' },
    h('dt', {}, 'Deadline'), h('dd', {}, fmtTime(p.deadline)),
    h('dt', {}, 'Last departure'), h('dd', {}, fmtTime(sm.completion)),
    h('dt', {}, 'Deadline met'), h('dd', {}, sm.deadline_met ? 'yes' : 'no'),
    h('dt', {}, 'Margin'), h('dd', {}, sm.margin_hours !== undefined ? fmtDays(sm.margin_hours / 24) : '—'),
    h('dt', {}, 'Binding limit'), h('dd', {}, sm.binding_detail || sm.binding || '—'),
    h('dt', {}, 'Sorties'), h('dd', {}, sm.sorties));
  {
    // the approved plan's sorties as they stand (every page of /sorties)
    const all = await sortieRange('/sorties', 'sorties', null, null);
    const list = (all.list || []).map((s) => ({ id: s.id, state: s.state, planned: s.departure, clearance: s.clearance, keeps_clearance: s.keeps_clearance }));
    const planned = new Map(list.map((s) => [s.id, s]));
    const moved = [];
    for (const s of p.sorties || []) {
      const o = planned.get(s.id);
      if (!o || o.state === 'departed' || !o.planned || !s.departure) continue;
      const dh = (ms(s.departure) - ms(o.planned)) / 3600000;
      if (Math.abs(dh) >= 1) moved.push([s.id, fmtTime(o.planned), fmtTime(s.departure), (dh > 0 ? 'later by ' : 'earlier by ') + Math.abs(Math.round(dh)) + ' h']);
    }
    parts.moves = table('Sorties the new plan moves against the approved plan (' + moved.length + (moved.length > 200 ? ', the first 200' : '') + ')', ['Sortie', 'Approved plan', 'New plan', 'Moved'], moved.slice(0, 200));
    // a sortie moved out of the window it was cleared for needs a new request
    const req = new Map((p.clearances || []).map((c) => [c.sortie, c]));
    const anew = list.filter((o) => o.keeps_clearance === false && o.state !== 'departed').map((o) => {
      const c = req.get(o.id) || {};
      return [o.id, o.clearance || '', fmtTime(c.file_by), fmtTime(c.window_from) + ' – ' + fmtTime(c.window_to)];
    });
    parts.anew = table('Clearance requests to file anew (' + anew.length + (anew.length > 200 ? ', the first 200' : '') + ')', ['Sortie', 'Request now', 'File by', 'Window asked'], anew.slice(0, 200));
  }
  if (!live && (S.sess.role === C || S.sess.role === P)) {
    const res = h('p', { id: 'accept-result', class: 'ok', role: 'status' });
    parts.accept = h('div', {}, h('button', { type: 'button', class: 'primary', id: 'accept', onclick: async () => {
      const r = await api('POST', '/plan/accept', {});
      res.textContent = r.code === 201 ? 'Accepted as the approved plan (event ' + r.json.added.join(', ') + ').' : ((r.json && r.json.error) || 'refused');
    } }, 'Accept as the approved plan'), res);
  }
  return parts;
};

// ---- Downloads ------------------------------------------------------------------------

DRAW.downloads = async function () {
  return { links: h('ul', {},
    h('li', {}, h('a', { href: API + '/briefing.pdf', download: 'briefing.pdf', id: 'dl-pdf' }, 'The briefing of the new plan (PDF)')),
    h('li', {}, h('a', { href: API + '/briefing.xlsx', download: 'briefing.xlsx', id: 'dl-xlsx' }, 'The workbook of the new plan (Excel, XLSX)'))),
  note: h('p', { class: 'muted' }, 'Each is made from the plan as it stands now; it may take a few seconds.') };
};

// ---- start -------------------------------------------------------------------------------

window.addEventListener('hashchange', route);
// a page left (or kept in the back-forward cache) gives its stream back:
// browsers hold about six connections to a server, and a stream is one
window.addEventListener('pagehide', () => { if (S.es) { S.es.close(); S.es = null; } });
window.addEventListener('pageshow', (e) => {
  if (e.persisted && S.sess && !S.es && STREAM_ROLES.includes(S.sess.role)) connect();
});
document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  const r = await api('GET', '/session');
  if (r.code === 200) start(r.json); else showLogin('');
});
