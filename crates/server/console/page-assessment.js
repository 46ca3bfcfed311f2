// Assessment (format 3.7): the yearly tasks ranked per group and year, each
// with its score against the pass mark, its veto and the consequences due;
// a task opens to its items and the sanctions that imposed them. Below, the
// units that failed two or more years in a row, and the sanctions recorded.

import { t, label, isZh } from './i18n.js';
import { el, valueNode } from './format.js';
import { api, enc, scope, href, setQuery, dataTable, section, pageHead, badge, seqLink, chip, field, select, fileScope, entityNames, rawName, party, periodLabel, plainTable, named, targetTitle } from './ui.js';

// ---------------------------------------------------------------- pieces

const num = (s) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

/** A decimal string without trailing zeros ("60.50" → "60.5"). */
const points = (s) => (s === null || s === undefined ? '—' : String(s).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));

/** "2009年度" in Chinese for a calendar year, else the period's label. */
function yearLabel(p) {
  const l = periodLabel(p);
  return isZh() && /^\d{4}$/.test(l) ? l + '年度' : l;
}

const periodKey = (x) => `${x.period.from}/${x.period.to}`;
const sectionKey = (x) => `${x.group}\u0000${periodKey(x)}`;

const unitName = (x) => x.assignee_name || x.assignee;

function unit(x, link) {
  const name = unitName(x);
  return el(
    'span',
    { class: 'party unit', title: x.assignee, dataset: { entity: x.assignee } },
    link ? el('a', { class: 'party-name', href: link }, name) : el('span', { class: 'party-name' }, name),
    el('small', { class: 'party-id' }, name === x.assignee ? x.task_id : `${x.assignee} · ${x.task_id}`),
  );
}

/** The score as a bar of max_score, the pass mark drawn across it. */
function scoreBar(x) {
  const max = num(x.max_score);
  const pct = (v) => (max > 0 ? Math.max(0, Math.min(1, num(v) / max)) * 100 : 0);
  const tip = t('score_title', points(x.score), points(x.max_score), points(x.pass_score));
  return el(
    'div',
    { class: 'score', title: tip, dataset: { score: x.score, max: x.max_score, pass: x.pass_score } },
    el('span', { class: 'score-text' }, el('strong', {}, points(x.score)), ' / ', points(x.max_score)),
    el(
      'span',
      { class: 'sbar tone-' + (x.vetoed ? 'vetoed' : x.status) },
      el('span', { class: 'sbar-fill', style: `width:${pct(x.score)}%` }),
      el('span', { class: 'sbar-pass', style: `left:${pct(x.pass_score)}%` }),
    ),
    el('small', { class: 'score-pass' }, t('pass_mark', points(x.pass_score))),
  );
}

function vetoBadge() {
  return el('span', { class: 'veto-badge', title: t('vetoed_title'), dataset: { vetoed: 'true' } }, t('vetoed'));
}

function statusCell(x) {
  return el(
    'div',
    { class: 'task-status' },
    badge('task_status', x.status),
    x.vetoed ? [' ', vetoBadge()] : null,
    x.consecutive_failed >= 2 ? el('small', { class: 'run-note' }, t('run_note', x.consecutive_failed)) : null,
  );
}

const imposedCount = (x) => x.consequences.filter((c) => c.status === 'imposed').length;

/** Consequences due against imposed, and those pending or not imposed. */
function consequencesCell(x) {
  const due = x.consequences.length;
  if (due === 0) return el('span', { class: 'none' }, '—');
  const n = (s) => x.consequences.filter((c) => c.status === s).length;
  const missing = n('not_imposed');
  const pending = n('pending');
  return el(
    'div',
    { class: 'cons-summary', dataset: { due: String(due), imposed: String(imposedCount(x)) } },
    el('span', { class: 'cons-count' + (imposedCount(x) === due ? ' all-imposed' : '') }, t('cons_imposed_of', imposedCount(x), due)),
    missing ? el('span', { class: 'badge consequence-not_imposed' }, t('cons_not_imposed', missing)) : null,
    pending ? el('span', { class: 'badge consequence-pending' }, t('cons_pending', pending)) : null,
  );
}

const cmp = (c) => (c === '<=' ? '≤' : c === '>=' ? '≥' : c || '');

function itemColumns(targets, ents) {
  const units = new Map([...targets].map(([id, x]) => [id, x.unit]));
  return [
    {
      label: t('col_target'),
      key: 'target_id',
      // In words, linking to its claim; the metric alone when the target cannot be read.
      cell: (i) => named(targets.has(i.target_id) ? targetTitle(ents, targets.get(i.target_id)) : label('metric', i.metric), i.target_id, href(['claims', i.target_id], {}, false)),
      csv: (i) => i.target_id,
    },
    { label: 'metric', key: 'metric', screen: false, csv: (i) => i.metric ?? '' },
    { label: t('col_weight'), key: 'weight', cell: (i) => points(i.weight), csv: (i) => i.weight, cls: 'num' },
    { label: t('col_veto'), key: 'veto', cell: (i) => (i.veto ? el('span', { class: 'veto-item', title: t('vetoed_title') }, t('veto_item')) : ''), csv: (i) => String(i.veto) },
    { label: t('col_target_status'), key: 'status', cell: (i) => (i.status ? badge('status', i.status) : '—'), csv: (i) => i.status ?? '' },
    {
      label: t('col_verified_vs'),
      key: 'verified_value',
      cell: (i) =>
        el(
          'span',
          { class: 'versus nowrap' },
          i.verified_value === null || i.verified_value === undefined ? el('span', { class: 'none' }, '—') : valueNode(i.verified_value, units.get(i.target_id)),
          i.threshold === null || i.threshold === undefined ? null : el('small', {}, ' / ', cmp(i.comparator), ' ', valueNode(i.threshold, units.get(i.target_id))),
        ),
      csv: (i) => i.verified_value ?? '',
      cls: 'num',
    },
    { label: 'threshold', key: 'threshold', screen: false, csv: (i) => i.threshold ?? '' },
    { label: 'comparator', key: 'comparator', screen: false, csv: (i) => i.comparator ?? '' },
    { label: t('col_evidence'), key: 'decided_by_seq', cell: (i) => seqLink(i.decided_by_seq) || el('span', { class: 'none' }, '—'), csv: (i) => i.decided_by_seq ?? '' },
  ];
}

function consequenceColumns(ents) {
  return [
    { label: t('col_consequences'), key: 'kind', cell: (c) => label('sanction', c.kind), csv: (c) => c.kind },
    { label: t('col_because'), key: 'because', cell: (c) => label('because', c.because), csv: (c) => c.because },
    { label: t('col_status'), key: 'status', cell: (c) => badge('consequence', c.status), csv: (c) => c.status },
    { label: t('col_due_by'), key: 'due_by', cell: (c) => c.due_by, csv: (c) => c.due_by, cls: 'nowrap' },
    {
      label: t('col_imposed_by'),
      key: 'imposed',
      cell: (c) =>
        c.imposed.length === 0
          ? el('span', { class: 'none' }, '—')
          : c.imposed.map((s) =>
              el(
                'div',
                { class: 'imposed', dataset: { sanction: s.sanction_id } },
                seqLink(s.seq),
                el('code', { class: 'code' }, s.sanction_id),
                ' · ',
                party(ents, s.subject, true),
                ' · ',
                el('span', { class: 'nowrap' }, s.imposed_on),
              ),
            ),
      csv: (c) => c.imposed.map((s) => `${s.sanction_id}:${s.subject}:${s.imposed_on}:${s.seq}`).join('; '),
    },
  ];
}

const withRow = (rows, data, cls) => rows.map((r) => Object.assign(Object.create(null), r, { __data: data(r), __class: cls ? cls(r) : '' }));

/** A task's items and its consequences, each built by `table`. */
function taskParts(x, ents, units, table) {
  const items = withRow(x.items, (i) => ({ target: i.target_id, veto: String(i.veto), status: i.status ?? '' }), (i) => (i.veto && i.status === 'missed' ? 'flag' : ''));
  const cons = withRow(x.consequences, (c) => ({ kind: c.kind, consequence: c.status }), (c) => (c.status === 'not_imposed' ? 'flag' : ''));
  const none = x.status === 'open' || x.status === 'undecided' ? t('no_consequences_open') : t('no_consequences');
  return {
    items: table('task-items', itemColumns(units, ents), items),
    consequences: cons.length ? table('task-consequences', consequenceColumns(ents), cons) : el('p', { class: 'none', dataset: { noConsequences: '1' } }, none),
  };
}

/** Each target by id, for its unit ("12%", "3个") and its title; empty if the targets cannot be read. */
function targetUnits(s) {
  return api('/v1/targets', s)
    .then((d) => new Map((d.targets ?? []).map((x) => [x.target_id, x])))
    .catch(() => new Map());
}

/** A task opened inside the ranking. */
function taskDetail(x, ents, units, link) {
  const parts = taskParts(x, ents, units, plainTable);
  return el(
    'div',
    { class: 'task-detail' },
    el('h3', {}, t('task_items')),
    parts.items,
    el('h3', {}, t('task_consequences')),
    parts.consequences,
    el('p', { class: 'more' }, el('a', { href: link }, t('task_detail') + ' →')),
  );
}

// ---------------------------------------------------------------- the ranking

export async function assessmentPage(route) {
  const s = scope(route);
  const [data, ents, units] = await Promise.all([api('/v1/assessment', s), entityNames(s), targetUnits(s)]);
  const q = route.query;
  const state = { group: q.get('group') || '', year: q.get('year') || '', status: q.get('status') || '' };
  // The API's order within a group and period (rank, then unit); the
  // latest period first, then the group.
  const all = data.tasks
    .map((x, i) => [x, i])
    .sort(([a, i], [b, j]) => (a.period.to < b.period.to ? 1 : a.period.to > b.period.to ? -1 : 0) || (a.period.from < b.period.from ? 1 : a.period.from > b.period.from ? -1 : 0) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) || i - j)
    .map(([x]) => x);
  const byId = new Map(all.map((x) => [x.task_id, x]));
  const groups = [...new Set(all.map((x) => x.group))].sort();
  const years = [...new Set(all.map((x) => periodLabel(x.period)))].sort().reverse();
  const ranked = new Map();
  for (const x of all) ranked.set(sectionKey(x), (ranked.get(sectionKey(x)) || 0) + 1);
  const counts = new Map();
  for (const x of all) counts.set(x.status, (counts.get(x.status) || 0) + 1);
  const vetoed = all.filter((x) => x.vetoed).length;
  const unimposed = all.filter((x) => x.consequences.some((c) => c.status === 'not_imposed')).length;

  const visible = () =>
    all
      .filter((x) => !state.group || x.group === state.group)
      .filter((x) => !state.year || periodLabel(x.period) === state.year)
      .filter((x) => !state.status || x.status === state.status || (state.status === 'vetoed' && x.vetoed) || (state.status === 'not_imposed' && x.consequences.some((c) => c.status === 'not_imposed')));

  const detailHref = (x) => href(['assessment', x.task_id]);
  const open = new Set();
  const toggle = (x, tr) => {
    const next = tr.nextElementSibling;
    if (open.has(x.task_id)) {
      open.delete(x.task_id);
      if (next && next.classList.contains('task-detail-row')) next.remove();
    } else {
      open.add(x.task_id);
      const cols = tr.children.length;
      tr.after(
        el(
          'tr',
          { class: 'task-detail-row', dataset: { detailOf: x.task_id } },
          el('td', { colSpan: cols }, taskDetail(x, ents, units, detailHref(x))),
        ),
      );
    }
    tr.classList.toggle('expanded', open.has(x.task_id));
    tr.querySelector('.expand')?.setAttribute('aria-expanded', String(open.has(x.task_id)));
  };

  const table = dataTable(
    'assessment',
    [
      { label: 'group', key: 'group', screen: false, csv: (x) => x.group },
      { label: 'period_from', key: 'period_from', screen: false, csv: (x) => x.period.from },
      { label: 'period_to', key: 'period_to', screen: false, csv: (x) => x.period.to },
      {
        label: t('col_rank'),
        key: 'rank',
        cell: (x) => [
          el('button', { type: 'button', class: 'expand', title: t('show_items'), 'aria-expanded': 'false', onclick: (e) => toggle(x, e.currentTarget.closest('tr')) }, '▸'),
          el('span', { class: 'rank', title: t('rank_title', x.rank, x.of) }, el('strong', {}, String(x.rank)), ' / ', String(x.of)),
        ],
        csv: (x) => x.rank,
        cls: 'rank-cell nowrap',
      },
      { label: 'of', key: 'of', screen: false, csv: (x) => x.of },
      { label: t('col_unit'), key: 'assignee', cell: (x) => unit(x, detailHref(x)), csv: (x) => x.assignee },
      { label: 'task_id', key: 'task_id', screen: false, csv: (x) => x.task_id },
      { label: t('col_score'), key: 'score', cell: scoreBar, csv: (x) => x.score, cls: 'score-cell' },
      { label: 'max_score', key: 'max_score', screen: false, csv: (x) => x.max_score },
      { label: 'pass_score', key: 'pass_score', screen: false, csv: (x) => x.pass_score },
      { label: t('col_status'), key: 'status', cell: statusCell, csv: (x) => x.status },
      { label: 'vetoed', key: 'vetoed', screen: false, csv: (x) => String(x.vetoed) },
      { label: 'consecutive_failed', key: 'consecutive_failed', screen: false, csv: (x) => x.consecutive_failed },
      { label: t('col_decided_on'), key: 'decided_on', cell: (x) => x.decided_on ?? el('span', { class: 'none' }, '—'), csv: (x) => x.decided_on ?? '', cls: 'nowrap' },
      { label: t('col_consequences'), key: 'consequences', cell: consequencesCell, csv: (x) => x.consequences.length },
      { label: 'consequences_imposed', key: 'consequences_imposed', screen: false, csv: (x) => imposedCount(x) },
      { label: 'consequences_not_imposed', key: 'consequences_not_imposed', screen: false, csv: (x) => x.consequences.filter((c) => c.status === 'not_imposed').map((c) => c.kind).join(' ') },
      { label: 'basis', key: 'basis', screen: false, csv: (x) => x.basis },
      { label: 'assignee_name', key: 'assignee_name', screen: false, csv: (x) => x.assignee_name ?? '' },
      { label: 'seq', key: 'seq', screen: false, csv: (x) => x.seq },
    ],
    [],
    {
      flags: (x) => [x.task_id],
      flagsIn: 'assignee',
      group: (x) => ({
        key: sectionKey(x),
        label: el(
          'span',
          { class: 'ranking-head', dataset: { group: x.group, period: periodKey(x) } },
          el('strong', {}, label('group', x.group)),
          label('group', x.group) !== x.group ? el('small', { class: 'code' }, ' ', x.group) : null,
          ' · ',
          el('strong', {}, yearLabel(x.period)),
          ' · ',
          t('units_ranked', ranked.get(sectionKey(x))),
        ),
      }),
      rowData: (x) => ({
        task: x.task_id,
        assignee: x.assignee,
        group: x.group,
        period: periodKey(x),
        rank: String(x.rank),
        of: String(x.of),
        status: x.status,
        vetoed: String(x.vetoed),
      }),
      rowClass: (x) => 'task-row tone-row-' + x.status + (x.vetoed ? ' vetoed' : '') + (x.consequences.some((c) => c.status === 'not_imposed') ? ' unimposed' : ''),
      onRow: (x, tr) => {
        tr.addEventListener('click', (e) => {
          if (e.target.closest('a, button')) return;
          toggle(x, tr);
        });
        if (open.has(x.task_id)) {
          open.delete(x.task_id);
          toggle(x, tr);
        }
      },
      workbook: 'assessment', file: () => fileScope('assessment'),
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
    ['passed', 'failed', 'open', 'undecided']
      .filter((st) => counts.has(st))
      .map((st) => chip([badge('task_status', st), el('span', { class: 'chip-count' }, String(counts.get(st)))], { dataset: { status: st, count: String(counts.get(st)) }, onclick: () => apply({ status: st }) })),
    vetoed ? chip([el('span', { class: 'veto-badge' }, t('vetoed_count')), el('span', { class: 'chip-count' }, String(vetoed))], { dataset: { status: 'vetoed', count: String(vetoed) }, onclick: () => apply({ status: 'vetoed' }) }) : null,
    unimposed
      ? chip([badge('consequence', 'not_imposed'), el('span', { class: 'chip-count' }, String(unimposed))], { dataset: { status: 'not_imposed', count: String(unimposed) }, onclick: () => apply({ status: 'not_imposed' }) })
      : null,
  );

  const runs = dataTable(
    'failure-runs',
    [
      { label: t('col_unit'), key: 'assignee', cell: (r) => party(ents, r.assignee), csv: (r) => r.assignee },
      { label: t('col_failed_run'), key: 'consecutive_failed', cell: (r) => String(r.consecutive_failed), csv: (r) => r.consecutive_failed, cls: 'num' },
      {
        label: t('col_tasks'),
        key: 'task_ids',
        cell: (r) =>
          r.task_ids.map((id) => {
            const x = byId.get(id);
            return el('a', { href: href(['assessment', id]), class: 'run-task', title: id }, x ? yearLabel(x.period) : id);
          }),
        csv: (r) => r.task_ids.join(' '),
      },
      { label: 'assignee_name', key: 'assignee_name', screen: false, csv: (r) => r.assignee_name ?? rawName(ents, r.assignee) },
    ],
    data.runs.filter((r) => r.consecutive_failed >= 2).sort((a, b) => b.consecutive_failed - a.consecutive_failed || a.assignee.localeCompare(b.assignee)),
    { flags: (r) => r.task_ids, rowData: (r) => ({ assignee: r.assignee, run: String(r.consecutive_failed) }), rowClass: () => 'flag', workbook: 'assessment', file: () => fileScope('failure-runs') },
  );

  const sanctions = dataTable(
    'sanctions',
    [
      { label: t('col_sanction'), key: 'sanction_id', cell: (x) => el('code', { class: 'code' }, x.sanction_id), csv: (x) => x.sanction_id },
      { label: t('col_subject'), key: 'subject', cell: (x) => party(ents, x.subject), csv: (x) => x.subject },
      { label: t('col_kind'), key: 'kind', cell: (x) => label('sanction', x.kind), csv: (x) => x.kind },
      {
        label: t('col_task'),
        key: 'task_id',
        cell: (x) => {
          if (!x.task_id) return el('span', { class: 'none' }, '—');
          const task = byId.get(x.task_id);
          return el('a', { href: href(['assessment', x.task_id]), class: 'id' }, task ? `${unitName(task)} · ${yearLabel(task.period)}` : x.task_id);
        },
        csv: (x) => x.task_id ?? '',
      },
      { label: t('col_imposed_on'), key: 'imposed_on', cell: (x) => x.imposed_on, csv: (x) => x.imposed_on, cls: 'nowrap' },
      { label: t('col_task_then'), key: 'task_status_then', cell: (x) => (x.task_status_then ? badge('task_status', x.task_status_then) : '—'), csv: (x) => x.task_status_then ?? '' },
      { label: t('col_basis'), key: 'basis', cell: (x) => x.basis, csv: (x) => x.basis },
      { label: t('col_record'), key: 'seq', cell: (x) => seqLink(x.seq), csv: (x) => x.seq },
      { label: 'subject_name', key: 'subject_name', screen: false, csv: (x) => rawName(ents, x.subject) },
    ],
    [...data.sanctions].sort((a, b) => (a.imposed_on < b.imposed_on ? 1 : a.imposed_on > b.imposed_on ? -1 : b.seq - a.seq)),
    { flags: (x) => [x.sanction_id], rowData: (x) => ({ sanction: x.sanction_id }), rowClass: (x) => (x.task_status_then === 'passed' ? 'flag' : ''), workbook: 'assessment', file: () => fileScope('sanctions') },
  );

  const groupName = (g) => (label('group', g) !== g ? `${label('group', g)} · ${g}` : g);
  return el(
    'div',
    { class: 'page assessment', dataset: { tasks: String(all.length), vetoed: String(vetoed) } },
    pageHead('assessment_title', 'assessment_intro', data),
    all.length ? summary : el('p', { class: 'alert quiet', dataset: { noTasks: '1' } }, t('no_tasks')),
    el(
      'form',
      { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field(t('filter_group'), select([['', t('all')], ...groups.map((g) => [g, groupName(g)])], state.group, (v) => apply({ group: v }))),
      field(t('filter_year'), select([['', t('all')], ...years.map((y) => [y, y])], state.year, (v) => apply({ year: v }))),
      field(
        t('filter_status'),
        select(
          [
            ['', t('all')],
            ...['passed', 'failed', 'open', 'undecided'].map((st) => [st, label('task_status', st)]),
            ['vetoed', t('vetoed')],
            ['not_imposed', label('consequence', 'not_imposed')],
          ],
          state.status,
          (v) => apply({ status: v }),
        ),
      ),
      el('span', { class: 'legend' }, el('span', { class: 'legend-pass' }, t('pass_line'))),
    ),
    el('div', { class: 'ranking' }, table.node),
    section(t('runs_title'), runs.node),
    section(t('sanctions_title'), sanctions.node),
  );
}

// ---------------------------------------------------------------- one task

export async function assessmentTaskPage(route) {
  const id = route.parts[1];
  const s = scope(route);
  const [x, ents, units] = await Promise.all([api(`/v1/assessment/${enc(id)}`, s), entityNames(s), targetUnits(s)]);
  const build = (name, columns, rows) => dataTable(`${name}`, columns, rows, { file: () => fileScope(`${name}-${x.task_id}`), rowData: (r) => r.__data, rowClass: (r) => r.__class }).node;
  const dt = (k, ...v) => [el('dt', {}, k), el('dd', {}, ...v)];
  const parts = taskParts(x, ents, units, build);
  return el(
    'div',
    { class: 'page assessment-task', dataset: { task: x.task_id, status: x.status, vetoed: String(x.vetoed), rank: String(x.rank), of: String(x.of) } },
    el('p', { class: 'back' }, el('a', { href: href(['assessment'], { group: x.group, year: periodLabel(x.period) }) }, t('back_to_ranking'))),
    el(
      'div',
      { class: 'page-head' },
      el('h1', {}, `${unitName(x)} · ${label('group', x.group)} · ${yearLabel(x.period)}`),
      el('p', { class: 'meta' }, el('small', { class: 'party-id' }, t('task_id_note', x.task_id)), ' · ', t('judged_at', x.judged_at ?? ''), s.at_seq ? ' · ' + t('at_seq_note', s.at_seq) : ''),
    ),
    section(
      t('task_result'),
      el(
        'dl',
        { class: 'fields task-fields' },
        dt(t('col_unit'), unit(x)),
        dt(t('col_group'), label('group', x.group), label('group', x.group) !== x.group ? el('small', { class: 'code' }, ' ', x.group) : null),
        dt(t('col_period'), `${x.period.from} – ${x.period.to}`),
        dt(t('col_rank'), el('span', { class: 'rank', title: t('rank_title', x.rank, x.of) }, el('strong', {}, String(x.rank)), ' / ', String(x.of))),
        dt(t('col_score'), scoreBar(x)),
        dt(t('col_status'), statusCell(x)),
        dt(t('col_decided_on'), x.decided_on ?? '—'),
        dt(t('col_consequences'), consequencesCell(x)),
        dt(t('col_basis'), x.basis),
        dt(t('col_record'), seqLink(x.seq)),
      ),
    ),
    section(t('task_items'), parts.items),
    section(t('task_consequences'), parts.consequences),
  );
}
