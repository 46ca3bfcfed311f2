// The auditor's console: a single-page app over pledger's HTTP API (contract
// section 5). Plain modules, no framework, no build step, nothing fetched
// from anywhere but the ledger's own server.

import { t, label, detectLanguage, setLanguage, language, isZh } from './i18n.js';
import { el, amountNode, valueNode, formatAmount, formatRatio, toCSV, download, daysBetween, parseFen } from './format.js';
import { sankey, fenText } from './sankey.js';
import { verifyRecord, recordHash } from './verify.js';

// ---------------------------------------------------------------- the API

class HttpError extends Error {
  constructor(status, body, text) {
    const e = body && body.error ? body.error : null;
    super(e ? e.message : `HTTP ${status}${text ? ': ' + text.slice(0, 200) : ''}`);
    this.status = status;
    this.code = e ? e.code : null;
    this.field = e ? e.field : null;
  }
}

const TOKEN_KEY = 'pledger.token';
const PIN_KEY = 'pledger.pinned-key';

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch (_) {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch (_) {
    /* storage unavailable: the value lives for this page only */
  }
}

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const headers = { accept: 'application/json' };
  const token = stored(TOKEN_KEY);
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (!res.ok) throw new HttpError(res.status, body, text);
  if (body === null) throw new HttpError(res.status, null, 'not JSON');
  return body;
}

/** Runs `f` over `items`, at most `n` at a time, results in order. */
async function pool(items, n, f) {
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

const enc = encodeURIComponent;

// ---------------------------------------------------------------- routing

const PAGES = ['findings', 'changes', 'targets', 'commitments', 'funds', 'incentives', 'records'];

function parseRoute() {
  const h = location.hash.replace(/^#/, '');
  const [p, qs] = h.split('?');
  const parts = (p || '').split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, page: parts[0] || 'findings', query: new URLSearchParams(qs || '') };
}

// The scope every report is asked for: as_of or at_seq from the address.
function scope(route) {
  const s = {};
  const asOf = route.query.get('as_of');
  const atSeq = route.query.get('at_seq');
  if (asOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf)) s.as_of = asOf;
  if (atSeq && /^\d+$/.test(atSeq)) s.at_seq = atSeq;
  return s;
}

/** An address inside the console, keeping the scope of the current one. */
function href(parts, params = {}, keepScope = true) {
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
function setQuery(changes, quiet) {
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

// For tests and scripts: the CSV text of a table on the current page.
window.pledgerConsole = {
  csv: (name) => (csvTables.has(name) ? csvTables.get(name)() : null),
  tables: () => [...csvTables.keys()],
};

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

/**
 * A table whose rows can be replaced and whose data downloads as CSV.
 * columns: [{label, cell(row) → node|string, csv(row) → string, csvLabel?,
 * cls?, screen: false for CSV-only, csvOnly: false to keep it off the CSV}].
 */
function dataTable(name, columns, rows, opts = {}) {
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
      for (const c of shown) tr.append(el('td', { class: c.cls || '' }, c.cell(r)));
      body.append(tr);
    }
    if (newRows.length === 0) body.append(el('tr', { class: 'empty' }, el('td', { colSpan: shown.length }, t('no_rows'))));
    count.textContent = t('rows', newRows.length);
    table.dataset.rows = String(newRows.length);
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
    el('div', { class: 'table-tools' }, count, csvButton(name, opts.file ? opts.file() : name)),
    el('div', { class: 'scroll' }, table),
  );
  return { node, update };
}

function section(title, ...children) {
  return el('section', { class: 'panel' }, el('h2', {}, title), ...children);
}

function pageHead(titleKey, introKey, data) {
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

function badge(group, code, extra) {
  if (!code) return '';
  return el('span', { class: `badge ${group}-${code}${extra ? ' ' + extra : ''}`, dataset: { [group]: code } }, label(group, code));
}

function seqLink(seq) {
  if (seq === null || seq === undefined) return '';
  return el('a', { href: href(['records', String(seq)], {}, false), class: 'seq' }, '#' + seq);
}

function idLink(parts, id, params) {
  return el('a', { href: href(parts, params || {}), class: 'id' }, id);
}

function chip(text, attrs) {
  return el('button', { type: 'button', class: 'chip', ...attrs }, text);
}

function field(labelText, control) {
  return el('label', { class: 'field' }, el('span', {}, labelText), control);
}

function select(options, value, onchange) {
  const s = el('select', { onchange: () => onchange(s.value) });
  for (const [v, text] of options) s.append(el('option', { value: v, selected: v === value }, text));
  return s;
}

function fileScope(name) {
  const s = scope(parseRoute());
  return name + (s.as_of ? '-as-of-' + s.as_of : s.at_seq ? '-at-seq-' + s.at_seq : '');
}

const amountCsv = (s) => s ?? '';

// ---------------------------------------------------------------- entity names

// The registered entities (/v1/entities), asked for once per scope (as_of,
// at_seq) and kept while the page lives; an answer that failed is not kept,
// and without one the ids are shown bare.
const entityCache = new Map();

function entityNames(s) {
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
const rawName = (ents, id) => ents.get(id)?.name ?? '';

/** The entity's name when it has one other than its id, else null. */
function nameOf(ents, id) {
  const name = rawName(ents, id);
  return name && name !== id ? name : null;
}

/** An entity as a party: its name, with its id beneath (and as a tooltip); the bare id when unknown. */
function party(ents, id, inline) {
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

/** Does the entity's id or name contain `needle` (lower case)? */
const partyMatches = (ents, id, needle) =>
  String(id ?? '').toLowerCase().includes(needle) || rawName(ents, id).toLowerCase().includes(needle);

// ---------------------------------------------------------------- findings

const SEVERITY = {
  overdraft: 3,
  over_ceiling: 3,
  over_allocation: 3,
  earmark_breach: 3,
  paid_without_met_target: 3,
  commitment_overpaid: 3,
  clawback_due: 3,
  clawback_exceeds_payout: 3,
  scheme_overpaid: 3,
  share_exceeded: 3,
  fulfilled_without_payment: 2,
  fulfilled_before_conditions: 2,
  overstated_claim: 2,
  target_revised_after_period: 2,
  consecutive_misses: 2,
  commitment_overdue: 2,
  commitment_disputed: 2,
  unconfirmed_disbursement: 1,
  missing_evidence: 1,
};
const severity = (code) => SEVERITY[code] ?? 2;

async function findingsPage(route) {
  const [data, ents] = await Promise.all([api('/v1/findings', scope(route)), entityNames(scope(route))]);
  const all = data.findings;
  const q = route.query;
  const counts = new Map();
  for (const f of all) counts.set(f.code, (counts.get(f.code) || 0) + 1);
  const codes = [...new Set([...Object.keys(SEVERITY), ...counts.keys()])].sort(
    (a, b) => severity(b) - severity(a) || (counts.get(b) || 0) - (counts.get(a) || 0) || a.localeCompare(b),
  );
  const subjects = [...new Set(all.flatMap((f) => f.subjects))].sort();

  const state = {
    code: q.get('code') || '',
    entity: q.get('entity') || '',
    from: q.get('from') || '',
    to: q.get('to') || '',
    sort: q.get('sort') === 'serious' ? 'serious' : 'newest',
  };

  const byDate = (a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
  const sorters = {
    newest: (a, b) => byDate(a, b) || severity(b.code) - severity(a.code) || a.code.localeCompare(b.code),
    serious: (a, b) => severity(b.code) - severity(a.code) || byDate(a, b) || a.code.localeCompare(b.code),
  };
  const visible = () => {
    const needle = state.entity.trim().toLowerCase();
    return all
      .filter((f) => !state.code || f.code === state.code)
      .filter((f) => !needle || f.subjects.some((s) => partyMatches(ents, s, needle)) || f.message.toLowerCase().includes(needle))
      .filter((f) => !state.from || f.date >= state.from)
      .filter((f) => !state.to || f.date <= state.to)
      .sort(sorters[state.sort]);
  };

  const shownNote = el('p', { class: 'shown-note' });
  const chips = el('div', { class: 'chips code-chips' });
  const table = dataTable(
    'findings',
    [
      { label: t('col_date'), key: 'date', cell: (f) => el('span', { class: 'date' }, f.date), csv: (f) => f.date, cls: 'nowrap' },
      {
        label: t('col_severity'),
        key: 'severity',
        cell: (f) => el('span', { class: 'sev sev-' + severity(f.code) }, t('sev_' + severity(f.code))),
        csv: (f) => ['', 'minor', 'significant', 'serious'][severity(f.code)],
      },
      {
        label: t('col_code'),
        key: 'code',
        cell: (f) => [el('span', { class: 'code-label' }, label('code', f.code)), el('code', { class: 'code' }, f.code)],
        csv: (f) => f.code,
      },
      {
        label: t('col_subjects'),
        key: 'subjects',
        cell: (f) =>
          f.subjects.map((s) => {
            const name = nameOf(ents, s);
            return el(
              'button',
              { type: 'button', class: 'subject', title: name ? `${s} · ${t('filter_entity')}` : t('filter_entity'), onclick: () => apply({ entity: s }) },
              name ? [el('span', { class: 'party-name' }, name), ' ', el('small', { class: 'party-id' }, s)] : s,
            );
          }),
        csv: (f) => f.subjects.join(' '),
      },
      { label: t('col_message'), key: 'message', cell: (f) => f.message, csv: (f) => f.message, cls: 'message' },
      { label: t('col_records'), key: 'seqs', cell: (f) => f.seqs.map(seqLink), csv: (f) => f.seqs.join(' '), cls: 'seqs' },
    ],
    [],
    {
      rowData: (f) => ({ code: f.code, date: f.date }),
      rowClass: (f) => 'sevrow-' + severity(f.code),
      file: () => fileScope('findings'),
    },
  );

  const inputs = {};
  const apply = (changes) => {
    Object.assign(state, changes);
    for (const [k, v] of Object.entries(changes)) if (inputs[k]) inputs[k].value = v;
    setQuery({ code: state.code, entity: state.entity, from: state.from, to: state.to, sort: state.sort === 'newest' ? '' : state.sort }, true);
    refresh();
  };
  const refresh = () => {
    const rows = visible();
    table.update(rows);
    shownNote.textContent = rows.length === all.length ? t('findings_count', all.length) : t('findings_shown', rows.length, all.length);
    shownNote.dataset.shown = String(rows.length);
    chips.replaceChildren(
      ...codes.map((c) =>
        chip([el('span', { class: 'chip-label' }, label('code', c)), el('span', { class: 'chip-count' }, String(counts.get(c) || 0))], {
          class: 'chip sev-' + severity(c) + (counts.get(c) ? '' : ' zero') + (state.code === c ? ' active' : ''),
          title: c,
          dataset: { code: c, count: String(counts.get(c) || 0) },
          'aria-pressed': state.code === c ? 'true' : 'false',
          onclick: () => apply({ code: state.code === c ? '' : c }),
        }),
      ),
    );
  };

  inputs.code = select([['', t('all')], ...codes.map((c) => [c, `${label('code', c)} (${counts.get(c) || 0})`])], state.code, (v) => apply({ code: v }));
  inputs.entity = el('input', { type: 'search', value: state.entity, list: 'finding-subjects', oninput: () => apply({ entity: inputs.entity.value }) });
  inputs.from = el('input', { type: 'date', value: state.from, onchange: () => apply({ from: inputs.from.value }) });
  inputs.to = el('input', { type: 'date', value: state.to, onchange: () => apply({ to: inputs.to.value }) });
  inputs.sort = select(
    [
      ['newest', t('sort_newest')],
      ['serious', t('sort_serious')],
    ],
    state.sort,
    (v) => apply({ sort: v }),
  );
  const datalist = el('datalist', { id: 'finding-subjects' }, subjects.map((s) => el('option', { value: s, label: nameOf(ents, s) })));
  refresh();

  return el(
    'div',
    { class: 'page findings', dataset: { total: String(all.length) } },
    pageHead('findings_title', 'findings_intro', data),
    chips,
    el(
      'form',
      { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field(t('filter_code'), inputs.code),
      field(t('filter_entity'), inputs.entity),
      datalist,
      field(t('filter_from'), inputs.from),
      field(t('filter_to'), inputs.to),
      field(t('sort'), inputs.sort),
      el('button', { type: 'button', onclick: () => apply({ code: '', entity: '', from: '', to: '' }) }, t('clear_filters')),
    ),
    shownNote,
    table.node,
  );
}

// ---------------------------------------------------------------- changes

const AUDIT_SEQ_KEY = 'pledger.audit-seq';

/**
 * Since the last audit (format 3.9): the auditor keeps the log position its
 * last audit saw; the page lists the findings raised and resolved since,
 * each with the records after that position that made the difference.
 */
async function changesPage(route) {
  const given = route.query.get('from_seq') ?? stored(AUDIT_SEQ_KEY) ?? '';
  const health = await fetch('/healthz').then((r) => r.json());
  const last = Math.max(0, (health.records || 1) - 1);
  const input = el('input', { type: 'number', id: 'from-seq', min: '0', max: String(last), value: given, required: true });
  const compare = (seq) => {
    store(AUDIT_SEQ_KEY, String(seq));
    setQuery({ from_seq: String(seq) });
  };
  const form = el(
    'form',
    {
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        if (input.value !== '') compare(Number(input.value));
      },
    },
    field(t('changes_from'), input),
    el('button', { type: 'submit', id: 'changes-compare' }, t('changes_compare')),
    el('button', { type: 'button', id: 'changes-keep', title: t('changes_keep_hint', last), onclick: () => compare(last) }, t('changes_keep', last)),
  );
  const head = pageHead('changes_title', 'changes_intro', null);
  if (given === '' || Number(given) > last) {
    return el('div', { class: 'page changes' }, head, form, el('p', { class: 'shown-note' }, t('changes_none_kept', last)));
  }
  const [data, ents] = await Promise.all([api('/v1/findings/changes', { from_seq: given, as_of: scope(route).as_of }), entityNames({})]);
  const columns = [
    { label: t('col_date'), key: 'date', cell: (f) => el('span', { class: 'date' }, f.date), csv: (f) => f.date, cls: 'nowrap' },
    {
      label: t('col_code'),
      key: 'code',
      cell: (f) => [el('span', { class: 'code-label' }, label('code', f.code)), el('code', { class: 'code' }, f.code)],
      csv: (f) => f.code,
    },
    { label: t('col_subjects'), key: 'subjects', cell: (f) => f.subjects.map((id) => party(ents, id, true)), csv: (f) => f.subjects.join(' ') },
    { label: t('col_message'), key: 'message', cell: (f) => f.message, csv: (f) => f.message, cls: 'message' },
    {
      label: t('col_changed_by'),
      key: 'changed_by',
      cell: (f) =>
        f.changed_by.length
          ? f.changed_by.map((c) => el('div', { class: 'cause' }, seqLink(c.seq), ' ', el('code', {}, c.type), ' ', nameOf(ents, c.actor) || c.actor, ' ', el('span', { class: 'date' }, c.occurred_at)))
          : el('span', { class: 'muted' }, t('changes_by_time')),
      csv: (f) => f.changed_by.map((c) => `${c.seq} ${c.type} ${c.actor}`).join('; '),
    },
  ];
  const raised = dataTable('changes-raised', columns, data.raised, { file: () => fileScope('raised') });
  const resolved = dataTable('changes-resolved', columns, data.resolved, { file: () => fileScope('resolved') });
  return el(
    'div',
    { class: 'page changes', dataset: { raised: String(data.raised.length), resolved: String(data.resolved.length) } },
    head,
    form,
    el('p', { class: 'meta' }, t('changes_span', data.from_seq + 1, data.to_seq, data.judged_at)),
    section(t('changes_resolved', data.resolved.length), resolved.node),
    section(t('changes_raised', data.raised.length), raised.node),
  );
}

// ---------------------------------------------------------------- targets

function periodLabel(p) {
  if (!p) return '';
  const a = p.from.slice(0, 4);
  const b = p.to.slice(0, 4);
  if (a === b && p.from.slice(5) === '01-01' && p.to.slice(5) === '12-31') return a;
  if (p.from.slice(5) === '01-01' && p.to.slice(5) === '12-31') return `${a}–${b}`;
  return `${p.from} – ${p.to}`;
}

function ratioOf(target, value) {
  if (value === null || value === undefined) return null;
  const x = Number(value);
  const th = Number(target.threshold);
  if (!Number.isFinite(x) || !Number.isFinite(th)) return null;
  if (target.comparator === '<=') return x > 0 ? th / x : null;
  return th > 0 ? x / th : null;
}

const tone = (target) => target.trajectory || target.status;

function progressBar(target) {
  const c = ratioOf(target, target.last_claimed?.value);
  const v = ratioOf(target, target.last_verified?.value);
  const width = (r) => (r === null ? 0 : Math.max(0, Math.min(1, r)) * 100) + '%';
  const tip = `${t('legend_claimed')}: ${c === null ? '—' : formatRatio(c)} · ${t('legend_verified')}: ${v === null ? '—' : formatRatio(v)}`;
  return el(
    'div',
    { class: 'pbar tone-' + tone(target), title: tip },
    el('div', { class: 'track claimed' }, el('div', { class: 'fill', style: 'width:' + width(c) })),
    el('div', { class: 'track verified' }, el('div', { class: 'fill', style: 'width:' + width(v) })),
    c !== null && v !== null && c > v ? el('span', { class: 'over-claim', title: tip }, '▲') : null,
  );
}

function reading(r, unit) {
  if (!r) return el('span', { class: 'none' }, '—');
  return el('span', { class: 'reading' }, valueNode(r.value, unit), el('small', {}, r.as_of, ' ', seqLink(r.seq)));
}

async function targetsPage(route) {
  const [data, ents] = await Promise.all([api('/v1/targets', scope(route)), entityNames(scope(route))]);
  const all = data.targets;
  const q = route.query;
  const state = { assignee: q.get('assignee') || '', year: q.get('year') || '', status: q.get('status') || '' };
  const assignees = [...new Set(all.map((x) => x.assignee))].sort();
  const years = [...new Set(all.map((x) => periodLabel(x.period)))].sort();
  const statuses = [...new Set(all.map((x) => x.status))].sort();
  const statusCounts = new Map();
  for (const x of all) statusCounts.set(x.status, (statusCounts.get(x.status) || 0) + 1);
  const trajCounts = new Map();
  for (const x of all) if (x.trajectory) trajCounts.set(x.trajectory, (trajCounts.get(x.trajectory) || 0) + 1);

  const visible = () =>
    all
      .filter((x) => !state.assignee || x.assignee === state.assignee)
      .filter((x) => !state.year || periodLabel(x.period) === state.year)
      .filter((x) => !state.status || x.status === state.status || x.trajectory === state.status)
      .sort(
        (a, b) =>
          a.assignee.localeCompare(b.assignee) ||
          a.period.from.localeCompare(b.period.from) ||
          a.period.to.localeCompare(b.period.to) ||
          a.metric.localeCompare(b.metric) ||
          a.target_id.localeCompare(b.target_id),
      );

  const table = dataTable(
    'targets',
    [
      { label: t('filter_assignee'), key: 'assignee', screen: false, csv: (x) => x.assignee },
      {
        label: t('col_year'),
        key: 'period',
        cell: (x) => {
          const l = periodLabel(x.period);
          return l.includes(' – ') ? [x.period.from, el('br'), '– ' + x.period.to] : l;
        },
        csv: (x) => `${x.period.from}/${x.period.to}`, cls: 'nowrap shrink' },
      {
        label: t('col_target'),
        key: 'target_id',
        cell: (x) => [el('span', { class: 'metric' }, label('metric', x.metric)), el('br'), el('code', { class: 'code' }, x.target_id)],
        csv: (x) => x.target_id,
      },
      { label: t('col_metric'), key: 'metric', screen: false, csv: (x) => x.metric },
      { label: 'unit', key: 'unit', screen: false, csv: (x) => x.unit },
      {
        label: t('col_threshold'),
        key: 'threshold',
        cell: (x) => [x.comparator === '<=' ? '≤ ' : '≥ ', valueNode(x.threshold, x.unit)],
        csv: (x) => x.threshold,
        cls: 'num nowrap',
      },
      { label: 'comparator', key: 'comparator', screen: false, csv: (x) => x.comparator },
      { label: t('col_claimed'), key: 'claimed', cell: (x) => reading(x.last_claimed, x.unit), csv: (x) => x.last_claimed?.value ?? '', cls: 'num' },
      { label: 'claimed_as_of', screen: false, csv: (x) => x.last_claimed?.as_of ?? '' },
      { label: 'claimed_seq', screen: false, csv: (x) => x.last_claimed?.seq ?? '' },
      { label: t('col_verified'), key: 'verified', cell: (x) => reading(x.last_verified, x.unit), csv: (x) => x.last_verified?.value ?? '', cls: 'num' },
      { label: 'verified_as_of', screen: false, csv: (x) => x.last_verified?.as_of ?? '' },
      { label: 'verified_seq', screen: false, csv: (x) => x.last_verified?.seq ?? '' },
      {
        label: t('col_progress'),
        key: 'progress',
        cell: (x) => el('div', { class: 'progress' }, progressBar(x), el('span', { class: 'ratio' }, formatRatio(x.progress))),
        csv: (x) => x.progress ?? '',
      },
      {
        label: t('col_status'),
        key: 'status',
        cell: (x) => [badge('status', x.status), x.trajectory ? [' ', badge('trajectory', x.trajectory)] : null],
        csv: (x) => x.status,
      },
      { label: 'trajectory', key: 'trajectory', screen: false, csv: (x) => x.trajectory ?? '' },
      {
        label: t('col_claim'),
        key: 'claim',
        cell: (x) => el('a', { href: href(['claims', x.target_id], {}, false) }, t('check_claim')),
      },
      { label: 'basis', key: 'basis', screen: false, csv: (x) => x.basis ?? '' },
      { label: 'assignee_name', key: 'assignee_name', screen: false, csv: (x) => rawName(ents, x.assignee) },
    ],
    [],
    {
      group: (x) => ({ key: x.assignee, label: party(ents, x.assignee, true) }),
      rowData: (x) => ({ target: x.target_id, status: x.status }),
      rowClass: (x) => 'tone-row-' + tone(x),
      file: () => fileScope('targets'),
    },
  );
  const apply = (changes) => {
    Object.assign(state, changes);
    setQuery(state, true);
    table.update(visible());
  };
  table.update(visible());

  const summary = el(
    'div',
    { class: 'chips' },
    [...statusCounts].map(([s, n]) =>
      chip([badge('status', s), el('span', { class: 'chip-count' }, String(n))], { dataset: { status: s, count: String(n) }, onclick: () => apply({ status: s }) }),
    ),
    [...trajCounts].map(([s, n]) =>
      chip([badge('trajectory', s), el('span', { class: 'chip-count' }, String(n))], { dataset: { trajectory: s, count: String(n) }, onclick: () => apply({ status: s }) }),
    ),
  );

  const runs = dataTable(
    'miss-runs',
    [
      { label: t('filter_assignee'), key: 'assignee', cell: (r) => party(ents, r.assignee), csv: (r) => r.assignee },
      { label: t('col_metric'), key: 'metric', cell: (r) => label('metric', r.metric), csv: (r) => r.metric },
      { label: t('col_run'), key: 'consecutive_missed', cell: (r) => String(r.consecutive_missed), csv: (r) => r.consecutive_missed, cls: 'num' },
      {
        label: t('col_targets'),
        key: 'target_ids',
        cell: (r) => r.target_ids.map((id) => [el('a', { href: href(['claims', id], {}, false), class: 'id' }, id), ' ']),
        csv: (r) => r.target_ids.join(' '),
      },
      { label: 'assignee_name', key: 'assignee_name', screen: false, csv: (r) => rawName(ents, r.assignee) },
    ],
    [...data.miss_runs].sort((a, b) => b.consecutive_missed - a.consecutive_missed || a.assignee.localeCompare(b.assignee)),
    { rowClass: (r) => (r.consecutive_missed >= 2 ? 'flag' : ''), file: () => fileScope('miss-runs') },
  );

  const trajOptions = ['achieved', 'on_track', 'needs_acceleration', 'limited', 'deteriorating'].filter((s) => trajCounts.has(s));
  return el(
    'div',
    { class: 'page targets', dataset: { total: String(all.length) } },
    pageHead('targets_title', 'targets_intro', data),
    summary,
    el(
      'form',
      { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field(t('filter_assignee'), select([['', t('all')], ...assignees.map((a) => [a, nameOf(ents, a) ? `${nameOf(ents, a)} · ${a}` : a])], state.assignee, (v) => apply({ assignee: v }))),
      field(t('filter_year'), select([['', t('all')], ...years.map((y) => [y, y])], state.year, (v) => apply({ year: v }))),
      field(
        t('filter_status'),
        select(
          [['', t('all')], ...statuses.map((s) => [s, label('status', s)]), ...trajOptions.map((s) => [s, label('trajectory', s)])],
          state.status,
          (v) => apply({ status: v }),
        ),
      ),
      el(
        'span',
        { class: 'legend' },
        el('span', { class: 'legend-claimed' }, t('legend_claimed')),
        el('span', { class: 'legend-verified' }, t('legend_verified')),
      ),
    ),
    table.node,
    section(t('miss_runs_title'), runs.node),
  );
}

// ---------------------------------------------------------------- commitments

const COMMITMENT_ORDER = ['overdue', 'disputed', 'breached', 'conditional', 'open', 'kept_late', 'waived', 'kept'];
const commitmentRank = (s) => {
  const i = COMMITMENT_ORDER.indexOf(s);
  return i < 0 ? COMMITMENT_ORDER.length : i;
};

async function commitmentsPage(route) {
  const [data, ents] = await Promise.all([api('/v1/commitments', scope(route)), entityNames(scope(route))]);
  const all = [...data.commitments].sort(
    (a, b) =>
      commitmentRank(a.status) - commitmentRank(b.status) ||
      (a.due ?? '9999').localeCompare(b.due ?? '9999') ||
      a.commitment_id.localeCompare(b.commitment_id),
  );
  const q = route.query;
  const state = { status: q.get('status') || '', q: q.get('q') || '' };
  const counts = new Map();
  for (const c of all) counts.set(c.status, (counts.get(c.status) || 0) + 1);
  const judged = data.as_of || data.judged_at;

  const visible = () => {
    const needle = state.q.trim().toLowerCase();
    return all
      .filter((c) => !state.status || c.status === state.status)
      .filter(
        (c) =>
          !needle ||
          [c.commitment_id, c.promisor, c.beneficiary, c.terms, c.kind, rawName(ents, c.promisor), rawName(ents, c.beneficiary)].some((s) =>
            String(s ?? '').toLowerCase().includes(needle),
          ),
      );
  };

  const table = dataTable(
    'commitments',
    [
      {
        label: t('col_status'),
        key: 'status',
        cell: (c) => [
          badge('status', c.status),
          c.status === 'overdue' && c.due && judged ? el('small', { class: 'overdue-days' }, ' ', t('days_overdue', daysBetween(c.due, judged))) : null,
        ],
        csv: (c) => c.status,
      },
      {
        label: t('col_commitment'),
        key: 'commitment_id',
        cell: (c) => [el('code', { class: 'code' }, c.commitment_id), el('br'), el('small', {}, label('kind', c.kind))],
        csv: (c) => c.commitment_id,
      },
      { label: t('col_kind'), key: 'kind', screen: false, csv: (c) => c.kind },
      { label: t('col_promisor'), key: 'promisor', cell: (c) => party(ents, c.promisor), csv: (c) => c.promisor },
      { label: t('col_beneficiary'), key: 'beneficiary', cell: (c) => party(ents, c.beneficiary), csv: (c) => c.beneficiary },
      { label: t('col_amount'), key: 'amount', cell: (c) => (c.amount ? amountNode(c.amount) : '—'), csv: (c) => amountCsv(c.amount), cls: 'num' },
      {
        label: t('col_paid'),
        key: 'paid',
        cell: (c) => [amountNode(c.paid), parseFen(c.repaid) > 0n ? el('small', { class: 'repaid' }, el('br'), t('repaid', formatAmount(c.repaid).text)) : null],
        csv: (c) => amountCsv(c.paid),
        cls: 'num',
      },
      { label: 'repaid', key: 'repaid', screen: false, csv: (c) => amountCsv(c.repaid) },
      { label: t('col_due'), key: 'due', cell: (c) => c.due ?? el('small', {}, t('due_after_condition')), csv: (c) => c.due ?? '', cls: 'nowrap' },
      { label: t('col_fulfilled'), key: 'fulfilled_on', cell: (c) => c.fulfilled_on ?? '—', csv: (c) => c.fulfilled_on ?? '', cls: 'nowrap' },
      {
        label: t('col_conditions'),
        key: 'conditions',
        cell: (c) =>
          c.conditions.length
            ? el(
                'span',
                { title: c.conditions.map((x) => `${x.met ? '✓' : '✗'} ${x.condition_id}: ${x.text}${x.met_on ? ' (' + x.met_on + ')' : ''}`).join('\n') },
                t('conditions_met', c.conditions.filter((x) => x.met).length, c.conditions.length),
              )
            : '—',
        csv: (c) => c.conditions.map((x) => `${x.condition_id}:${x.met ? 'met ' + (x.met_on ?? '') : 'unmet'}`).join('; '),
      },
      { label: t('col_terms'), key: 'terms', cell: (c) => el('span', { class: 'terms', title: c.terms }, c.terms), csv: (c) => c.terms, cls: 'terms-cell' },
      { label: 'promisor_name', key: 'promisor_name', screen: false, csv: (c) => rawName(ents, c.promisor) },
      { label: 'beneficiary_name', key: 'beneficiary_name', screen: false, csv: (c) => rawName(ents, c.beneficiary) },
    ],
    [],
    { rowData: (c) => ({ commitment: c.commitment_id, status: c.status }), rowClass: (c) => 'status-row-' + c.status, file: () => fileScope('commitments') },
  );
  const apply = (changes) => {
    Object.assign(state, changes);
    setQuery(state, true);
    table.update(visible());
    for (const b of chips.querySelectorAll('[data-status]')) b.classList.toggle('active', b.dataset.status === state.status);
  };
  const chips = el(
    'div',
    { class: 'chips status-chips' },
    [...counts]
      .sort((a, b) => commitmentRank(a[0]) - commitmentRank(b[0]))
      .map(([s, n]) =>
        chip([badge('status', s), el('span', { class: 'chip-count' }, String(n))], {
          dataset: { status: s, count: String(n) },
          class: 'chip' + (state.status === s ? ' active' : ''),
          onclick: () => apply({ status: state.status === s ? '' : s }),
        }),
      ),
  );
  table.update(visible());
  const search = el('input', { type: 'search', value: state.q, oninput: () => apply({ q: search.value }) });
  return el(
    'div',
    { class: 'page commitments', dataset: { total: String(all.length), overdue: String(counts.get('overdue') || 0) } },
    pageHead('commitments_title', 'commitments_intro', data),
    chips,
    el('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field(t('filter_entity'), search)),
    table.node,
  );
}

// ---------------------------------------------------------------- funds

const ACCOUNT_ORDER = { source: 0, internal: 1, external: 2 };

async function fundsPage(route) {
  const s = scope(route);
  const [data, ents] = await Promise.all([api('/v1/funds/accounts', s), entityNames(s)]);
  const accounts = [...data.accounts].sort(
    (a, b) => (ACCOUNT_ORDER[a.kind] ?? 3) - (ACCOUNT_ORDER[b.kind] ?? 3) || a.account_id.localeCompare(b.account_id),
  );
  const names = new Map(accounts.map((a) => [a.account_id, a.name || a.account_id]));

  // The direct totals between accounts: the first step of a trace down from
  // each account that paid anything out (the parts of a trace sum exactly to
  // what left the account, so each first step is exact).
  const payers = accounts.filter((a) => (parseFen(a.disbursed_out) ?? 0n) > 0n);
  const traces = await pool(payers, 4, (a) => api(`/v1/funds/accounts/${enc(a.account_id)}/trace`, { direction: 'down', ...s }));
  const edgeMap = new Map();
  for (const tr of traces) {
    for (const f of tr.flows) {
      if (!f.path || f.path.length < 2) continue;
      const key = f.path[0] + '\n' + f.path[1];
      edgeMap.set(key, (edgeMap.get(key) ?? 0n) + (parseFen(f.amount) ?? 0n));
    }
  }
  const edges = [...edgeMap].map(([k, fen]) => {
    const [from, to] = k.split('\n');
    return { from, to, fen };
  });
  edges.sort((a, b) => (b.fen > a.fen ? 1 : b.fen < a.fen ? -1 : 0) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));

  const picture = edges.length
    ? el('figure', { class: 'sankey-wrap' }, sankey(accounts, edges, { href: (id) => href(['trace', id]) }), el('figcaption', {}, t('sankey_note')))
    : el('p', { class: 'none' }, t('no_rows'));

  const flows = dataTable(
    'flows',
    [
      { label: t('col_from'), key: 'from', cell: (e) => [idLink(['trace', e.from], e.from), el('br'), el('small', {}, names.get(e.from) ?? '')], csv: (e) => e.from },
      { label: t('col_to'), key: 'to', cell: (e) => [idLink(['trace', e.to], e.to), el('br'), el('small', {}, names.get(e.to) ?? '')], csv: (e) => e.to },
      { label: t('col_amount'), key: 'amount', cell: (e) => amountNode(fenText(e.fen)), csv: (e) => fenText(e.fen), cls: 'num' },
    ],
    edges,
    { file: () => fileScope('flows') },
  );

  const money = (key, labelKey, extra = {}) => ({ label: t(labelKey), key, cell: (a) => (a[key] === null || a[key] === undefined ? '—' : amountNode(a[key])), csv: (a) => amountCsv(a[key]), cls: 'num', ...extra });
  const accountsTable = dataTable(
    'accounts',
    [
      { label: t('col_account'), key: 'account_id', cell: (a) => [idLink(['trace', a.account_id], a.account_id), el('br'), el('small', {}, a.name ?? '')], csv: (a) => a.account_id },
      { label: t('col_name'), key: 'name', screen: false, csv: (a) => a.name ?? '' },
      { label: t('col_holder'), key: 'holder', cell: (a) => party(ents, a.holder), csv: (a) => a.holder ?? '' },
      { label: t('col_kind'), key: 'kind', cell: (a) => badge('kind', a.kind), csv: (a) => a.kind },
      money('ceiling', 'col_ceiling'),
      { label: t('col_earmark'), key: 'earmark', cell: (a) => a.earmark ?? '—', csv: (a) => a.earmark ?? '' },
      money('allocated_in', 'col_allocated_in', { screen: false }),
      money('allocated_out', 'col_allocated_out', { screen: false }),
      money('disbursed_in', 'col_disbursed_in'),
      money('disbursed_out', 'col_disbursed_out'),
      money('received', 'col_received', { screen: false }),
      money('unconfirmed', 'col_unconfirmed'),
      money('balance', 'col_balance', { cls: 'num balance' }),
      { label: 'holder_name', key: 'holder_name', screen: false, csv: (a) => rawName(ents, a.holder) },
    ],
    accounts,
    {
      rowData: (a) => ({ account: a.account_id, kind: a.kind }),
      rowClass: (a) => (a.kind !== 'source' && (parseFen(a.balance) ?? 0n) < 0n ? 'flag' : ''),
      file: () => fileScope('accounts'),
    },
  );

  const allocations = dataTable(
    'allocations',
    [
      { label: t('col_allocation'), key: 'allocation_id', cell: (x) => el('code', { class: 'code' }, x.allocation_id), csv: (x) => x.allocation_id },
      { label: t('col_from'), key: 'from_account', cell: (x) => idLink(['trace', x.from_account], x.from_account), csv: (x) => x.from_account },
      { label: t('col_to'), key: 'to_account', cell: (x) => idLink(['trace', x.to_account], x.to_account), csv: (x) => x.to_account },
      { label: t('col_purpose'), key: 'purpose', cell: (x) => el('span', { class: 'terms', title: x.purpose }, x.purpose), csv: (x) => x.purpose, cls: 'terms-cell' },
      money('amount', 'col_amount'),
      {
        label: t('col_disbursed'),
        key: 'disbursed',
        cell: (x) => {
          const amt = Number(x.amount);
          const d = Number(x.disbursed);
          const r = amt > 0 ? d / amt : 0;
          return el(
            'div',
            { class: 'spent' },
            amountNode(x.disbursed),
            el('div', { class: 'mini ' + (r > 1 ? 'over' : ''), title: formatRatio(r) }, el('div', { style: 'width:' + Math.min(100, r * 100) + '%' })),
          );
        },
        csv: (x) => amountCsv(x.disbursed),
        cls: 'num',
      },
      money('left', 'col_left'),
    ],
    [...data.allocations].sort((a, b) => a.allocation_id.localeCompare(b.allocation_id)),
    { rowClass: (x) => ((parseFen(x.left) ?? 0n) < 0n ? 'flag' : ''), file: () => fileScope('allocations') },
  );

  return el(
    'div',
    { class: 'page funds', dataset: { accounts: String(accounts.length), flows: String(edges.length) } },
    pageHead('funds_title', 'funds_intro', data),
    section(t('sankey_title'), picture),
    section(t('accounts_title'), accountsTable.node),
    section(t('allocations_title'), allocations.node),
    section(t('flows_title'), flows.node),
  );
}

async function tracePage(route) {
  const id = route.parts[1];
  const direction = route.query.get('direction') === 'up' ? 'up' : 'down';
  const s = scope(route);
  const [data, funds] = await Promise.all([
    api(`/v1/funds/accounts/${enc(id)}/trace`, { direction, ...s }),
    api('/v1/funds/accounts', s).catch(() => ({ accounts: [] })),
  ]);
  const names = new Map(funds.accounts.map((a) => [a.account_id, a.name || a.account_id]));
  const table = dataTable(
    'trace',
    [
      {
        label: t('col_path'),
        key: 'path',
        cell: (f) => f.path.map((p, i) => [i ? el('span', { class: 'arrow' }, ' → ') : null, el('a', { href: href(['trace', p], { direction }), class: 'id', title: names.get(p) ?? '' }, p)]),
        csv: (f) => f.path.join(' > '),
      },
      { label: t('col_account'), key: 'account_id', screen: false, csv: (f) => f.account_id },
      { label: t('col_name'), key: 'name', cell: (f) => names.get(f.account_id) ?? '', csv: (f) => names.get(f.account_id) ?? '' },
      { label: t('col_end'), key: 'end', cell: (f) => el('span', { class: 'end end-' + f.end }, t('end_' + f.end)), csv: (f) => f.end },
      { label: t('col_amount'), key: 'amount', cell: (f) => amountNode(f.amount), csv: (f) => f.amount, cls: 'num' },
    ],
    data.flows,
    { file: () => fileScope(`trace-${id}-${direction}`) },
  );
  return el(
    'div',
    { class: 'page trace', dataset: { account: id, direction } },
    el('div', { class: 'page-head' }, el('h1', {}, t('trace_title', names.get(id) ?? id)), el('p', { class: 'meta' }, el('code', {}, id))),
    el(
      'div',
      { class: 'chips' },
      el('a', { class: 'chip' + (direction === 'down' ? ' active' : ''), href: href(['trace', id], { direction: 'down' }) }, t('trace_down')),
      el('a', { class: 'chip' + (direction === 'up' ? ' active' : ''), href: href(['trace', id], { direction: 'up' }) }, t('trace_up')),
    ),
    el('p', { class: 'total' }, t('trace_total', ''), amountNode(data.total)),
    table.node,
  );
}

// ---------------------------------------------------------------- incentives

function roleBars(scheme) {
  return el(
    'div',
    { class: 'roles' },
    scheme.roles.map((r) => {
      const share = Number(r.share);
      const paid = Number(r.paid);
      const over = (parseFen(r.paid) ?? 0n) > (parseFen(r.share) ?? 0n);
      const ratio = share > 0 ? paid / share : paid > 0 ? 2 : 0;
      return el(
        'div',
        { class: 'role' + (over ? ' over' : '') + (r.in_scheme ? '' : ' foreign'), dataset: { role: r.role }, title: `${label('role', r.role)} ${r.percent}%${r.in_scheme ? '' : ' (' + t('not_in_scheme') + ')'}` },
        el('span', { class: 'role-name' }, label('role', r.role), r.in_scheme ? ` ${r.percent}%` : ''),
        el('div', { class: 'mini' + (over ? ' over' : '') }, el('div', { style: 'width:' + Math.min(100, ratio * 100) + '%' })),
        el('span', { class: 'role-amounts' }, amountNode(r.paid), ' / ', amountNode(r.share)),
      );
    }),
  );
}

async function incentivesPage(route) {
  const [data, ents] = await Promise.all([api('/v1/incentives', scope(route)), entityNames(scope(route))]);
  const q = route.query;
  const state = { only: q.get('only') === 'unearned' ? 'unearned' : '' };
  const unearnedBy = new Map();
  for (const p of data.payouts) if (!p.target_met) unearnedBy.set(p.scheme_id, (unearnedBy.get(p.scheme_id) || 0) + 1);
  const over = (a, b) => (parseFen(a) ?? 0n) > (parseFen(b) ?? 0n);
  const schemeFlag = (x) => unearnedBy.has(x.scheme_id) || over(x.paid, x.total) || x.roles.some((r) => over(r.paid, r.share) || !r.in_scheme);
  const schemes = [...data.schemes].sort((a, b) => Number(schemeFlag(b)) - Number(schemeFlag(a)) || a.scheme_id.localeCompare(b.scheme_id));
  const payouts = [...data.payouts].sort(
    (a, b) => Number(a.target_met) - Number(b.target_met) || (a.paid_on < b.paid_on ? 1 : a.paid_on > b.paid_on ? -1 : 0) || a.payout_id.localeCompare(b.payout_id),
  );
  const unearned = payouts.filter((p) => !p.target_met).length;

  const schemesTable = dataTable(
    'schemes',
    [
      { label: t('col_scheme'), key: 'scheme_id', cell: (x) => el('code', { class: 'code' }, x.scheme_id), csv: (x) => x.scheme_id },
      { label: t('col_target'), key: 'target_id', cell: (x) => el('a', { href: href(['claims', x.target_id], {}, false), class: 'id' }, x.target_id), csv: (x) => x.target_id },
      {
        label: t('col_target_status'),
        key: 'target_status',
        cell: (x) => [
          badge('status', x.target_status),
          unearnedBy.has(x.scheme_id) ? el('small', { class: 'unearned-note' }, el('br'), '⚑ ', t('unearned_count', unearnedBy.get(x.scheme_id))) : null,
        ],
        csv: (x) => x.target_status,
      },
      { label: t('col_total'), key: 'total', cell: (x) => amountNode(x.total), csv: (x) => x.total, cls: 'num' },
      {
        label: t('col_paid'),
        key: 'paid',
        cell: (x) => amountNode(x.paid, (parseFen(x.paid) ?? 0n) > (parseFen(x.total) ?? 0n) ? 'over' : ''),
        csv: (x) => x.paid,
        cls: 'num',
      },
      { label: t('col_roles'), key: 'roles', cell: roleBars, csv: (x) => x.roles.map((r) => `${r.role}:${r.paid}/${r.share}`).join('; ') },
    ],
    schemes,
    {
      rowData: (x) => ({ scheme: x.scheme_id }),
      rowClass: (x) => (schemeFlag(x) ? 'flag' : ''),
      file: () => fileScope('schemes'),
    },
  );

  const visible = () => payouts.filter((p) => !state.only || !p.target_met);
  const payoutsTable = dataTable(
    'payouts',
    [
      { label: t('col_payout'), key: 'payout_id', cell: (p) => [p.target_met ? null : el('span', { class: 'flag-icon', title: t('only_unearned') }, '⚑ '), el('code', { class: 'code' }, p.payout_id)], csv: (p) => p.payout_id },
      { label: t('col_scheme'), key: 'scheme_id', cell: (p) => p.scheme_id, csv: (p) => p.scheme_id },
      { label: t('col_payee'), key: 'payee', cell: (p) => party(ents, p.payee), csv: (p) => p.payee },
      { label: t('col_role'), key: 'role', cell: (p) => label('role', p.role), csv: (p) => p.role },
      { label: t('col_amount'), key: 'amount', cell: (p) => amountNode(p.amount), csv: (p) => p.amount, cls: 'num' },
      { label: t('col_clawed_back'), key: 'clawed_back', cell: (p) => ((parseFen(p.clawed_back) ?? 0n) > 0n ? amountNode(p.clawed_back) : '—'), csv: (p) => p.clawed_back, cls: 'num' },
      { label: t('col_paid_on'), key: 'paid_on', cell: (p) => p.paid_on, csv: (p) => p.paid_on, cls: 'nowrap' },
      { label: t('col_when_paid'), key: 'target_status_when_paid', cell: (p) => badge('status', p.target_status_when_paid), csv: (p) => p.target_status_when_paid },
      { label: 'target_met', key: 'target_met', screen: false, csv: (p) => String(p.target_met) },
      { label: 'payee_name', key: 'payee_name', screen: false, csv: (p) => rawName(ents, p.payee) },
    ],
    [],
    {
      rowData: (p) => ({ payout: p.payout_id, targetMet: String(p.target_met) }),
      rowClass: (p) => (p.target_met ? '' : 'flag unearned'),
      file: () => fileScope('payouts'),
    },
  );
  payoutsTable.update(visible());
  const only = el('input', {
    type: 'checkbox',
    checked: !!state.only,
    onchange: () => {
      state.only = only.checked ? 'unearned' : '';
      setQuery({ only: state.only }, true);
      payoutsTable.update(visible());
    },
  });

  const payoutsSection = section(
      t('payouts_title'),
      el('p', { class: 'alert' + (unearned ? '' : ' quiet'), dataset: { unearned: String(unearned) } }, t('unearned_count', unearned)),
      el('label', { class: 'check' }, only, ' ', t('only_unearned')),
      payoutsTable.node,
  );
  return el(
    'div',
    { class: 'page incentives', dataset: { schemes: String(schemes.length), payouts: String(payouts.length), unearned: String(unearned) } },
    pageHead('incentives_title', 'incentives_intro', data),
    unearned
      ? el(
          'p',
          { class: 'alert' },
          '⚑ ',
          t('unearned_count', unearned),
          ' ',
          el('button', { type: 'button', onclick: () => payoutsSection.scrollIntoView() }, t('show_payouts')),
        )
      : null,
    section(t('schemes_title'), schemesTable.node),
    payoutsSection,
  );
}

// ---------------------------------------------------------------- records

const PAGE_SIZE = 50;

async function recordsPage(route) {
  const from = Math.max(0, Number(route.query.get('from') || 0) | 0);
  const data = await api('/v1/events', { from, limit: PAGE_SIZE });
  const records = data.records;
  const checks = new Map();
  records.forEach((r, i) => {
    const ok = recordHash(r) === r.hash && (i === 0 || records[i - 1].prev_hash === undefined || r.prev_hash === records[i - 1].hash);
    checks.set(r.seq, ok);
  });
  const table = dataTable(
    'records',
    [
      { label: t('col_seq'), key: 'seq', cell: (r) => seqLink(r.seq), csv: (r) => r.seq, cls: 'num' },
      { label: t('col_occurred'), key: 'occurred_at', cell: (r) => r.event.occurred_at, csv: (r) => r.event.occurred_at, cls: 'nowrap' },
      { label: t('col_type'), key: 'type', cell: (r) => el('code', {}, r.event.type), csv: (r) => r.event.type },
      { label: t('col_actor'), key: 'actor', cell: (r) => r.event.actor, csv: (r) => r.event.actor },
      { label: t('col_id'), key: 'id', cell: (r) => el('code', { class: 'code' }, r.event.id ?? ''), csv: (r) => r.event.id ?? '' },
      { label: t('col_hash'), key: 'hash', cell: (r) => el('code', { class: 'hash', title: r.hash }, r.hash.slice(0, 16) + '…'), csv: (r) => r.hash },
      { label: 'prev_hash', key: 'prev_hash', screen: false, csv: (r) => r.prev_hash },
      { label: 'recorded_at', key: 'recorded_at', screen: false, csv: (r) => r.recorded_at },
      {
        label: t('col_check'),
        key: 'check',
        cell: (r) => el('span', { class: checks.get(r.seq) ? 'ok' : 'bad' }, checks.get(r.seq) ? '✓' : '✗'),
        csv: (r) => (checks.get(r.seq) ? 'ok' : 'mismatch'),
      },
    ],
    records,
    { rowData: (r) => ({ seq: String(r.seq) }), rowClass: (r) => (checks.get(r.seq) ? '' : 'flag'), file: () => `records-${from}` },
  );
  const go = el('input', { type: 'number', min: '0', class: 'go' });
  return el(
    'div',
    { class: 'page records' },
    pageHead('records_title', 'records_intro', null),
    el(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          if (go.value !== '') location.hash = href(['records', go.value], {}, false);
        },
      },
      from > 0 ? el('a', { class: 'button', href: href(['records'], { from: Math.max(0, from - PAGE_SIZE) }, false) }, t('older')) : null,
      records.length === PAGE_SIZE ? el('a', { class: 'button', href: href(['records'], { from: from + PAGE_SIZE }, false) }, t('newer')) : null,
      field(t('col_seq'), go),
    ),
    table.node,
  );
}

function pinnedKey() {
  return stored(PIN_KEY);
}

function verificationView(result, uncoveredNote) {
  const steps = result.steps.map((s) =>
    el(
      'li',
      { class: 'step ' + (s.ok === true ? 'step-ok' : s.ok === false ? 'step-bad' : 'step-unknown'), dataset: { step: s.id, ok: String(s.ok) } },
      el('span', { class: 'mark' }, s.ok === true ? '✓' : s.ok === false ? '✗' : '?'),
      ' ',
      t('step_' + s.id),
      s.detail ? el('code', { class: 'detail' }, s.detail) : null,
    ),
  );
  return el(
    'div',
    { class: 'verification', dataset: { verdict: result.verdict } },
    el('p', { class: 'verdict verdict-' + result.verdict }, uncoveredNote || t('verdict_' + result.verdict)),
    el('ol', { class: 'steps' }, steps),
  );
}

async function verifyWithPin(record, proof, checkpoint) {
  const pin = pinnedKey();
  const cp = checkpoint ? { text: checkpoint.text, key: pin || checkpoint.key } : null;
  const result = await verifyRecord(record, proof, cp);
  if (pin && checkpoint) {
    const same = pin === checkpoint.key;
    result.steps.push({ id: 'pinned_key', ok: same, detail: same ? pin : `${checkpoint.key} ≠ ${pin}` });
    if (!same) result.verdict = 'failed';
  }
  return result;
}

function pinForm(onchange) {
  const pin = pinnedKey();
  const input = el('input', { type: 'text', class: 'key-input', value: pin ?? '', placeholder: 'pledger.example/ledger+1234abcd+AQ…', spellcheck: false });
  return el(
    'form',
    {
      class: 'pin',
      onsubmit: (e) => {
        e.preventDefault();
        store(PIN_KEY, input.value.trim() || null);
        onchange();
      },
    },
    field(t('pin_label'), input),
    el('button', { type: 'submit' }, t('pin_save')),
    pin
      ? el(
          'button',
          {
            type: 'button',
            onclick: () => {
              store(PIN_KEY, null);
              onchange();
            },
          },
          t('pin_clear'),
        )
      : el('small', {}, t('pin_none')),
  );
}

function eventFields(event) {
  const rows = [
    ['type', el('code', {}, event.type)],
    ['id', el('code', {}, event.id ?? '')],
    ['actor', event.actor],
    ['occurred_at', event.occurred_at],
  ];
  for (const [k, v] of Object.entries(event.data ?? {})) {
    let shown;
    if (typeof v === 'string' && k === 'target_id') shown = el('a', { href: href(['claims', v], {}, false) }, v);
    else if (typeof v === 'string' && /(^|_)account$/.test(k)) shown = el('a', { href: href(['trace', v], {}, false) }, v);
    else if (typeof v === 'string' && (k === 'amount' || k === 'total' || k === 'ceiling')) shown = [amountNode(v), el('small', {}, ' (', v, ')')];
    else if (k === 'seq' && typeof v === 'number') shown = seqLink(v);
    else shown = typeof v === 'string' ? v : el('code', {}, JSON.stringify(v));
    rows.push(['data.' + k, shown]);
  }
  return el('dl', { class: 'fields' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

async function latestCheckpoint() {
  try {
    return await api('/v1/checkpoint');
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return null;
    throw e;
  }
}

async function recordPage(route) {
  const seq = Number(route.parts[1]);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('bad record number');
  const [record, checkpoint] = await Promise.all([api(`/v1/events/${seq}`), latestCheckpoint()]);
  const covered = checkpoint && seq < checkpoint.size;
  const proof = covered ? await api('/v1/proofs/inclusion', { seq, size: checkpoint.size }) : null;
  const holder = el('div');
  const run = async () => {
    const result = await verifyWithPin(record, proof, covered ? checkpoint : null);
    if (!covered) result.verdict = 'partial';
    holder.replaceChildren(verificationView(result, covered ? null : checkpoint ? t('verdict_uncovered') : t('no_checkpoint')));
  };
  await run();

  return el(
    'div',
    { class: 'page record', dataset: { seq: String(seq) } },
    el(
      'div',
      { class: 'page-head' },
      el('h1', {}, t('record_title', seq)),
      el(
        'p',
        { class: 'meta' },
        seq > 0 ? el('a', { href: href(['records', String(seq - 1)], {}, false) }, '← #' + (seq - 1)) : null,
        ' ',
        el('a', { href: href(['records'], { from: Math.floor(seq / PAGE_SIZE) * PAGE_SIZE }, false) }, t('nav_records')),
        ' ',
        el('a', { href: href(['records', String(seq + 1)], {}, false) }, '#' + (seq + 1) + ' →'),
      ),
    ),
    section(
      t('verify_title'),
      el('p', { class: 'intro' }, t('verify_intro')),
      holder,
      el('button', { type: 'button', class: 'verify-again', onclick: run }, t('verify_again')),
      pinForm(() => render()),
    ),
    section(
      t('record_fields'),
      eventFields(record.event),
      el(
        'dl',
        { class: 'fields' },
        el('dt', {}, t('record_hash')),
        el('dd', {}, el('code', { class: 'hash', dataset: { hash: record.hash } }, record.hash)),
        el('dt', {}, t('prev_hash')),
        el('dd', {}, el('code', { class: 'hash' }, record.prev_hash)),
        el('dt', {}, t('recorded_at')),
        el('dd', {}, record.recorded_at),
      ),
    ),
    section(t('record_raw'), el('pre', { class: 'raw' }, JSON.stringify(record))),
    proof
      ? section(
          t('inclusion_title'),
          el('p', {}, `seq ${proof.seq} · size ${proof.size} · ${t('path_len', proof.path.length)}`),
          el('p', {}, 'root ', el('code', { class: 'hash' }, proof.root)),
          el('ol', { class: 'path', start: '1' }, proof.path.map((h) => el('li', {}, el('code', { class: 'hash' }, h)))),
        )
      : null,
    checkpoint
      ? section(t('checkpoint_title'), el('pre', { class: 'note' }, checkpoint.text), el('p', {}, t('verifier_key'), ' ', el('code', { class: 'key' }, checkpoint.key)))
      : null,
  );
}

async function claimPage(route) {
  const id = route.parts[1];
  const c = await api(`/v1/claims/targets/${enc(id)}`);
  const ev = c.evidence;
  const checkpoint = ev ? { text: ev.checkpoint, key: ev.key } : null;
  const items = ev ? ev.records : [];
  const results = await Promise.all(items.map((r) => verifyWithPin(r.record, r.inclusion, checkpoint)));
  const overall = results.length === 0 ? 'partial' : results.some((r) => r.verdict === 'failed') ? 'failed' : results.every((r) => r.verdict === 'verified') ? 'verified' : 'partial';
  return el(
    'div',
    { class: 'page claim', dataset: { target: id, verdict: c.verdict, verified: overall } },
    el('div', { class: 'page-head' }, el('h1', {}, t('claim_title', id)), el('p', { class: 'meta' }, t('judged_at', c.judged_at ?? ''))),
    section(
      t('claim_verdict'),
      el('p', { class: 'claim-verdict verdict-' + c.verdict, dataset: { claimVerdict: c.verdict } }, t('verdict_' + c.verdict)),
      el('dl', { class: 'fields' }, el('dt', {}, t('col_status')), el('dd', {}, badge('status', c.status)), el('dt', {}, t('claim_reason')), el('dd', {}, c.reason), el('dt', {}, t('claim_deciding')), el('dd', {}, (c.deciding_seqs ?? []).map((s) => [seqLink(s), ' ']))),
    ),
    section(
      t('claim_evidence'),
      el('p', { class: 'verdict verdict-' + overall, dataset: { verdict: overall } }, t('verdict_' + overall)),
      items.map((r, i) =>
        el(
          'div',
          { class: 'evidence', dataset: { seq: String(r.seq) } },
          el('h3', {}, seqLink(r.seq), ' ', el('code', {}, r.record.event.type), ' · ', r.record.event.occurred_at, ' · ', r.record.event.actor),
          verificationView(results[i]),
        ),
      ),
      checkpoint ? el('pre', { class: 'note' }, checkpoint.text) : null,
      checkpoint ? el('p', {}, t('verifier_key'), ' ', el('code', { class: 'key' }, checkpoint.key)) : null,
      pinForm(() => render()),
    ),
  );
}

// ---------------------------------------------------------------- shell

const ROUTES = {
  findings: findingsPage,
  changes: changesPage,
  targets: targetsPage,
  commitments: commitmentsPage,
  funds: fundsPage,
  incentives: incentivesPage,
  records: (route) => (route.parts[1] !== undefined ? recordPage(route) : recordsPage(route)),
  trace: tracePage,
  claims: claimPage,
};

const NAV_OF = { trace: 'funds', claims: 'targets' };

function header(route) {
  const s = scope(route);
  const current = NAV_OF[route.page] || route.page;
  const asOf = el('input', {
    type: 'date',
    id: 'as-of',
    value: s.as_of || '',
    title: t('as_of_hint'),
    onchange: () => setQuery({ as_of: asOf.value || null, at_seq: null }),
  });
  const token = stored(TOKEN_KEY);
  return el(
    'div',
    { class: 'bar' },
    el('a', { class: 'brand', href: href(['findings']) }, el('strong', {}, t('brand')), ' ', el('span', {}, t('tagline'))),
    el(
      'nav',
      {},
      PAGES.map((p) =>
        el('a', { href: href([p]), class: p === current ? 'current' : '', 'aria-current': p === current ? 'page' : null, dataset: { nav: p } }, t('nav_' + p)),
      ),
    ),
    el(
      'div',
      { class: 'controls' },
      el('label', { class: 'as-of', title: t('as_of_hint') }, el('span', {}, t('as_of')), asOf),
      s.as_of || s.at_seq ? el('button', { type: 'button', onclick: () => setQuery({ as_of: null, at_seq: null }) }, t('as_of_today')) : null,
      token
        ? el(
            'button',
            {
              type: 'button',
              class: 'token',
              title: t('token_set'),
              onclick: () => {
                store(TOKEN_KEY, null);
                render();
              },
            },
            '🔑 ' + t('token_forget'),
          )
        : null,
      el(
        'button',
        {
          type: 'button',
          id: 'lang-switch',
          class: 'lang',
          title: t('switch_lang_title'),
          lang: isZh() ? 'en' : 'zh-CN',
          onclick: () => {
            setLanguage(isZh() ? 'en' : 'zh-CN', true);
            render();
          },
        },
        t('switch_lang'),
      ),
    ),
  );
}

function tokenPrompt(err) {
  const input = el('input', { type: 'password', id: 'token-input', autocomplete: 'off', spellcheck: false });
  const had = !!stored(TOKEN_KEY);
  return el(
    'div',
    { class: 'page token-prompt', dataset: { tokenPrompt: '1' } },
    el('h1', {}, t('token_title')),
    el('p', {}, t('token_text')),
    had ? el('p', { class: 'alert' }, t('token_refused', err.message)) : null,
    el(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          store(TOKEN_KEY, input.value.trim() || null);
          render();
        },
      },
      field(t('token_label'), input),
      el('button', { type: 'submit', id: 'token-submit' }, t('token_submit')),
    ),
  );
}

let generation = 0;

async function render() {
  const gen = ++generation;
  const route = parseRoute();
  const body = document.body;
  body.dataset.state = 'loading';
  body.dataset.route = location.hash;
  body.dataset.lang = language();
  document.title = `${t('nav_' + (NAV_OF[route.page] || route.page))} · pledger`;
  csvTables.clear();
  document.getElementById('top').replaceChildren(header(route));
  const main = document.getElementById('main');
  main.replaceChildren(el('p', { class: 'loading' }, t('loading')));
  const page = ROUTES[route.page];
  let node;
  let state = 'ready';
  try {
    if (!page) throw new HttpError(404, { error: { code: 'not_found', message: `no page ${route.page}` } });
    node = await page(route);
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) {
      node = tokenPrompt(e);
      state = 'auth';
    } else {
      console.error(e);
      node = el(
        'div',
        { class: 'page error' },
        el('h1', {}, t('error')),
        el('p', { class: 'alert' }, e instanceof HttpError ? `${e.status} ${e.code ?? ''}: ${e.message}` : String(e && e.message ? e.message : e)),
        el('button', { type: 'button', onclick: () => render() }, t('retry')),
      );
      state = 'error';
    }
  }
  if (gen !== generation) return;
  main.replaceChildren(node);
  body.dataset.state = state;
}

setLanguage(detectLanguage(), false);
window.addEventListener('hashchange', render);
if (!location.hash || location.hash === '#' || location.hash === '#/') history.replaceState(null, '', '#/findings');
render();
