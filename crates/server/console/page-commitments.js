// Commitments (format 3.3), overdue first.

import { t } from './i18n.js';
import { el, amountNode, formatAmount, daysBetween, parseFen } from './format.js';
import { api, scope, setQuery, dataTable, pageHead, badge, chip, field, fileScope, amountCsv, entityNames, rawName, party, named, commitmentTitle } from './ui.js';

const COMMITMENT_ORDER = ['overdue', 'disputed', 'breached', 'conditional', 'open', 'kept_late', 'waived', 'kept'];
const commitmentRank = (s) => {
  const i = COMMITMENT_ORDER.indexOf(s);
  return i < 0 ? COMMITMENT_ORDER.length : i;
};

export async function commitmentsPage(route) {
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
          [c.commitment_id, c.promisor, c.beneficiary, c.terms, c.kind, rawName(ents, c.promisor), rawName(ents, c.beneficiary), commitmentTitle(ents, c)].some((s) =>
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
        // In words (who promised what to whom, by when), the id beneath.
        cell: (c) => named(commitmentTitle(ents, c), c.commitment_id),
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
      { label: 'title', key: 'commitment_title', screen: false, csv: (c) => commitmentTitle(ents, c) },
    ],
    [],
    { flags: (c) => [c.commitment_id], rowData: (c) => ({ commitment: c.commitment_id, status: c.status }), rowClass: (c) => 'status-row-' + c.status, workbook: 'commitments', file: () => fileScope('commitments') },
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
