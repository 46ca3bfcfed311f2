// The console's shared pieces: the API client, the address (routes and
// scope), the building blocks every page uses (tables with CSV, headings,
// badges, links, form fields) and the registered entities' names. The
// pages are the page-*.js modules; app.js is the shell that routes to them.

import { t, label, language } from './i18n.js';
import { el, toCSV, download } from './format.js';
import { findingCodes } from './finding-codes.js';

// ---------------------------------------------------------------- the API

export class HttpError extends Error {
  constructor(status, body, text) {
    const e = body && body.error ? body.error : null;
    super(e ? e.message : `HTTP ${status}${text ? ': ' + text.slice(0, 200) : ''}`);
    this.status = status;
    this.code = e ? e.code : null;
    this.field = e ? e.field : null;
  }
}

export const TOKEN_KEY = 'pledger.token';
export const PIN_KEY = 'pledger.pinned-key';

// The API token lives in sessionStorage: this tab only, gone when it is
// closed (a recorder's token can append in its entity's name). A token an
// older console left in localStorage is dropped.
try {
  localStorage.removeItem(TOKEN_KEY);
} catch (_) {
  /* storage unavailable */
}

let memoryToken = null;

/** The token this tab signed in with, or null. */
export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (_) {
    return memoryToken;
  }
}

/** Keeps (or, with null, forgets) the token for this tab. */
export function setToken(value) {
  whoamiCache = null;
  memoryToken = value;
  try {
    if (value === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  } catch (_) {
    /* storage unavailable: the token lives for this page only */
  }
}

export function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch (_) {
    return null;
  }
}

export function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch (_) {
    /* storage unavailable: the value lives for this page only */
  }
}

async function request(url, init, tokenOverride) {
  const headers = { accept: 'application/json', ...(init.headers || {}) };
  const tok = tokenOverride ?? token();
  if (tok) headers.authorization = 'Bearer ' + tok;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (!res.ok) throw new HttpError(res.status, body, text);
  if (body === null) throw new HttpError(res.status, null, 'not JSON');
  return { status: res.status, body, headers: res.headers };
}

export async function api(path, params = {}, tokenOverride) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  return (await request(url, {}, tokenOverride)).body;
}

/** As `api`, with the answer's headers too: `{body, headers}` (a view's `Pledger-Log-Position`). */
export async function apiWithHeaders(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const { body, headers } = await request(url, {});
  return { body, headers };
}

/** POSTs `body` as JSON; `{status, body}` on success, HttpError (with `field`) otherwise. */
export function post(path, body) {
  return request(new URL(path, location.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// Who the token speaks for (GET /v1/whoami), asked once per token.
let whoamiCache = null;

/** The signed-in entity (`/v1/whoami`), or null without a token. */
export function whoami() {
  if (!token()) return Promise.resolve(null);
  if (!whoamiCache) {
    const p = api('/v1/whoami');
    whoamiCache = p;
    p.catch(() => {
      if (whoamiCache === p) whoamiCache = null;
    });
  }
  return whoamiCache;
}

/** Runs `f` over `items`, at most `n` at a time, results in order. */
export async function pool(items, n, f) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export const enc = encodeURIComponent;

// ---------------------------------------------------------------- routing

export function parseRoute() {
  const h = location.hash.replace(/^#/, '');
  const [p, qs] = h.split('?');
  const parts = (p || '').split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, page: parts[0] || 'findings', query: new URLSearchParams(qs || '') };
}

// The scope every report is asked for: as_of or at_seq from the address.
export function scope(route) {
  const s = {};
  const asOf = route.query.get('as_of');
  const atSeq = route.query.get('at_seq');
  if (asOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf)) s.as_of = asOf;
  if (atSeq && /^\d+$/.test(atSeq)) s.at_seq = atSeq;
  return s;
}

/** An address inside the console, keeping the scope of the current one. */
export function href(parts, params = {}, keepScope = true) {
  const q = new URLSearchParams();
  if (keepScope) for (const [k, v] of Object.entries(scope(parseRoute()))) q.set(k, v);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const qs = q.toString();
  return '#/' + parts.map(enc).join('/') + (qs ? '?' + qs : '');
}

/** Changes query parameters; `quiet` rewrites the address without rendering again. */
export function setQuery(changes, quiet) {
  const route = parseRoute();
  const q = new URLSearchParams(route.query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const qs = q.toString();
  const h = '#/' + (route.parts.length ? route.parts : ['findings']).map(enc).join('/') + (qs ? '?' + qs : '');
  if (quiet) {
    history.replaceState(null, '', h);
    document.body.dataset.route = location.hash;
  } else location.hash = h;
}

// ---------------------------------------------------------------- pieces

const csvTables = new Map();

/** Forgets the tables of the page being left (the shell, before each render). */
export function clearTables() {
  csvTables.clear();
}

// The shell's render, for pieces that change what every page shows (the
// pinned key, the token); set once by app.js.
let renderer = () => {};

export function setRenderer(f) {
  renderer = f;
}

/** Renders the current page again. */
export function rerender() {
  return renderer();
}

// The workbook of a report (GET /v1/workbooks/{report}) for the page's
// scope, in the console's language: the same file as `pledger report
// REPORT --format xlsx`. Fetched with the token (a plain link could not
// send it), then saved from a blob.
// `report` is a path under /v1/workbooks/ (`findings`, `trace/ID` with its
// id encoded), `params` more of the query (a trace's direction).
async function fetchWorkbook(report, params = {}) {
  const url = new URL('/v1/workbooks/' + report, location.origin);
  for (const [k, v] of Object.entries({ ...scope(parseRoute()), ...params })) url.searchParams.set(k, v);
  url.searchParams.set('lang', language());
  const headers = {};
  const tok = token();
  if (tok) headers.authorization = 'Bearer ' + tok;
  const res = await fetch(url, { headers });
  if (!res.ok) throw new HttpError(res.status, null, await res.text());
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return { name: named ? named[1] : `pledger-${report}.xlsx`, blob: await res.blob(), url: url.pathname + url.search };
}

// For tests and scripts: the CSV text of a table on the current page, and
// a report's workbook as base64 with the address it came from.
window.pledgerConsole = {
  csv: (name) => (csvTables.has(name) ? csvTables.get(name)() : null),
  tables: () => [...csvTables.keys()],
  workbook: async (report, params) => {
    const w = await fetchWorkbook(report, params);
    const bytes = new Uint8Array(await w.blob.arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return { name: w.name, url: w.url, base64: btoa(bin) };
  },
};

/** The "Export Excel" button beside a report's table (opts.workbook of dataTable). */
function workbookButton(report, params) {
  const button = el(
    'button',
    {
      type: 'button',
      class: 'xlsx',
      title: t('xlsx_title'),
      dataset: { workbook: report },
      onclick: async () => {
        button.disabled = true;
        try {
          const w = await fetchWorkbook(report, params);
          const href = URL.createObjectURL(w.blob);
          const a = el('a', { href, download: w.name, hidden: true });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(href), 10000);
        } catch (e) {
          button.title = t('xlsx_failed', e.message);
        } finally {
          button.disabled = false;
        }
      },
    },
    '⤓ ' + t('xlsx'),
  );
  return button;
}

function csvButton(name, fileBase) {
  return el(
    'button',
    {
      type: 'button',
      class: 'csv',
      title: t('csv_title'),
      dataset: { csv: name },
      onclick: () => download(`pledger-${fileBase || name}.csv`, csvTables.get(name)()),
    },
    '⤓ ' + t('csv'),
  );
}

// A column's heading as text, which a narrow screen shows beside each
// cell when the table's rows become cards.
const cellLabel = (c) => (typeof c.label === 'string' ? c.label : (c.label?.textContent ?? ''));

/**
 * A table whose rows can be replaced and whose data downloads as CSV.
 * columns: [{label, cell(row) → node|string, csv(row) → string, csvLabel?,
 * cls?, screen: false for CSV-only, csvOnly: false to keep it off the CSV}].
 * opts: group(row) → {key, label} for heading rows, rowData, rowClass,
 * file, onRow(row, tr) once each row is in the table, workbook: the report
 * whose Excel workbook (every table of the report) the "Export Excel"
 * button beside the CSV one downloads (a path under /v1/workbooks/, with
 * workbookParams for more of its query).
 */
export function dataTable(name, columns, rows, opts = {}) {
  if (opts.flags) columns = withFlags(columns, opts.flags);
  const shown = columns.filter((c) => c.screen !== false);
  const body = el('tbody');
  const count = el('span', { class: 'row-count' });
  const table = el(
    'table',
    { class: 'data ' + (opts.cls || ''), dataset: { table: name } },
    el('thead', {}, el('tr', {}, shown.map((c) => el('th', { class: c.cls || '', scope: 'col' }, c.label)))),
    body,
  );
  let current = rows;
  const update = (newRows) => {
    current = newRows;
    body.replaceChildren();
    let group = null;
    for (const r of newRows) {
      if (opts.group) {
        const g = opts.group(r);
        if (g.key !== group) {
          group = g.key;
          body.append(el('tr', { class: 'group' }, el('th', { colSpan: shown.length, scope: 'rowgroup' }, g.label)));
        }
      }
      const tr = el('tr', { class: opts.rowClass ? opts.rowClass(r) : '' });
      if (opts.rowData) Object.assign(tr.dataset, opts.rowData(r));
      for (const c of shown) tr.append(el('td', { class: c.cls || '', dataset: { label: cellLabel(c) } }, c.cell(r)));
      if (opts.flags) markFlagged(tr, opts.flags(r), Math.max(0, shown.findIndex((c) => c.key === opts.flagsIn)));
      body.append(tr);
      if (opts.onRow) opts.onRow(r, tr);
    }
    if (newRows.length === 0) body.append(el('tr', { class: 'empty' }, el('td', { colSpan: shown.length }, t('no_rows'))));
    count.textContent = t(newRows.length === 1 ? 'rows_one' : 'rows', newRows.length);
    table.dataset.rows = String(newRows.length);
    // After the change in hand (a filter's chips are set after the rows).
    queueMicrotask(refreshPrintHeader);
  };
  update(rows);
  csvTables.set(name, () =>
    toCSV([
      columns.filter((c) => c.csv).map((c) => c.csvLabel || c.key || c.label),
      ...current.map((r) => columns.filter((c) => c.csv).map((c) => c.csv(r))),
    ]),
  );
  const node = el(
    'div',
    { class: 'table-wrap' },
    el(
      'div',
      { class: 'table-tools' },
      count,
      el('span', { class: 'exports' }, csvButton(name, opts.file ? opts.file() : name), opts.workbook ? workbookButton(opts.workbook, opts.workbookParams) : null),
    ),
    el('div', { class: 'scroll' }, table),
  );
  return { node, update };
}

/**
 * A table without CSV or row count, for a part opened inside another table
 * (columns as for dataTable; each row's data and class from opts.rowData /
 * opts.rowClass, else its own `__data` / `__class`).
 */
export function plainTable(name, columns, rows, opts = {}) {
  const shown = columns.filter((c) => c.screen !== false);
  const data = opts.rowData || ((r) => r.__data || {});
  const cls = opts.rowClass || ((r) => r.__class || '');
  return el(
    'table',
    { class: 'data inner', dataset: { table: name, rows: String(rows.length) } },
    el('thead', {}, el('tr', {}, shown.map((c) => el('th', { class: c.cls || '', scope: 'col' }, c.label)))),
    el(
      'tbody',
      {},
      rows.map((r) => el('tr', { class: cls(r), dataset: data(r) }, shown.map((c) => el('td', { class: c.cls || '', dataset: { label: cellLabel(c) } }, c.cell(r))))),
    ),
  );
}

export function section(title, ...children) {
  return el('section', { class: 'panel' }, el('h2', {}, title), ...children);
}

export function pageHead(titleKey, introKey, data) {
  const s = scope(parseRoute());
  const meta = [];
  if (data && data.judged_at) meta.push(t('judged_at', data.judged_at));
  if (s.at_seq) meta.push(t('at_seq_note', s.at_seq));
  return el(
    'div',
    { class: 'page-head' },
    el('h1', {}, t(titleKey)),
    introKey ? el('p', { class: 'intro' }, t(introKey)) : null,
    meta.length ? el('p', { class: 'meta', dataset: { judgedAt: data?.judged_at ?? '' } }, meta.join(' · ')) : null,
  );
}

export function badge(group, code, extra) {
  if (!code) return '';
  return el('span', { class: `badge ${group}-${code}${extra ? ' ' + extra : ''}`, dataset: { [group]: code } }, label(group, code));
}

export function seqLink(seq) {
  if (seq === null || seq === undefined) return '';
  return el('a', { href: href(['records', String(seq)], {}, false), class: 'seq' }, '#' + seq);
}

export function idLink(parts, id, params) {
  return el('a', { href: href(parts, params || {}), class: 'id' }, id);
}

export function chip(text, attrs) {
  return el('button', { type: 'button', class: 'chip', ...attrs }, text);
}

export function field(labelText, control) {
  return el('label', { class: 'field' }, el('span', {}, labelText), control);
}

export function select(options, value, onchange) {
  const s = el('select', { onchange: () => onchange(s.value) });
  for (const [v, text] of options) s.append(el('option', { value: v, selected: v === value }, text));
  return s;
}

export function fileScope(name) {
  const s = scope(parseRoute());
  return name + (s.as_of ? '-as-of-' + s.as_of : s.at_seq ? '-at-seq-' + s.at_seq : '');
}

export const amountCsv = (s) => s ?? '';

/** A period as its year ("2009"), years ("2008–2010"), or its two dates. */
export function periodLabel(p) {
  if (!p) return '';
  const a = p.from.slice(0, 4);
  const b = p.to.slice(0, 4);
  if (a === b && p.from.slice(5) === '01-01' && p.to.slice(5) === '12-31') return a;
  if (p.from.slice(5) === '01-01' && p.to.slice(5) === '12-31') return `${a}–${b}`;
  return `${p.from} – ${p.to}`;
}

// ---------------------------------------------------------------- entity names

// The registered entities (/v1/entities), asked for once per scope (as_of,
// at_seq) and kept while the page lives; an answer that failed is not kept,
// and without one the ids are shown bare.
const entityCache = new Map();

export function entityNames(s) {
  const key = JSON.stringify(s);
  let p = entityCache.get(key);
  if (!p) {
    p = api('/v1/entities', s).then((d) => new Map((d.entities ?? []).map((e) => [e.entity_id, e])));
    entityCache.set(key, p);
    p.catch(() => entityCache.delete(key));
  }
  return p.catch(() => new Map());
}

/** The entity's name as registered, or '' (for CSV). */
export const rawName = (ents, id) => ents.get(id)?.name ?? '';

/** The entity's name when it has one other than its id, else null. */
export function nameOf(ents, id) {
  const name = rawName(ents, id);
  return name && name !== id ? name : null;
}

/** An entity as a party: its name, with its id beneath (and as a tooltip); the bare id when unknown. */
export function party(ents, id, inline) {
  if (id === null || id === undefined || id === '') return '—';
  const name = nameOf(ents, id);
  if (!name) return el('span', { class: 'party', dataset: { entity: id } }, id);
  return el(
    'span',
    { class: 'party' + (inline ? ' inline' : ''), title: id, dataset: { entity: id } },
    el('span', { class: 'party-name' }, name),
    inline ? ' ' : null,
    el('small', { class: 'party-id' }, id),
  );
}

/**
 * The console's own page for an id the findings name, by the entity's
 * registered kind (a project: its page in the register), else null.
 */
export function subjectHref(ents, id) {
  const kind = ents.get(id)?.kind;
  if (kind === 'project') return href(['projects', id]);
  return null;
}

/** Does the entity's id or name contain `needle` (lower case)? */
export const partyMatches = (ents, id, needle) =>
  String(id ?? '').toLowerCase().includes(needle) || rawName(ents, id).toLowerCase().includes(needle);

// ---------------------------------------------------------------- findings on rows

// Every row a finding names carries the finding: the shell loads the
// findings of the scope (in the reader's language) before each page, and a
// table given `opts.flags(row) → [ids]` shows in the row's identifying
// cell (`opts.flagsIn`, a column key; else the first) a badge per finding
// code naming one of those ids, linking to those findings. A status shown green (met, kept, passed) on a flagged row
// turns to the finding's colour and names it ("按期兑现 · 超额兑付"): a
// green badge must never stand beside a finding that contradicts it.
let flagState = { bySubject: new Map(), label: (c) => c, severity: () => 2 };

/** Loads the findings of scope `s` for the tables' row flags (the shell, before each page). */
export async function loadFlags(s) {
  try {
    const [data, codes] = await Promise.all([api('/v1/findings', { ...s, lang: language() }), findingCodes()]);
    const bySubject = new Map();
    for (const f of data.findings ?? []) {
      for (const id of new Set(f.subjects)) {
        if (!bySubject.has(id)) bySubject.set(id, []);
        bySubject.get(id).push(f);
      }
    }
    flagState = { bySubject, label: codes.label, severity: codes.severity };
  } catch (_) {
    // Without the findings (no token yet, an old server) rows show no flags;
    // the page itself reports what went wrong.
    flagState = { bySubject: new Map(), label: (c) => c, severity: () => 2 };
  }
}

/** The findings naming any of `ids`, each once, most serious first. */
export function findingsOf(ids) {
  const seen = new Set();
  const out = [];
  for (const id of ids) {
    for (const f of flagState.bySubject.get(id) ?? []) {
      if (!seen.has(f)) {
        seen.add(f);
        out.push(f);
      }
    }
  }
  return out.sort((a, b) => flagState.severity(b.code) - flagState.severity(a.code) || a.code.localeCompare(b.code));
}

/** Badges, one per code, for the findings naming `ids`; each links to them on the findings page. */
export function findingFlags(ids) {
  const found = findingsOf(ids.filter(Boolean));
  const byCode = new Map();
  for (const f of found) {
    if (!byCode.has(f.code)) byCode.set(f.code, []);
    byCode.get(f.code).push(f);
  }
  if (byCode.size === 0) return null;
  const subject = ids.find((id) => found.some((f) => f.subjects.includes(id)));
  return el(
    'span',
    { class: 'flags' },
    [...byCode].map(([code, fs]) =>
      el(
        'a',
        {
          class: 'finding-flag sev-' + flagState.severity(code),
          href: href(['findings'], { code, entity: subject }),
          title: fs.map((f) => f.message).join('\n'),
          dataset: { findingCode: code, count: String(fs.length) },
        },
        '⚑ ' + flagState.label(code) + (fs.length > 1 ? ' ×' + fs.length : ''),
      ),
    ),
  );
}

// The findings column of the CSV (last, so the columns before keep their
// places); on screen the flags sit in the row's identifying cell.
function withFlags(columns, ids) {
  return [
    ...columns,
    { label: t('col_flags'), key: 'findings', screen: false, csv: (r) => [...new Set(findingsOf(ids(r)).map((f) => f.code))].join(' ') },
  ];
}

// The statuses the console paints green.
const GREEN = /(^| )(status-(met|kept|passed)|task_status-passed|consequence-imposed|trajectory-(achieved|on_track))( |$)/;

function markFlagged(tr, ids, cell) {
  const found = findingsOf(ids.filter(Boolean));
  tr.dataset.flagIds = ids.filter(Boolean).join(' ');
  if (found.length === 0) return;
  tr.classList.add('flagged');
  tr.children[cell]?.append(findingFlags(ids));
  tr.dataset.findings = [...new Set(found.map((f) => f.code))].join(' ');
  const worst = found[0];
  for (const b of tr.querySelectorAll('.badge')) {
    if (!GREEN.test(b.className) || b.closest('.flags')) continue;
    b.classList.add('flag-amended', 'sev-' + flagState.severity(worst.code));
    b.append(' · ' + flagState.label(worst.code));
  }
}

// ---------------------------------------------------------------- things by name

/**
 * Each account by its holder's registered name, then the account's own
 * name ("汉寿县华盛电力工程公司 · 基本存款账户"): a payee's generic
 * account name alone names no one. An account named after its holder
 * already is named once.
 */
export function accountNames(accounts, ents) {
  const m = new Map();
  for (const a of accounts) {
    const holder = nameOf(ents, a.holder) ?? '';
    const own = a.name && a.name !== a.account_id ? a.name : '';
    m.set(a.account_id, holder && own && !own.startsWith(holder) ? `${holder} · ${own}` : own || holder || a.account_id);
  }
  return m;
}

/**
 * A target in words, as a leader names it: "津市市工业园 2008年 新引进1000万元以上项目"
 * (its assignee's registered name, its period, its metric).
 */
export function targetTitle(ents, target) {
  if (!target) return '';
  const who = nameOf(ents, target.assignee) ?? target.assignee;
  return t('target_title', who, periodLabel(target.period), label('metric', target.metric));
}

/** A yearly task in words: "石门县工业园 2010年 年度目标考核". */
export function taskTitle(ents, task) {
  if (!task) return '';
  const who = nameOf(ents, task.assignee) ?? task.assignee;
  return t('task_title', who, periodLabel(task.period));
}

/** A thing by its name in words, with its id beneath (and as a tooltip); the id alone without a name. */
export function named(title, id, link) {
  if (!title) return link ? el('a', { href: link, class: 'id' }, id) : el('code', { class: 'code' }, id);
  return el(
    'span',
    { class: 'party named', title: id, dataset: { id } },
    link ? el('a', { href: link, class: 'party-name' }, title) : el('span', { class: 'party-name' }, title),
    ' ',
    el('small', { class: 'party-id' }, id),
  );
}

/**
 * A commitment in words, as its parties would name it: "汉寿县向汉寿县高新技术产业园承诺的资金安排(限2010-12-31)".
 * Commitments carry no name of their own; who promised what to whom (and
 * by when, which tells a yearly series apart) is how people refer to one.
 */
export function commitmentTitle(ents, c) {
  if (!c) return '';
  const who = (id) => nameOf(ents, id) ?? id;
  const title = t('commitment_title', who(c.promisor), who(c.beneficiary), label('kind', c.kind));
  return c.due ? title + t('commitment_due', c.due) : title;
}

/** A scheme by what it rewards: "津市市工业园 2008年 新引进1000万元以上项目 奖励方案". */
export function schemeTitle(ents, scheme, targetById, taskById) {
  if (!scheme) return '';
  const about = scheme.target_id ? targetTitle(ents, targetById.get(scheme.target_id)) : taskTitle(ents, taskById.get(scheme.task_id));
  return about ? t('scheme_title', about) : '';
}

// Every id the findings and the log can name, in words: asked for once per
// scope and language (the titles are built in it) while the page lives.
const titleCache = new Map();

/**
 * `title(id)`: the thing's name in words — an entity's registered name, an
 * account by holder and name, a target, yearly task, scheme or commitment
 * in words — or null when it has none (the id is then shown bare).
 */
export function thingTitles(s) {
  const key = JSON.stringify(s) + language();
  let p = titleCache.get(key);
  if (!p) {
    const view = (path, empty) => api(path, s).catch(() => empty);
    p = Promise.all([
      entityNames(s),
      view('/v1/funds/accounts', { accounts: [] }),
      view('/v1/targets', { targets: [] }),
      view('/v1/assessment', { tasks: [] }),
      view('/v1/commitments', { commitments: [] }),
      view('/v1/incentives', { schemes: [] }),
    ]).then(([ents, funds, targets, assessment, commitments, incentives]) => {
      const m = new Map();
      for (const [id, name] of accountNames(funds.accounts ?? [], ents)) if (name !== id) m.set(id, name);
      const targetById = new Map((targets.targets ?? []).map((x) => [x.target_id, x]));
      const taskById = new Map((assessment.tasks ?? []).map((x) => [x.task_id, x]));
      for (const x of targetById.values()) m.set(x.target_id, targetTitle(ents, x));
      for (const x of taskById.values()) m.set(x.task_id, taskTitle(ents, x));
      for (const c of commitments.commitments ?? []) m.set(c.commitment_id, commitmentTitle(ents, c));
      for (const x of incentives.schemes ?? []) {
        const title = schemeTitle(ents, x, targetById, taskById);
        if (title) m.set(x.scheme_id, title);
      }
      return { ents, title: (id) => nameOf(ents, id) ?? m.get(id) ?? null };
    });
    titleCache.set(key, p);
    p.catch(() => titleCache.delete(key));
  }
  return p;
}

/**
 * A finding's sentence with each id in it that has a name made readable:
 * the server writes "名称（id）" for entities but a target, task, scheme or
 * commitment by its bare id ("目标jinshi-2008-ge10m"). Each such id gets its
 * name before it (class `msg-name`, with the brackets); every named id
 * becomes the small type of an id. Taking away the `msg-name` parts gives
 * the sentence back exactly as the ledger wrote it.
 */
export function namesInText(text, title) {
  const out = [];
  let last = 0;
  const [open, close] = language() === 'zh-CN' ? ['（', '）'] : [' (', ')'];
  for (const m of text.matchAll(/[A-Za-z0-9][A-Za-z0-9._:-]*[A-Za-z0-9]/g)) {
    const id = m[0];
    const name = title(id);
    if (!name) continue;
    const before = text.slice(last, m.index);
    out.push(before);
    // "名称（id）" or "name (id)" names it already: only the id is made small.
    const alreadyNamed = text.slice(0, m.index).replace(/\s*[（(]$/, '').endsWith(name);
    if (!alreadyNamed) out.push(el('span', { class: 'msg-name' }, name + open));
    out.push(el('small', { class: 'party-id in-text' }, id));
    if (!alreadyNamed) out.push(el('span', { class: 'msg-name' }, close));
    last = m.index + id.length;
  }
  if (!out.length) return text;
  out.push(text.slice(last));
  return out;
}

// ---------------------------------------------------------------- printing a page

// A printed page must say what it shows: the day it is judged at (or the
// as-of date), the filters in force and how many rows each table holds —
// a printout shows neither the address nor the controls. The shell puts a
// header (hidden on screen) on each report page; it is read again from
// the page's own controls and tables whenever a table changes, and just
// before printing.
let printHeaderNode = null;

/** The header printed above a report page (the shell adds it; app.css shows it in print only). */
export function printHeader() {
  printHeaderNode = el('header', { class: 'print-header' });
  return printHeaderNode;
}

/** The filters set on the page, as "label: value" in the reader's language. */
function activeFilters(page) {
  const out = [];
  for (const f of page.querySelectorAll('.filters label.field')) {
    const name = f.querySelector('span')?.textContent ?? '';
    const c = f.querySelector('select, input');
    if (!c || !c.value) continue;
    const value = c.tagName === 'SELECT' ? c.selectedOptions[0]?.textContent ?? c.value : c.value;
    out.push(`${name}: ${value}`);
  }
  for (const c of page.querySelectorAll('label.check input[type=checkbox]:checked')) out.push(c.parentElement.textContent.trim());
  for (const c of page.querySelectorAll('.chips .chip.active')) {
    const what = c.querySelector('.badge, .chip-label, .qual');
    out.push((what ?? c).textContent.trim());
  }
  return out;
}

/** Fills the print header from the page as it now stands. */
export function refreshPrintHeader() {
  const node = printHeaderNode;
  if (!node || !node.isConnected) return;
  const page = node.parentElement;
  const s = scope(parseRoute());
  const judged = page.querySelector('.page-head .meta[data-judged-at]')?.dataset.judgedAt || '';
  const when = [s.as_of ? t('print_as_of', s.as_of) : null, judged ? t('judged_at', judged) : null, s.at_seq ? t('at_seq_note', s.at_seq) : null].filter(Boolean);
  const filters = activeFilters(page);
  const tables = [...page.querySelectorAll('table.data[data-table]:not(.inner)')].filter((x) => !x.closest('.print-header, .task-detail-row'));
  node.replaceChildren(
    el('p', { class: 'print-scope', dataset: { asOf: s.as_of ?? '', judgedAt: judged } }, when.join(' · ')),
    el('p', { class: 'print-filters', dataset: { filters: String(filters.length) } }, filters.length ? t('print_filters', filters.join('; ')) : t('print_no_filters')),
    el(
      'p',
      { class: 'print-counts' },
      tables.map((x, i) => {
        const caption = x.closest('section')?.querySelector('h2')?.textContent ?? page.querySelector('h1')?.textContent ?? x.dataset.table;
        return el('span', { class: 'print-count-of', dataset: { table: x.dataset.table, rows: x.dataset.rows ?? '0' } }, i ? ' · ' : '', t('print_rows', caption, x.dataset.rows ?? '0'));
      }),
    ),
    el('p', { class: 'print-date' }, t('print_printed', new Date().toISOString().slice(0, 10))),
  );
}

window.addEventListener('beforeprint', refreshPrintHeader);
