// Findings (format 3.5): a chip per known code with its count, then every
// finding, filtered by code, entity or word and date, newest or most
// serious first.

import { t, language } from './i18n.js';
import { el } from './format.js';
import { api, scope, setQuery, dataTable, pageHead, seqLink, chip, field, select, fileScope, entityNames, nameOf, partyMatches, subjectHref } from './ui.js';
import { findingCodes } from './finding-codes.js';

export async function findingsPage(route) {
  const [data, ents, known] = await Promise.all([api('/v1/findings', { ...scope(route), lang: language() }), entityNames(scope(route)), findingCodes()]);
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
        cell: (f) => [el('span', { class: 'code-label' }, codeLabel(f.code)), el('code', { class: 'code' }, f.code)],
        csv: (f) => f.code,
      },
      {
        label: t('col_subjects'),
        key: 'subjects',
        cell: (f) =>
          f.subjects.map((s) => {
            const name = nameOf(ents, s);
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
      { label: t('col_message'), key: 'message', cell: (f) => f.message, csv: (f) => f.message, cls: 'message' },
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
  const refresh = () => {
    const rows = visible();
    table.update(rows);
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
