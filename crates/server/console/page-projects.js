// Projects (format 2.2, 3.8): the register of signed investment projects —
// host and investor, money in place against the plan, stage, land (idle
// parcels highlighted) and the targets whose claims or verifications
// counted each, qualifying or not. A project opens to its stage history;
// a counting target shows the projects behind its number (used by the
// targets and claim pages too).

import { t, label, language } from './i18n.js';
import { el, amountNode, parseFen, valueNode } from './format.js';
import { api, enc, scope, href, setQuery, dataTable, plainTable, section, pageHead, badge, seqLink, chip, field, select, fileScope, rawName, thingTitles, namesInText, named as namedTitle } from './ui.js';
import { findingCodes } from './finding-codes.js';

// ---------------------------------------------------------------- pieces

/** An id by the name the view gives it (else the registered one), the id beneath. */
function named(id, name, link, cls) {
  if (id === null || id === undefined || id === '') return '—';
  const shown = name && name !== id ? name : null;
  const nameNode = link ? el('a', { class: 'party-name', href: link }, shown || id) : el('span', { class: 'party-name' }, shown || id);
  return el('span', { class: 'party' + (cls ? ' ' + cls : ''), title: id, dataset: { entity: id } }, nameNode, shown ? el('small', { class: 'party-id' }, id) : null);
}

const projectHref = (id) => href(['projects', id]);

/** A project by its name, linked to its page; the id beneath. */
export function projectNode(p, id) {
  return named(id ?? p?.project_id, p?.name, projectHref(id ?? p.project_id), 'project');
}

/** The stage badge: 已签约 / 已开工 / 已投产 / 停建 / 终止; '—' before signing. */
export function stageBadge(stage) {
  return stage ? badge('stage', stage) : el('span', { class: 'none', dataset: { stage: '' } }, '—');
}

const fen = (s) => parseFen(s) ?? 0n;

/** Money in place against the plan: the two amounts and a bar. */
function investment(p, compact) {
  const planned = fen(p.planned_investment);
  const inPlace = fen(p.investment_in_place);
  const ratio = planned > 0n ? Number((inPlace * 10000n) / planned) / 10000 : inPlace > 0n ? 1 : 0;
  const pct = Math.round(ratio * 1000) / 10;
  return el(
    'div',
    { class: 'invest' + (compact ? ' compact' : ''), title: t('in_place_title', pct), dataset: { inPlace: p.investment_in_place ?? '', planned: p.planned_investment ?? '' } },
    el('span', { class: 'invest-text' }, amountNode(p.investment_in_place, 'in-place'), el('small', {}, ' / ', amountNode(p.planned_investment))),
    el('span', { class: 'ibar' + (ratio > 1 ? ' over' : '') }, el('span', { class: 'ibar-fill', style: `width:${Math.max(0, Math.min(1, ratio)) * 100}%` })),
    el('small', { class: 'invest-pct' }, pct + '%'),
  );
}

/** The parcel, its area and agreed start; idle since when, and reclaimable. */
function landNode(land) {
  if (!land) return el('span', { class: 'none' }, '—');
  const idle = !!land.idle_since;
  return el(
    'div',
    { class: 'land' + (idle ? ' idle' : '') + (land.reclaimable ? ' reclaimable' : ''), dataset: { parcel: land.parcel_id, idleSince: land.idle_since ?? '', reclaimable: String(!!land.reclaimable) } },
    el('span', { class: 'parcel' }, el('code', {}, land.parcel_id), ' · ', t('area_mu', land.area_mu)),
    el('small', { class: 'agreed' }, t('agreed_start', land.agreed_start)),
    idle ? el('span', { class: 'badge land-idle', title: t('land_idle_title') }, t('idle_since', land.idle_since)) : null,
    land.reclaimable ? el('span', { class: 'badge land-reclaimable', title: t('land_reclaimable_title') }, t('land_reclaimable')) : null,
  );
}

/** ✓ qualifies, or ✗ and why not (in the current language). */
function qualifiesNode(c) {
  if (!c) return el('span', { class: 'qual unknown', dataset: { qualifies: '' } }, '? ', t('project_unlisted'));
  return c.qualifies
    ? el('span', { class: 'qual ok', dataset: { qualifies: 'true' } }, '✓ ', t('qualifies'))
    : el('span', { class: 'qual bad', dataset: { qualifies: 'false', reason: c.reason ?? '' } }, '✗ ', label('not_qualifying', c.reason));
}

const targetHref = (id) => href(['targets'], { open: id });

/** Who counted the project: per claim or verification, the target, the record, and whether it qualified. */
function countedNode(p, ents, titles) {
  if (!p.counted_by.length) return el('span', { class: 'none' }, t('not_counted'));
  const units = new Set(p.counted_by.map((c) => c.assignee));
  return el(
    'div',
    { class: 'counted-list' },
    units.size > 1 ? el('span', { class: 'badge counted-twice', title: t('counted_twice_title') }, t('counted_twice', units.size)) : null,
    p.counted_by.map((c) =>
      el(
        'div',
        { class: 'counted' + (c.qualifies ? '' : ' not-qualifying'), dataset: { target: c.target_id, seq: String(c.seq), record: c.record, qualifies: String(c.qualifies) } },
        qualifiesNode(c),
        ' ',
        namedTitle(titles.title(c.target_id), c.target_id, targetHref(c.target_id)),
        el('small', { class: 'counted-by' }, rawName(ents, c.assignee) || c.assignee, ' · ', label('record', c.record), ' ', c.as_of, ' ', seqLink(c.seq)),
      ),
    ),
  );
}

const countedCsv = (p) => p.counted_by.map((c) => `${c.target_id}:${c.record}:${c.seq}:${c.qualifies ? 'qualifies' : c.reason}`).join('; ');

/** A UI string with a node in place of its {0}. */
function withNode(key, node) {
  const [before, after] = t(key, '\u0000').split('\u0000');
  return [before, node, after];
}

/** What a counting target counts: "counts projects started, ≥ 1000万元 in place". */
export function countsLine(counts) {
  if (!counts) return null;
  return el(
    'span',
    { class: 'counts-line', dataset: { countsStage: counts.stage, minInvestment: counts.min_investment ?? '' } },
    t('counts_stage', label('stage', counts.stage)),
    counts.min_investment ? [t('counts_min_sep'), withNode('counts_min', amountNode(counts.min_investment))] : null,
  );
}

/** Projects by id from /v1/projects (an empty map when it cannot be read). */
export function projectRegister(s) {
  return api('/v1/projects', s)
    .then((d) => new Map((d.projects ?? []).map((p) => [p.project_id, p])))
    .catch(() => new Map());
}

/**
 * A counting target's claimed and verified numbers, each with the projects
 * it lists: name, host, stage now, money in place, and whether it
 * qualified as of that record (the register's `counted_by` entry for the
 * target and the record's seq). `table(name, columns, rows)` builds each
 * list (a plain table inline, a table with CSV on a page of its own).
 */
export function projectsBehind(target, register, table) {
  const records = [
    ['claim', target.last_claimed],
    ['verification', target.last_verified],
  ].filter(([, r]) => r);
  if (!records.length) return el('p', { class: 'none' }, t('behind_no_records'));
  const columns = [
    { label: t('col_project'), key: 'project_id', cell: (r) => projectNode(r.p, r.id), csv: (r) => r.id },
    { label: 'name', key: 'name', screen: false, csv: (r) => r.p?.name ?? '' },
    { label: t('col_host'), key: 'host', cell: (r) => (r.p ? named(r.p.host, r.p.host_name) : '—'), csv: (r) => r.p?.host ?? '' },
    { label: t('col_stage'), key: 'stage', cell: (r) => stageBadge(r.p?.stage), csv: (r) => r.p?.stage ?? '' },
    { label: t('col_investment'), key: 'investment_in_place', cell: (r) => (r.p ? amountNode(r.p.investment_in_place) : '—'), csv: (r) => r.p?.investment_in_place ?? '', cls: 'num' },
    { label: t('col_qualifies'), key: 'qualifies', cell: (r) => qualifiesNode(r.c), csv: (r) => (r.c ? String(r.c.qualifies) : '') },
    { label: 'reason', key: 'reason', screen: false, csv: (r) => r.c?.reason ?? '' },
  ];
  return el(
    'div',
    { class: 'behind-all' },
    records.map(([kind, rec]) => {
      const ids = Array.isArray(rec.projects) ? rec.projects : [];
      const rows = ids.map((id) => {
        const p = register.get(id) ?? null;
        const c = p ? p.counted_by.find((x) => x.target_id === target.target_id && x.seq === rec.seq) ?? null : null;
        return { id, p, c, __data: { project: id, qualifies: c ? String(c.qualifies) : '' }, __class: c && !c.qualifies ? 'flag' : '' };
      });
      const ok = rows.filter((r) => r.c?.qualifies).length;
      const mismatch = Number(rec.value) !== ids.length;
      return el(
        'div',
        { class: 'behind', dataset: { record: kind, seq: String(rec.seq), value: String(rec.value), listed: String(ids.length), qualifying: String(ok) } },
        el(
          'h4',
          {},
          label('record', kind),
          ' ',
          el('strong', { class: 'behind-value' }, valueNode(rec.value, target.unit)),
          ' · ',
          t('as_of_date', rec.as_of),
          ' ',
          seqLink(rec.seq),
          ' · ',
          el('span', { class: 'behind-summary' }, ids.length ? t('behind_lists', ids.length, ok) : t('behind_none')),
          mismatch ? [' ', el('span', { class: 'badge behind-mismatch', dataset: { mismatch: '1' } }, t('behind_mismatch'))] : null,
        ),
        ids.length ? table(`projects-${kind}`, columns, rows) : null,
      );
    }),
  );
}

/** A project's stage history: signed, then each report in force. */
function historyRows(p) {
  return [{ stage: 'signed', as_of: p.signed_on, investment_in_place: null, seq: p.seq }, ...p.stages].map((s) =>
    Object.assign({}, s, { __data: { stage: s.stage, seq: String(s.seq) }, __class: s.stage === 'stalled' || s.stage === 'cancelled' ? 'flag' : '' }),
  );
}

const historyColumns = () => [
  { label: t('col_stage'), key: 'stage', cell: (s) => stageBadge(s.stage), csv: (s) => s.stage },
  { label: t('col_as_of'), key: 'as_of', cell: (s) => s.as_of, csv: (s) => s.as_of, cls: 'nowrap' },
  { label: t('col_investment'), key: 'investment_in_place', cell: (s) => (s.investment_in_place === null ? el('span', { class: 'none' }, '—') : amountNode(s.investment_in_place)), csv: (s) => s.investment_in_place ?? '', cls: 'num' },
  { label: t('col_record'), key: 'seq', cell: (s) => seqLink(s.seq), csv: (s) => s.seq },
];

function countedRows(p) {
  return p.counted_by.map((c) => Object.assign({}, c, { __data: { target: c.target_id, seq: String(c.seq), qualifies: String(c.qualifies) }, __class: c.qualifies ? '' : 'flag' }));
}

const countedColumns = (ents, titles) => [
  {
    label: t('col_target'),
    key: 'target_id',
    cell: (c) => namedTitle(titles.title(c.target_id) ?? label('metric', c.metric), c.target_id, targetHref(c.target_id)),
    csv: (c) => c.target_id,
  },
  { label: t('col_unit'), key: 'assignee', cell: (c) => named(c.assignee, rawName(ents, c.assignee)), csv: (c) => c.assignee },
  { label: 'metric', key: 'metric', screen: false, csv: (c) => c.metric },
  { label: t('col_record_kind'), key: 'record', cell: (c) => [label('record', c.record), ' ', seqLink(c.seq)], csv: (c) => c.record },
  { label: 'seq', key: 'seq', screen: false, csv: (c) => c.seq },
  { label: t('col_as_of'), key: 'as_of', cell: (c) => c.as_of, csv: (c) => c.as_of, cls: 'nowrap' },
  { label: t('col_qualifies'), key: 'qualifies', cell: qualifiesNode, csv: (c) => String(c.qualifies) },
  { label: 'reason', key: 'reason', screen: false, csv: (c) => c.reason ?? '' },
];

/** A project opened inside the register. */
function projectDetail(p, ents, titles) {
  return el(
    'div',
    { class: 'task-detail project-detail' },
    el('h3', {}, t('stage_history')),
    plainTable('project-stages', historyColumns(), historyRows(p)),
    el('h3', {}, t('project_counted_by')),
    p.counted_by.length ? plainTable('project-counted-by', countedColumns(ents, titles), countedRows(p)) : el('p', { class: 'none' }, t('not_counted')),
    el('p', { class: 'more' }, el('a', { href: projectHref(p.project_id) }, t('project_detail') + ' →')),
  );
}

const idle = (p) => !!p.land?.idle_since;
const notQualifying = (p) => p.counted_by.some((c) => !c.qualifies);
const STAGES = ['signed', 'started', 'producing', 'stalled', 'cancelled'];

// ---------------------------------------------------------------- the register

export async function projectsPage(route) {
  const s = scope(route);
  // Targets named in words (the counted-by column), entities by name.
  const [data, titles] = await Promise.all([api('/v1/projects', s), thingTitles(s)]);
  const ents = titles.ents;
  const q = route.query;
  const state = { host: q.get('host') || '', stage: q.get('stage') || '', idle: q.get('idle') === '1' ? '1' : '', counted: q.get('counted') === 'not_qualifying' ? 'not_qualifying' : '' };
  const hostName = (p) => p.host_name || p.host;
  const all = [...data.projects].sort(
    (a, b) => hostName(a).localeCompare(hostName(b), 'zh-CN') || a.host.localeCompare(b.host) || a.signed_on.localeCompare(b.signed_on) || a.project_id.localeCompare(b.project_id),
  );
  const hosts = [...new Map(all.map((p) => [p.host, hostName(p)]))];
  const stageCounts = new Map();
  for (const p of all) if (p.stage) stageCounts.set(p.stage, (stageCounts.get(p.stage) || 0) + 1);
  const idleCount = all.filter(idle).length;
  const reclaimable = all.filter((p) => p.land?.reclaimable).length;
  const nqCount = all.filter(notQualifying).length;

  const visible = () =>
    all
      .filter((p) => !state.host || p.host === state.host)
      .filter((p) => !state.stage || p.stage === state.stage)
      .filter((p) => !state.idle || idle(p))
      .filter((p) => !state.counted || notQualifying(p));

  const open = new Set();
  const toggle = (p, tr) => {
    const next = tr.nextElementSibling;
    if (open.has(p.project_id)) {
      open.delete(p.project_id);
      if (next && next.classList.contains('task-detail-row')) next.remove();
    } else {
      open.add(p.project_id);
      tr.after(el('tr', { class: 'task-detail-row', dataset: { detailOf: p.project_id } }, el('td', { colSpan: tr.children.length }, projectDetail(p, ents, titles))));
    }
    tr.classList.toggle('expanded', open.has(p.project_id));
    tr.querySelector('.expand')?.setAttribute('aria-expanded', String(open.has(p.project_id)));
  };

  const table = dataTable(
    'projects',
    [
      {
        label: t('col_project'),
        key: 'project_id',
        cell: (p) => [
          el('button', { type: 'button', class: 'expand', title: t('show_history'), 'aria-expanded': 'false', onclick: (e) => toggle(p, e.currentTarget.closest('tr')) }, '▸'),
          projectNode(p),
        ],
        csv: (p) => p.project_id,
        cls: 'project-cell',
      },
      { label: 'name', key: 'name', screen: false, csv: (p) => p.name ?? '' },
      { label: t('col_host'), key: 'host', cell: (p) => named(p.host, p.host_name), csv: (p) => p.host },
      { label: t('col_investor'), key: 'investor', cell: (p) => named(p.investor, p.investor_name), csv: (p) => p.investor },
      { label: t('col_stage'), key: 'stage', cell: (p) => stageBadge(p.stage), csv: (p) => p.stage ?? '' },
      { label: t('col_in_place'), key: 'investment_in_place', cell: (p) => investment(p), csv: (p) => p.investment_in_place, cls: 'invest-cell' },
      { label: 'planned_investment', key: 'planned_investment', screen: false, csv: (p) => p.planned_investment },
      { label: t('col_signed_on'), key: 'signed_on', cell: (p) => p.signed_on, csv: (p) => p.signed_on, cls: 'nowrap' },
      { label: t('col_land'), key: 'land', cell: (p) => landNode(p.land), csv: (p) => p.land?.parcel_id ?? '' },
      { label: 'area_mu', key: 'area_mu', screen: false, csv: (p) => p.land?.area_mu ?? '' },
      { label: 'agreed_start', key: 'agreed_start', screen: false, csv: (p) => p.land?.agreed_start ?? '' },
      { label: 'idle_since', key: 'idle_since', screen: false, csv: (p) => p.land?.idle_since ?? '' },
      { label: 'reclaimable', key: 'reclaimable', screen: false, csv: (p) => (p.land ? String(p.land.reclaimable) : '') },
      { label: t('col_counted_by'), key: 'counted_by', cell: (p) => countedNode(p, ents, titles), csv: countedCsv, cls: 'counted-cell' },
      { label: 'host_name', key: 'host_name', screen: false, csv: (p) => p.host_name ?? '' },
      { label: 'investor_name', key: 'investor_name', screen: false, csv: (p) => p.investor_name ?? '' },
      { label: 'seq', key: 'seq', screen: false, csv: (p) => p.seq },
    ],
    [],
    {
      flags: (p) => [p.project_id],
      rowData: (p) => ({ project: p.project_id, host: p.host, stage: p.stage ?? '', inPlace: p.investment_in_place, idle: String(idle(p)) }),
      rowClass: (p) => 'task-row project-row' + (idle(p) ? ' land-idle-row' : '') + (p.land?.reclaimable ? ' reclaimable-row' : ''),
      onRow: (p, tr) => {
        tr.addEventListener('click', (e) => {
          if (e.target.closest('a, button')) return;
          toggle(p, tr);
        });
        if (open.has(p.project_id)) {
          open.delete(p.project_id);
          toggle(p, tr);
        }
      },
      workbook: 'projects', file: () => fileScope('projects'),
    },
  );
  const inputs = {};
  const apply = (changes) => {
    Object.assign(state, changes);
    if (inputs.host) inputs.host.value = state.host;
    if (inputs.stage) inputs.stage.value = state.stage;
    if (inputs.idle) inputs.idle.checked = !!state.idle;
    setQuery(state, true);
    table.update(visible());
  };
  table.update(visible());

  const summary = el(
    'div',
    { class: 'chips' },
    STAGES.filter((st) => stageCounts.has(st)).map((st) =>
      chip([badge('stage', st), el('span', { class: 'chip-count' }, String(stageCounts.get(st)))], { dataset: { stage: st, count: String(stageCounts.get(st)) }, onclick: () => apply({ stage: state.stage === st ? '' : st }) }),
    ),
    idleCount
      ? chip([el('span', { class: 'badge land-idle' }, t('idle_land')), el('span', { class: 'chip-count' }, String(idleCount)), reclaimable ? el('small', {}, t('of_which_reclaimable', reclaimable)) : null], {
          dataset: { idle: '1', count: String(idleCount) },
          onclick: () => apply({ idle: state.idle ? '' : '1' }),
        })
      : null,
    nqCount
      ? chip([el('span', { class: 'qual bad' }, '✗ ' + t('chip_not_qualifying')), el('span', { class: 'chip-count' }, String(nqCount))], {
          dataset: { counted: 'not_qualifying', count: String(nqCount) },
          onclick: () => apply({ counted: state.counted ? '' : 'not_qualifying' }),
        })
      : null,
  );

  inputs.host = select([['', t('all')], ...hosts.map(([id, name]) => [id, name !== id ? `${name} · ${id}` : id])], state.host, (v) => apply({ host: v }));
  inputs.stage = select([['', t('all')], ...STAGES.map((st) => [st, label('stage', st)])], state.stage, (v) => apply({ stage: v }));
  inputs.idle = el('input', { type: 'checkbox', id: 'only-idle', checked: !!state.idle, onchange: () => apply({ idle: inputs.idle.checked ? '1' : '' }) });
  return el(
    'div',
    { class: 'page projects', dataset: { total: String(all.length), idle: String(idleCount) } },
    pageHead('projects_title', 'projects_intro', data),
    all.length ? summary : el('p', { class: 'alert quiet', dataset: { noProjects: '1' } }, t('no_projects')),
    el(
      'form',
      { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field(t('filter_host'), inputs.host),
      field(t('filter_stage'), inputs.stage),
      el('label', { class: 'check' }, inputs.idle, t('only_idle_land')),
      el('button', { type: 'button', onclick: () => apply({ host: '', stage: '', idle: '', counted: '' }) }, t('clear_filters')),
    ),
    table.node,
  );
}

// ---------------------------------------------------------------- one project

export async function projectPage(route) {
  const id = route.parts[1];
  const s = scope(route);
  const [p, titles, findings, known] = await Promise.all([
    api(`/v1/projects/${enc(id)}`, s),
    thingTitles(s),
    api('/v1/findings', { ...s, lang: language() }).catch(() => ({ findings: [] })),
    findingCodes().catch(() => null),
  ]);
  const ents = titles.ents;
  const about = (findings.findings ?? []).filter((f) => f.subjects.includes(p.project_id));
  const dt = (k, ...v) => [el('dt', {}, k), el('dd', {}, ...v)];
  const stages = dataTable('project-stages', historyColumns(), historyRows(p), { rowData: (r) => r.__data, rowClass: (r) => r.__class, file: () => fileScope(`project-${p.project_id}-stages`) });
  const counted = dataTable('project-counted-by', countedColumns(ents, titles), countedRows(p), { rowData: (r) => r.__data, rowClass: (r) => r.__class, file: () => fileScope(`project-${p.project_id}-counted-by`) });
  const codeLabel = (c) => (known ? known.label(c) : c);
  const found = dataTable(
    'project-findings',
    [
      { label: t('col_date'), key: 'date', cell: (f) => f.date, csv: (f) => f.date, cls: 'nowrap' },
      { label: t('col_code'), key: 'code', cell: (f) => [el('span', { class: 'code-label' }, codeLabel(f.code)), el('code', { class: 'code' }, f.code)], csv: (f) => f.code },
      { label: t('col_message'), key: 'message', cell: (f) => namesInText(f.message, titles.title), csv: (f) => f.message, cls: 'message' },
      { label: t('col_records'), key: 'seqs', cell: (f) => f.seqs.map(seqLink), csv: (f) => f.seqs.join(' '), cls: 'seqs' },
    ],
    about,
    { rowData: (f) => ({ code: f.code }), file: () => fileScope(`project-${p.project_id}-findings`) },
  );
  return el(
    'div',
    { class: 'page project', dataset: { project: p.project_id, stage: p.stage ?? '', host: p.host, idle: String(idle(p)) } },
    el('p', { class: 'back' }, el('a', { href: href(['projects']) }, t('back_to_projects'))),
    el(
      'div',
      { class: 'page-head' },
      el('h1', {}, p.name && p.name !== p.project_id ? p.name : p.project_id),
      el('p', { class: 'meta' }, el('small', { class: 'party-id' }, t('project_title', p.project_id)), ' · ', t('judged_at', p.judged_at ?? ''), s.at_seq ? ' · ' + t('at_seq_note', s.at_seq) : ''),
    ),
    section(
      t('project_overview'),
      el(
        'dl',
        { class: 'fields task-fields project-fields' },
        dt(t('col_host'), named(p.host, p.host_name)),
        dt(t('col_investor'), named(p.investor, p.investor_name)),
        dt(t('col_stage'), stageBadge(p.stage)),
        dt(t('col_in_place'), investment(p)),
        dt(t('col_signed_on'), p.signed_on),
        dt(t('col_land'), landNode(p.land)),
        dt(t('col_record'), seqLink(p.seq)),
      ),
    ),
    section(t('stage_history'), stages.node),
    section(t('project_counted_by'), p.counted_by.length ? counted.node : el('p', { class: 'none' }, t('not_counted'))),
    section(t('project_findings'), about.length ? found.node : el('p', { class: 'none' }, t('no_project_findings'))),
  );
}
