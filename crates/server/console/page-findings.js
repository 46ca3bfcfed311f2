// Findings (format 3.5): a chip per known code with its count, then every
// finding, filtered by code, entity or word and date, newest or most
// serious first.

import { t, language } from './i18n.js';
import { el } from './format.js';
import { api, apiWithHeaders, scope, setQuery, dataTable, pageHead, seqLink, chip, field, select, fileScope, entityNames, partyMatches, subjectHref, thingTitles, namesInText } from './ui.js';
import { findingCodes } from './finding-codes.js';

export async function findingsPage(route) {
  const [answer, ents, known, checkpoint, titles] = await Promise.all([
    apiWithHeaders('/v1/findings', { ...scope(route), lang: language() }),
    entityNames(scope(route)),
    findingCodes(),
    // Only the printed report's footer needs it: a ledger with no signed
    // checkpoint yet (404) still shows and prints its findings.
    api('/v1/checkpoint').catch(() => null),
    thingTitles(scope(route)),
  ]);
  const data = answer.body;
  // Every subject by name: an entity by its registered name, an account by
  // its holder's and its own, a target, task, scheme or commitment in
  // words; else the id alone.
  const subjectName = titles.title;
  // The seq of the last record the findings were built from (the server's
  // Pledger-Log-Position), so the printout says what it stands on.
  const position = answer.headers.get('pledger-log-position');
  const severity = known.severity;
  const codeLabel = known.label;
  const all = data.findings;
  const q = route.query;
  const counts = new Map();
  for (const f of all) counts.set(f.code, (counts.get(f.code) || 0) + 1);
  const codes = [...new Set([...known.codes, ...counts.keys()])].sort(
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
      .filter(
        (f) =>
          !needle ||
          f.subjects.some((s) => partyMatches(ents, s, needle) || subjectName(s)?.toLowerCase().includes(needle)) ||
          f.message.toLowerCase().includes(needle),
      )
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
        cell: (f) => [el('span', { class: 'code-label' }, codeLabel(f.code)), el('code', { class: 'code' }, f.code)],
        csv: (f) => f.code,
      },
      {
        label: t('col_subjects'),
        key: 'subjects',
        cell: (f) =>
          f.subjects.map((s) => {
            const name = subjectName(s);
            const page = subjectHref(ents, s);
            const pill = el(
              'button',
              { type: 'button', class: 'subject', title: name ? `${s} · ${t('filter_entity')}` : t('filter_entity'), onclick: () => apply({ entity: s }) },
              name ? [el('span', { class: 'party-name' }, name), ' ', el('small', { class: 'party-id' }, s)] : s,
            );
            // A subject with a page of its own (a project) links to it too.
            return page ? el('span', { class: 'subject-with-page' }, pill, el('a', { class: 'subject-page', href: page, title: t('open_project'), dataset: { subject: s } }, '↗')) : pill;
          }),
        csv: (f) => f.subjects.join(' '),
      },
      { label: t('col_message'), key: 'message', cell: (f) => namesInText(f.message, subjectName), csv: (f) => f.message, cls: 'message' },
      { label: t('col_records'), key: 'seqs', cell: (f) => f.seqs.map(seqLink), csv: (f) => f.seqs.join(' '), cls: 'seqs' },
    ],
    [],
    {
      rowData: (f) => ({ code: f.code, date: f.date }),
      rowClass: (f) => 'sevrow-' + severity(f.code),
      workbook: 'findings', file: () => fileScope('findings'),
    },
  );

  const inputs = {};
  const apply = (changes) => {
    Object.assign(state, changes);
    for (const [k, v] of Object.entries(changes)) if (inputs[k]) inputs[k].value = v;
    setQuery({ code: state.code, entity: state.entity, from: state.from, to: state.to, sort: state.sort === 'newest' ? '' : state.sort }, true);
    refresh();
  };
  const printed = el('section', { class: 'print-report' });
  const refresh = () => {
    const rows = visible();
    table.update(rows);
    printed.replaceChildren(...printReport({ data, rows, total: all.length, subjectName, severity, codeLabel, checkpoint, position, scope: scope(route) }));
    printed.dataset.count = String(rows.length);
    shownNote.textContent = rows.length === all.length ? t('findings_count', all.length) : t('findings_shown', rows.length, all.length);
    shownNote.dataset.shown = String(rows.length);
    chips.replaceChildren(
      ...codes.map((c) =>
        chip([el('span', { class: 'chip-label' }, codeLabel(c)), el('span', { class: 'chip-count' }, String(counts.get(c) || 0))], {
          class: 'chip sev-' + severity(c) + (counts.get(c) ? '' : ' zero') + (state.code === c ? ' active' : ''),
          title: c,
          dataset: { code: c, count: String(counts.get(c) || 0) },
          'aria-pressed': state.code === c ? 'true' : 'false',
          onclick: () => apply({ code: state.code === c ? '' : c }),
        }),
      ),
    );
  };

  inputs.code = select([['', t('all')], ...codes.map((c) => [c, `${codeLabel(c)} (${counts.get(c) || 0})`])], state.code, (v) => apply({ code: v }));
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
  const datalist = el('datalist', { id: 'finding-subjects' }, subjects.map((s) => el('option', { value: s, label: subjectName(s) })));
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
      el('button', { type: 'button', class: 'print-button', title: t('print_hint'), onclick: () => window.print() }, t('print')),
    ),
    shownNote,
    table.node,
    printed,
  );
}

/**
 * The printed findings report (docs/console.md, "Printing"): hidden on
 * screen, the only thing printed from this page (app.css, `@media print`).
 * A header with the ledger, the date judged at and the scope; one row per
 * finding shown (as filtered and ordered on screen) with its unit, severity,
 * kind, sentence and records; a footer with the checkpoint and the log
 * position the report was built on, repeated on every printed page (a
 * table footer), so a loose page still says what it stands on.
 */
function printReport({ data, rows, total, subjectName, severity, codeLabel, checkpoint, position, scope: s }) {
  const head = el(
    'header',
    { class: 'print-head' },
    el('h1', {}, t('print_title')),
    el('p', { class: 'print-ledger' }, t('print_ledger', checkpoint?.origin || '—')),
    el(
      'p',
      { class: 'print-judged', dataset: { judgedAt: data.judged_at || '' } },
      [t('judged_at', data.judged_at || '—'), s.as_of ? t('print_as_of', s.as_of) : null, s.at_seq ? t('at_seq_note', s.at_seq) : null].filter(Boolean).join(' · '),
    ),
    el('p', { class: 'print-count' }, rows.length === total ? t('findings_count', total) : t('print_filtered', rows.length, total)),
    el('p', { class: 'print-date' }, t('print_printed', new Date().toISOString().slice(0, 10))),
  );
  const unit = (id) => {
    const name = subjectName(id);
    return el('div', { class: 'print-unit' }, name ? [name, ' ', el('small', {}, `(${id})`)] : id);
  };
  const body = rows.map((f, i) =>
    el(
      'tr',
      { class: 'print-finding sevrow-' + severity(f.code), dataset: { code: f.code } },
      el('td', { class: 'num' }, String(i + 1)),
      el('td', { class: 'nowrap' }, f.date),
      el('td', { class: 'print-sev' }, t('sev_' + severity(f.code))),
      el('td', {}, f.subjects.map(unit)),
      el('td', {}, codeLabel(f.code)),
      el('td', { class: 'print-message' }, f.message),
      el('td', { class: 'print-seqs' }, f.seqs.map((n) => '#' + n).join(' ')),
    ),
  );
  if (!rows.length) body.push(el('tr', {}, el('td', { colspan: 7 }, t('print_none'))));
  const size = checkpoint ? Number(checkpoint.size) : null;
  const last = position === null || position === undefined ? null : Number(position);
  const foot = [
    checkpoint ? t('print_checkpoint', checkpoint.size, checkpoint.root) : t('print_no_checkpoint'),
    last === null ? t('print_no_position') : t('print_position', last),
    // The checkpoint signs the first `size` records; findings built on more
    // rest partly on records no checkpoint covers yet — said, not hidden.
    size !== null && last !== null && last + 1 > size ? t('print_beyond_checkpoint', last + 1 - size) : null,
  ].filter(Boolean);
  const footer = el(
    'td',
    {
      colspan: 7,
      class: 'print-foot',
      dataset: { checkpointSize: checkpoint ? String(checkpoint.size) : '', checkpointRoot: checkpoint ? checkpoint.root : '', logPosition: last === null ? '' : String(last) },
    },
    foot.join(' · '),
  );
  return [
    head,
    el(
      'table',
      { class: 'print-table' },
      el(
        'thead',
        {},
        el('tr', {}, ['#', t('col_date'), t('col_severity'), t('col_subjects'), t('col_code'), t('col_message'), t('col_records')].map((h) => el('th', { scope: 'col' }, h))),
      ),
      el('tbody', {}, body),
      el('tfoot', {}, el('tr', {}, footer)),
    ),
  ];
}
