// Funds (format 3.2): the fund-flow picture, balances, allocations and the
// flows between accounts; and the trace of one account, down or up.

import { t, label } from './i18n.js';
import { el, amountNode, formatRatio, parseFen } from './format.js';
import { sankey, fenText } from './sankey.js';
import { api, pool, enc, scope, href, dataTable, section, pageHead, badge, fileScope, amountCsv, entityNames, rawName, party, findingFlags, accountNames, seqLink } from './ui.js';

const ACCOUNT_ORDER = { source: 0, internal: 1, external: 2 };

/** An account by name, linking to its trace, with its id beneath. */
function accountCell(names, id, params) {
  return el(
    'span',
    { class: 'party account', dataset: { account: id } },
    el('a', { href: href(['trace', id], params || {}), class: 'party-name' }, names.get(id) ?? id),
    ' ',
    el('small', { class: 'party-id' }, id),
  );
}

/**
 * A balance as a reader takes it: a source account (a budget, a credit
 * line) shows what it has paid out, not a red negative that reads as an
 * overdraft; other accounts their balance.
 */
function balanceCell(a) {
  if (a.kind === 'source') {
    const fen = -(parseFen(a.balance) ?? 0n);
    return el('span', { class: 'paid-from-source', title: t('paid_from_source_title') }, el('small', {}, t('paid_from_source')), ' ', amountNode(fenText(fen)));
  }
  return amountNode(a.balance);
}

/** Disbursements the page lists at first, and then at each "more". */
const DISBURSEMENTS_PAGE = 200;

/**
 * A page of the disbursements the funds view sums, one by one, from the
 * server (GET /v1/funds/disbursements): in the page's scope, voided ones
 * left out, newest first (date, then record, descending).
 */
function disbursementsPage(s, from) {
  return api('/v1/funds/disbursements', { ...s, from, limit: DISBURSEMENTS_PAGE });
}

/** A disbursement's category in words (its kind when it gives none), the code beneath. */
function categoryCell(d) {
  const code = d.category ?? d.kind ?? 'transfer';
  const words = d.category ? label('category', code) : label('disbursement_kind', code);
  return el('span', { class: 'party', title: d.purpose ?? '' }, el('span', { class: 'party-name' }, words), words !== code ? el('small', { class: 'party-id' }, code) : null);
}

export async function fundsPage(route) {
  const s = scope(route);
  const [data, ents, firstPage] = await Promise.all([api('/v1/funds/accounts', s), entityNames(s), disbursementsPage(s, 0)]);
  const accounts = [...data.accounts].sort(
    (a, b) => (ACCOUNT_ORDER[a.kind] ?? 3) - (ACCOUNT_ORDER[b.kind] ?? 3) || a.account_id.localeCompare(b.account_id),
  );
  const names = accountNames(accounts, ents);

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
    ? el('figure', { class: 'sankey-wrap' }, sankey(accounts, edges, { href: (id) => href(['trace', id]), names }), el('figcaption', {}, t('sankey_note')))
    : el('p', { class: 'none' }, t('no_rows'));

  const flows = dataTable(
    'flows',
    [
      { label: t('col_from'), key: 'from', cell: (e) => accountCell(names, e.from), csv: (e) => e.from },
      { label: t('col_to'), key: 'to', cell: (e) => accountCell(names, e.to), csv: (e) => e.to },
      { label: t('col_amount'), key: 'amount', cell: (e) => amountNode(fenText(e.fen)), csv: (e) => fenText(e.fen), cls: 'num' },
      { label: 'from_name', key: 'from_name', screen: false, csv: (e) => names.get(e.from) ?? '' },
      { label: 'to_name', key: 'to_name', screen: false, csv: (e) => names.get(e.to) ?? '' },
    ],
    edges,
    { file: () => fileScope('flows') },
  );

  // Each disbursement: when, for what, who paid whom, how much, and the
  // record (the flows above are totals, with no date or record). A page at
  // a time: "more" adds the next one.
  const paid = [...firstPage.disbursements];
  const disbursements = dataTable(
    'disbursements',
    [
      { label: t('col_date'), key: 'date', cell: (r) => el('span', { class: 'date' }, r.date), csv: (r) => r.date, cls: 'nowrap' },
      { label: t('col_category'), key: 'category', cell: (r) => categoryCell(r), csv: (r) => r.category ?? '' },
      { label: 'kind', key: 'kind', screen: false, csv: (r) => r.kind },
      { label: t('col_from'), key: 'from', cell: (r) => accountCell(names, r.from_account), csv: (r) => r.from_account },
      { label: t('col_to'), key: 'to', cell: (r) => accountCell(names, r.to_account), csv: (r) => r.to_account },
      { label: t('col_amount'), key: 'amount', cell: (r) => amountNode(r.amount), csv: (r) => r.amount, cls: 'num' },
      { label: t('col_purpose'), key: 'purpose', cell: (r) => el('span', { class: 'terms', title: r.purpose }, r.purpose), csv: (r) => r.purpose, cls: 'terms-cell' },
      { label: t('col_record'), key: 'seq', cell: (r) => seqLink(r.seq), csv: (r) => r.seq },
      { label: 'disbursement_id', key: 'disbursement_id', screen: false, csv: (r) => r.disbursement_id },
      { label: 'from_name', key: 'from_name', screen: false, csv: (r) => names.get(r.from_account) ?? '' },
      { label: 'to_name', key: 'to_name', screen: false, csv: (r) => names.get(r.to_account) ?? '' },
    ],
    paid,
    {
      flags: (r) => [r.disbursement_id],
      flagsIn: 'category',
      rowData: (r) => ({ seq: String(r.seq), disbursement: r.disbursement_id, from: r.from_account, to: r.to_account, amount: r.amount }),
      file: () => fileScope('disbursements'),
    },
  );
  const moreNote = el('span', { class: 'more-count' });
  const moreButton = el('button', { type: 'button', class: 'more-rows-button' });
  const more = el('p', { class: 'more-rows', dataset: { table: 'disbursements' } }, moreNote, ' ', moreButton);
  let next = firstPage.next_from;
  let total = firstPage.total;
  const showMore = () => {
    moreNote.textContent = t('disbursements_listed', paid.length, total);
    more.hidden = next === undefined || next === null;
    more.dataset.listed = String(paid.length);
    more.dataset.total = String(total);
    moreButton.textContent = t('disbursements_more', Math.min(DISBURSEMENTS_PAGE, Math.max(0, total - paid.length)));
  };
  moreButton.onclick = async () => {
    moreButton.disabled = true;
    try {
      const page = await disbursementsPage(s, next);
      // A disbursement recorded meanwhile may shift the list: no row twice.
      const listed = new Set(paid.map((r) => r.seq));
      paid.push(...page.disbursements.filter((r) => !listed.has(r.seq)));
      next = page.next_from;
      total = page.total;
      disbursements.update(paid);
      showMore();
    } finally {
      moreButton.disabled = false;
    }
  };
  showMore();

  const money = (key, labelKey, extra = {}) => ({ label: t(labelKey), key, cell: (a) => (a[key] === null || a[key] === undefined ? '—' : amountNode(a[key])), csv: (a) => amountCsv(a[key]), cls: 'num', ...extra });
  const accountsTable = dataTable(
    'accounts',
    [
      { label: t('col_account'), key: 'account_id', cell: (a) => accountCell(names, a.account_id), csv: (a) => a.account_id },
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
      // Receipts are asked of internal accounts only (the rule of
      // unconfirmed_disbursement): a contractor or a bank confirms nothing.
      money('unconfirmed', 'col_unconfirmed', {
        cell: (a) => (a.kind === 'internal' ? amountNode(a.unconfirmed) : el('span', { class: 'na', title: t('unconfirmed_internal_only') }, '—')),
        csv: (a) => (a.kind === 'internal' ? amountCsv(a.unconfirmed) : ''),
      }),
      money('balance', 'col_balance', { cls: 'num balance', cell: balanceCell }),
      { label: 'holder_name', key: 'holder_name', screen: false, csv: (a) => rawName(ents, a.holder) },
    ],
    accounts,
    {
      flags: (a) => [a.account_id],
      rowData: (a) => ({ account: a.account_id, kind: a.kind }),
      rowClass: (a) => (a.kind !== 'source' && (parseFen(a.balance) ?? 0n) < 0n ? 'flag' : ''),
      workbook: 'funds', file: () => fileScope('accounts'),
    },
  );

  const allocations = dataTable(
    'allocations',
    [
      { label: t('col_allocation'), key: 'allocation_id', cell: (x) => el('code', { class: 'code' }, x.allocation_id), csv: (x) => x.allocation_id },
      { label: t('col_from'), key: 'from_account', cell: (x) => accountCell(names, x.from_account), csv: (x) => x.from_account },
      { label: t('col_to'), key: 'to_account', cell: (x) => accountCell(names, x.to_account), csv: (x) => x.to_account },
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
    { flags: (x) => [x.allocation_id], rowClass: (x) => ((parseFen(x.left) ?? 0n) < 0n ? 'flag' : ''), workbook: 'funds', file: () => fileScope('allocations') },
  );

  return el(
    'div',
    { class: 'page funds', dataset: { accounts: String(accounts.length), flows: String(edges.length) } },
    pageHead('funds_title', 'funds_intro', data),
    section(t('sankey_title'), picture),
    section(t('accounts_title'), accountsTable.node),
    section(t('allocations_title'), allocations.node),
    section(t('flows_title'), flows.node),
    section(t('disbursements_title'), el('p', { class: 'intro' }, t('disbursements_intro')), disbursements.node, more),
  );
}

export async function tracePage(route) {
  const id = route.parts[1];
  const direction = route.query.get('direction') === 'up' ? 'up' : 'down';
  const s = scope(route);
  const [data, funds, ents] = await Promise.all([
    api(`/v1/funds/accounts/${enc(id)}/trace`, { direction, ...s }),
    api('/v1/funds/accounts', s).catch(() => ({ accounts: [] })),
    entityNames(s),
  ]);
  const names = accountNames(funds.accounts, ents);
  const table = dataTable(
    'trace',
    [
      {
        label: t('col_path'),
        key: 'path',
        cell: (f) =>
          el(
            'span',
            { class: 'path' },
            f.path.map((p, i) => [i ? el('span', { class: 'arrow' }, ' → ') : null, el('a', { href: href(['trace', p], { direction }), class: 'path-step', title: p, dataset: { account: p } }, names.get(p) ?? p)]),
          ),
        csv: (f) => f.path.join(' > '),
      },
      { label: t('col_account'), key: 'account_id', screen: false, csv: (f) => f.account_id },
      { label: t('col_name'), key: 'name', cell: (f) => names.get(f.account_id) ?? '', csv: (f) => names.get(f.account_id) ?? '' },
      { label: t('col_end'), key: 'end', cell: (f) => el('span', { class: 'end end-' + f.end }, t('end_' + f.end)), csv: (f) => f.end },
      { label: t('col_attributed'), key: 'amount', cell: (f) => amountNode(f.amount), csv: (f) => f.amount, cls: 'num' },
    ],
    data.flows,
    { flags: (f) => [f.account_id], workbook: `trace/${enc(id)}`, workbookParams: { direction }, file: () => fileScope(`trace-${id}-${direction}`) },
  );
  return el(
    'div',
    { class: 'page trace', dataset: { account: id, direction } },
    el(
      'div',
      { class: 'page-head' },
      el('h1', {}, t('trace_title', names.get(id) ?? id)),
      el('p', { class: 'meta' }, el('small', { class: 'party-id' }, id)),
      // The traced account's own findings (a credit line over its ceiling).
      el('div', { class: 'trace-flags', dataset: { flagIds: id } }, findingFlags([id])),
    ),
    el(
      'div',
      { class: 'chips' },
      el('a', { class: 'chip' + (direction === 'down' ? ' active' : ''), href: href(['trace', id], { direction: 'down' }) }, t('trace_down')),
      el('a', { class: 'chip' + (direction === 'up' ? ' active' : ''), href: href(['trace', id], { direction: 'up' }) }, t('trace_up')),
    ),
    el('p', { class: 'total' }, t('trace_total', ''), amountNode(data.total)),
    el('p', { class: 'note prorata-note' }, t(direction === 'down' ? 'trace_prorata_down' : 'trace_prorata_up')),
    table.node,
  );
}
