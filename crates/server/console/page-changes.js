// Since the last audit (format 3.9): the findings raised and resolved
// since a log position the auditor keeps in this browser.

import { t, language } from './i18n.js';
import { el } from './format.js';
import { api, stored, store, scope, setQuery, dataTable, section, pageHead, seqLink, field, fileScope, party, subjectHref, thingTitles, namesInText } from './ui.js';
import { findingCodes } from './finding-codes.js';

const AUDIT_SEQ_KEY = 'pledger.audit-seq';

/**
 * Since the last audit (format 3.9): the auditor keeps the log position its
 * last audit saw; the page lists the findings raised and resolved since,
 * each with the records after that position that made the difference.
 */
export async function changesPage(route) {
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
  const [data, titles, known] = await Promise.all([
    api('/v1/findings/changes', { from_seq: given, as_of: scope(route).as_of, lang: language() }),
    thingTitles({}),
    findingCodes(),
  ]);
  const ents = titles.ents;
  // A finding's subjects as on the findings page: a pill each, an entity by
  // its name with its id beside; one with a page of its own (a project)
  // linked to it.
  const subject = (id) => {
    const name = titles.title(id);
    const text = name ? [el('span', { class: 'party-name' }, name), ' ', el('small', { class: 'party-id' }, id)] : id;
    const page = subjectHref(ents, id);
    return el('span', { class: 'subject', title: name ? id : null, dataset: { entity: id } }, page ? el('a', { href: page }, text) : text);
  };
  const columns = [
    { label: t('col_date'), key: 'date', cell: (f) => el('span', { class: 'date' }, f.date), csv: (f) => f.date, cls: 'nowrap' },
    {
      label: t('col_code'),
      key: 'code',
      cell: (f) => [el('span', { class: 'code-label' }, known.label(f.code)), el('code', { class: 'code' }, f.code)],
      csv: (f) => f.code,
    },
    { label: t('col_subjects'), key: 'subjects', cell: (f) => f.subjects.map(subject), csv: (f) => f.subjects.join(' ') },
    { label: t('col_message'), key: 'message', cell: (f) => namesInText(f.message, titles.title), csv: (f) => f.message, cls: 'message' },
    {
      label: t('col_changed_by'),
      key: 'changed_by',
      cell: (f) =>
        f.changed_by.length
          ? f.changed_by.map((c) =>
              el('div', { class: 'cause' }, seqLink(c.seq), ' ', el('code', {}, c.type), ' ', el('span', { class: 'date' }, c.occurred_at), el('br'), party(ents, c.actor, true)),
            )
          : el('span', { class: 'muted' }, t('changes_by_time')),
      csv: (f) => f.changed_by.map((c) => `${c.seq} ${c.type} ${c.actor}`).join('; '),
    },
  ];
  const rowData = (f) => ({ code: f.code, subjects: f.subjects.join(' ') });
  const raised = dataTable('changes-raised', columns, data.raised, { rowData, file: () => fileScope('raised') });
  const resolved = dataTable('changes-resolved', columns, data.resolved, { rowData, file: () => fileScope('resolved') });
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
