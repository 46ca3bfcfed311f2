// Targets (format 3.1) by assignee and period: claimed beside verified,
// progress and trajectory; the runs of consecutive misses below. A counting
// target (format 2.2) says what it counts and opens to the projects behind
// its claimed and verified numbers.

import { t, label } from './i18n.js';
import { el, formatRatio, valueNode } from './format.js';
import { api, scope, href, setQuery, dataTable, plainTable, section, pageHead, badge, seqLink, chip, field, select, fileScope, entityNames, rawName, nameOf, party, periodLabel, named, targetTitle } from './ui.js';
import { countsLine, projectRegister, projectsBehind } from './page-projects.js';

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

function reading(r, unit, onProjects) {
  if (!r) return el('span', { class: 'none' }, '—');
  const listed = Array.isArray(r.projects) ? r.projects.length : null;
  return el(
    'span',
    { class: 'reading' },
    valueNode(r.value, unit),
    el('small', {}, r.as_of, ' ', seqLink(r.seq)),
    onProjects && listed !== null
      ? el('button', { type: 'button', class: 'listed', title: t('show_projects'), dataset: { listed: String(listed) }, onclick: onProjects }, t(listed === 1 ? 'n_projects_one' : 'n_projects', listed))
      : null,
  );
}

export async function targetsPage(route) {
  const [data, ents] = await Promise.all([api('/v1/targets', scope(route)), entityNames(scope(route))]);
  const all = data.targets;
  const byId = new Map(all.map((x) => [x.target_id, x]));
  // The register, asked for only when a target counts projects.
  const register = all.some((x) => x.counts) ? await projectRegister(scope(route)) : new Map();
  const q = route.query;
  const open = new Set(q.get('open') ? [q.get('open')] : []);
  let scrollTo = q.get('open') || null;
  const toggle = (x, tr) => {
    const next = tr.nextElementSibling;
    if (open.has(x.target_id)) {
      open.delete(x.target_id);
      if (next && next.classList.contains('task-detail-row')) next.remove();
    } else {
      open.add(x.target_id);
      tr.after(
        el(
          'tr',
          { class: 'task-detail-row', dataset: { projectsOf: x.target_id } },
          el('td', { colSpan: tr.children.length }, el('div', { class: 'task-detail' }, el('h3', {}, t('projects_behind'), ' · ', countsLine(x.counts)), projectsBehind(x, register, plainTable))),
        ),
      );
    }
    tr.classList.toggle('expanded', open.has(x.target_id));
    tr.querySelector('.expand')?.setAttribute('aria-expanded', String(open.has(x.target_id)));
  };
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

  const opener = (x) => (x.counts ? (e) => toggle(x, e.currentTarget.closest('tr')) : null);
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
        cell: (x) => [
          x.counts ? el('button', { type: 'button', class: 'expand', title: t('show_projects'), 'aria-expanded': 'false', onclick: (e) => toggle(x, e.currentTarget.closest('tr')) }, '▸') : null,
          // In words ("津市市工业园 2008年 新引进1000万元以上项目"), the id beneath.
          named(targetTitle(ents, x), x.target_id),
          x.counts ? [el('br'), el('small', {}, countsLine(x.counts))] : null,
        ],
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
      { label: t('col_claimed'), key: 'claimed', cell: (x) => reading(x.last_claimed, x.unit, opener(x)), csv: (x) => x.last_claimed?.value ?? '', cls: 'num' },
      { label: 'claimed_as_of', screen: false, csv: (x) => x.last_claimed?.as_of ?? '' },
      { label: 'claimed_seq', screen: false, csv: (x) => x.last_claimed?.seq ?? '' },
      { label: t('col_verified'), key: 'verified', cell: (x) => reading(x.last_verified, x.unit, opener(x)), csv: (x) => x.last_verified?.value ?? '', cls: 'num' },
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
      { label: 'counts_stage', key: 'counts_stage', screen: false, csv: (x) => x.counts?.stage ?? '' },
      { label: 'counts_min_investment', key: 'counts_min_investment', screen: false, csv: (x) => x.counts?.min_investment ?? '' },
      { label: 'claimed_projects', key: 'claimed_projects', screen: false, csv: (x) => (x.last_claimed?.projects ?? []).join(' ') },
      { label: 'verified_projects', key: 'verified_projects', screen: false, csv: (x) => (x.last_verified?.projects ?? []).join(' ') },
    ],
    [],
    {
      flags: (x) => [x.target_id],
      flagsIn: 'target_id',
      group: (x) => ({ key: x.assignee, label: party(ents, x.assignee, true) }),
      rowData: (x) => (x.counts ? { target: x.target_id, status: x.status, counting: x.counts.stage } : { target: x.target_id, status: x.status }),
      rowClass: (x) => 'tone-row-' + tone(x) + (x.counts ? ' task-row counting' : ''),
      onRow: (x, tr) => {
        if (!x.counts) return;
        tr.addEventListener('click', (e) => {
          if (e.target.closest('a, button')) return;
          toggle(x, tr);
        });
        if (open.has(x.target_id)) {
          open.delete(x.target_id);
          toggle(x, tr);
        }
        if (scrollTo === x.target_id) {
          scrollTo = null;
          setTimeout(() => tr.scrollIntoView({ block: 'center' }), 0);
        }
      },
      workbook: 'targets', file: () => fileScope('targets'),
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
        label: t('col_run_state'),
        key: 'current',
        cell: (r) => el('span', { class: 'badge run-' + (r.current ? 'current' : 'ended') }, t(r.current ? 'run_current' : 'run_ended')),
        csv: (r) => (r.current ? 'current' : 'ended'),
      },
      {
        label: t('col_targets'),
        key: 'target_ids',
        cell: (r) => r.target_ids.map((id) => el('div', { class: 'run-target' }, named(targetTitle(ents, byId.get(id)), id, href(['claims', id], {}, false)))),
        csv: (r) => r.target_ids.join(' '),
      },
      { label: 'assignee_name', key: 'assignee_name', screen: false, csv: (r) => rawName(ents, r.assignee) },
    ],
    // The current run of each unit and metric, and every earlier run of two
    // or more that a met period ended: together the runs the findings
    // report as consecutive misses, and the runs of one still going.
    [...data.miss_runs.map((r) => ({ ...r, current: true })), ...(data.past_miss_runs ?? []).map((r) => ({ ...r, current: false }))].sort(
      (a, b) => b.consecutive_missed - a.consecutive_missed || a.assignee.localeCompare(b.assignee) || a.target_ids[0].localeCompare(b.target_ids[0]),
    ),
    {
      flags: (r) => r.target_ids,
      rowData: (r) => ({ run: r.target_ids.join(' '), current: String(r.current) }),
      rowClass: (r) => (r.consecutive_missed >= 2 ? 'flag' : ''),
      workbook: 'targets', file: () => fileScope('miss-runs'),
    },
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
