// Incentives (format 3.4): schemes paid against each role's share, and
// every payout, those whose target was not met when paid first.

import { t, label } from './i18n.js';
import { el, amountNode, parseFen } from './format.js';
import { api, scope, href, setQuery, dataTable, section, pageHead, badge, fileScope, entityNames, rawName, party, targetTitle, taskTitle, named, schemeTitle as schemeTitleOf } from './ui.js';

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

export async function incentivesPage(route) {
  const [data, ents, targets, assessment] = await Promise.all([
    api('/v1/incentives', scope(route)),
    entityNames(scope(route)),
    api('/v1/targets', scope(route)).catch(() => ({ targets: [] })),
    api('/v1/assessment', scope(route)).catch(() => ({ tasks: [] })),
  ]);
  // Schemes read by what they reward: the target or yearly task in words.
  const targetById = new Map(targets.targets.map((x) => [x.target_id, x]));
  const taskById = new Map((assessment.tasks ?? []).map((x) => [x.task_id, x]));
  const aboutOf = (x) => (x.target_id ? targetTitle(ents, targetById.get(x.target_id)) : taskTitle(ents, taskById.get(x.task_id)));
  const schemeById = new Map(data.schemes.map((x) => [x.scheme_id, x]));
  const schemeTitle = (id) => schemeTitleOf(ents, schemeById.get(id), targetById, taskById);
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
      { label: t('col_scheme'), key: 'scheme_id', cell: (x) => named(schemeTitle(x.scheme_id), x.scheme_id), csv: (x) => x.scheme_id },
      {
        label: t('col_target'),
        key: 'target_id',
        // A scheme on a yearly task (format 2.1) names the task instead.
        cell: (x) =>
          x.target_id
            ? named(targetTitle(ents, targetById.get(x.target_id)), x.target_id, href(['claims', x.target_id], {}, false))
            : named(taskTitle(ents, taskById.get(x.task_id)), x.task_id, href(['assessment', x.task_id])),
        csv: (x) => x.target_id ?? x.task_id,
      },
      { label: 'about', key: 'about', screen: false, csv: (x) => aboutOf(x) },
      {
        label: t('col_target_status'),
        key: 'target_status',
        cell: (x) => [
          badge('status', x.target_status ?? x.task_status),
          unearnedBy.has(x.scheme_id) ? el('small', { class: 'unearned-note' }, el('br'), '⚑ ', t('unearned_count', unearnedBy.get(x.scheme_id))) : null,
        ],
        csv: (x) => x.target_status ?? x.task_status,
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
      flags: (x) => [x.scheme_id],
      rowData: (x) => ({ scheme: x.scheme_id }),
      rowClass: (x) => (schemeFlag(x) ? 'flag' : ''),
      workbook: 'incentives', file: () => fileScope('schemes'),
    },
  );

  const visible = () => payouts.filter((p) => !state.only || !p.target_met);
  const payoutsTable = dataTable(
    'payouts',
    [
      { label: t('col_payout'), key: 'payout_id', cell: (p) => [p.target_met ? null : el('span', { class: 'flag-icon', title: t('only_unearned') }, '⚑ '), el('code', { class: 'code' }, p.payout_id)], csv: (p) => p.payout_id },
      { label: t('col_scheme'), key: 'scheme_id', cell: (p) => named(schemeTitle(p.scheme_id), p.scheme_id), csv: (p) => p.scheme_id },
      { label: t('col_payee'), key: 'payee', cell: (p) => party(ents, p.payee), csv: (p) => p.payee },
      { label: t('col_role'), key: 'role', cell: (p) => label('role', p.role), csv: (p) => p.role },
      { label: t('col_amount'), key: 'amount', cell: (p) => amountNode(p.amount), csv: (p) => p.amount, cls: 'num' },
      { label: t('col_clawed_back'), key: 'clawed_back', cell: (p) => ((parseFen(p.clawed_back) ?? 0n) > 0n ? amountNode(p.clawed_back) : '—'), csv: (p) => p.clawed_back, cls: 'num' },
      { label: t('col_paid_on'), key: 'paid_on', cell: (p) => p.paid_on, csv: (p) => p.paid_on, cls: 'nowrap' },
      {
        label: t('col_when_paid'),
        key: 'target_status_when_paid',
        cell: (p) => badge('status', p.target_status_when_paid ?? p.task_status_when_paid),
        csv: (p) => p.target_status_when_paid ?? p.task_status_when_paid,
      },
      { label: 'target_met', key: 'target_met', screen: false, csv: (p) => String(p.target_met) },
      { label: 'payee_name', key: 'payee_name', screen: false, csv: (p) => rawName(ents, p.payee) },
    ],
    [],
    {
      flags: (p) => [p.payout_id],
      rowData: (p) => ({ payout: p.payout_id, targetMet: String(p.target_met) }),
      rowClass: (p) => (p.target_met ? '' : 'flag unearned'),
      workbook: 'incentives', file: () => fileScope('payouts'),
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
