// The claim "target ID was met" (format 3.6): verdict, reason and each
// deciding record verified here against the evidence's checkpoint; for a
// counting target (format 2.2), the projects behind its numbers.

import { t, label, isZh } from './i18n.js';
import { el, valueNode, formatValue } from './format.js';
import { api, enc, scope, section, badge, seqLink, rerender, dataTable, fileScope, thingTitles, namesInText, nameOf, party, periodLabel, findingsOf, findingFlags } from './ui.js';
import { verifyWithPin, verificationView, pinForm } from './page-records.js';
import { countsLine, projectRegister, projectsBehind } from './page-projects.js';

/** The projects behind a counting target's numbers, or null for any other target. */
async function behind(id) {
  const target = await api(`/v1/targets/${enc(id)}`).catch(() => null);
  if (!target?.counts) return null;
  const register = await projectRegister({});
  const table = (name, columns, rows) => dataTable(name, columns, rows, { rowData: (r) => r.__data, rowClass: (r) => r.__class, file: () => fileScope(`${name}-${id}`) }).node;
  return section(t('projects_behind'), el('p', { class: 'meta' }, countsLine(target.counts)), projectsBehind(target, register, table));
}

/** The record at `seq` (who recorded a reading), or null. */
function recordAt(seq, items) {
  if (seq === null || seq === undefined) return Promise.resolve(null);
  const have = items.find((r) => r.seq === seq);
  if (have) return Promise.resolve(have.record);
  return api(`/v1/events/${seq}`).catch(() => null);
}

/** The claim as a question in words: "津市市工业园称2008年新引进1000万元以上项目6个". */
function question(target, ents) {
  const who = nameOf(ents, target.assignee) ?? target.assignee;
  const year = periodLabel(target.period);
  const metric = label('metric', target.metric);
  const claimed = target.last_claimed;
  if (claimed) return t('claim_question', who, year, metric, formatValue(claimed.value, target.unit).text);
  return t('claim_question_none', who, year, metric);
}

/** One reading (the latest claim or verification): value, as of, who recorded it, when, which record. */
function reading(kind, o, record, target, ents) {
  if (!o) return el('div', { class: 'reading reading-' + kind + ' none', dataset: { reading: kind } }, el('h3', {}, t('reading_' + kind)), el('p', { class: 'reading-value' }, '—'), el('p', { class: 'meta' }, t('reading_none_' + kind)));
  const actor = record?.event?.actor;
  return el(
    'div',
    { class: 'reading reading-' + kind, dataset: { reading: kind, value: o.value } },
    el('h3', {}, t('reading_' + kind)),
    el('p', { class: 'reading-value' }, valueNode(o.value, target.unit)),
    el(
      'dl',
      { class: 'fields' },
      el('dt', {}, t('reading_as_of')),
      el('dd', {}, o.as_of),
      el('dt', {}, t('reading_by')),
      el('dd', {}, actor ? party(ents, actor, true) : '—'),
      el('dt', {}, t('reading_recorded')),
      el('dd', {}, record?.event?.occurred_at?.slice(0, 10) ?? '—', ' ', seqLink(o.seq)),
    ),
  );
}

/**
 * Why, in the reader's language: the server's sentence is English (it is
 * part of the evidence a bundle re-checks), so the console says the same
 * from the readings it shows, and keeps the server's as the tooltip.
 */
function reasonInWords(c, target) {
  if (!target || !isZh()) return c.reason;
  const goal = (target.comparator === '<=' ? '≤ ' : '≥ ') + formatValue(target.threshold, target.unit).text;
  const v = target.last_verified;
  const value = v ? formatValue(v.value, target.unit).text : '';
  if (c.verdict === 'supported' && v) return t('reason_supported', v.as_of, value, goal);
  if (c.verdict === 'contradicted' && v) return t('reason_contradicted', v.as_of, value, goal);
  if (c.verdict === 'unsupported') return t(v ? 'reason_unsupported_early' : 'reason_unsupported_none', target.period.to);
  return c.reason;
}

export async function claimPage(route) {
  const id = route.parts[1];
  const s = scope(route);
  const [c, projects, target, titles] = await Promise.all([
    api(`/v1/claims/targets/${enc(id)}`),
    behind(id),
    api(`/v1/targets/${enc(id)}`, s).catch(() => null),
    thingTitles(s),
  ]);
  const ents = titles.ents;
  const ev = c.evidence;
  const checkpoint = ev ? { text: ev.checkpoint, key: ev.key } : null;
  const items = ev ? ev.records : [];
  const [results, claimRecord, verifyRecord] = await Promise.all([
    Promise.all(items.map((r) => verifyWithPin(r.record, r.inclusion, checkpoint))),
    recordAt(target?.last_claimed?.seq, items),
    recordAt(target?.last_verified?.seq, items),
  ]);
  const overall = results.length === 0 ? 'partial' : results.some((r) => r.verdict === 'failed') ? 'failed' : results.every((r) => r.verdict === 'verified') ? 'verified' : 'partial';
  // What the findings say about this target (a threshold lowered after
  // the period, an overstated claim): called out above the numbers.
  const found = findingsOf([id]);
  const heading = target ? question(target, ents) : t('claim_title', id);
  document.title = `${heading} · pledger`;
  return el(
    'div',
    { class: 'page claim', dataset: { target: id, verdict: c.verdict, verified: overall } },
    el(
      'div',
      { class: 'page-head' },
      el('p', { class: 'claim-kicker' }, t('claim_kicker')),
      el('h1', { class: 'claim-question' }, heading),
      el('p', { class: 'meta' }, t('judged_at', c.judged_at ?? ''), ' · ', el('small', { class: 'party-id' }, id)),
    ),
    el(
      'section',
      { class: 'panel claim-answer' },
      el('p', { class: 'claim-verdict verdict-' + c.verdict, dataset: { claimVerdict: c.verdict } }, t('claim_answer_' + c.verdict)),
      el('p', { class: 'claim-reason', title: c.reason }, reasonInWords(c, target)),
      target
        ? el(
            'p',
            { class: 'claim-target' },
            t('claim_target_line', periodLabel(target.period), label('metric', target.metric)),
            ' ',
            target.comparator === '<=' ? '≤ ' : '≥ ',
            valueNode(target.threshold, target.unit),
            ' · ',
            badge('status', target.status),
            target.basis ? [' · ', el('small', {}, target.basis)] : null,
          )
        : null,
      target ? el('div', { class: 'readings' }, reading('claimed', target.last_claimed, claimRecord, target, ents), reading('verified', target.last_verified, verifyRecord, target, ents)) : null,
      found.length
        ? el(
            'div',
            { class: 'claim-findings' },
            el('h3', {}, t('claim_findings')),
            findingFlags([id]),
            el('ul', {}, found.map((f) => el('li', { dataset: { code: f.code } }, namesInText(f.message, titles.title), ' ', f.seqs.map((q) => [seqLink(q), ' '])))),
          )
        : null,
      el('p', { class: 'claim-deciding' }, t('claim_deciding'), ': ', (c.deciding_seqs ?? []).map((q) => [seqLink(q), ' '])),
    ),
    projects,
    // The integrity checks: one line, opened on demand. They say the
    // records are the ledger's own and unaltered, not that the claim holds.
    el(
      'details',
      { class: 'panel integrity', dataset: { verdict: overall } },
      el('summary', {}, t('integrity_line', t('integrity_' + overall))),
      el('p', { class: 'meta' }, t('integrity_note')),
      items.map((r, i) =>
        el(
          'div',
          { class: 'evidence', dataset: { seq: String(r.seq) } },
          el('h3', {}, seqLink(r.seq), ' ', el('code', {}, r.record.event.type), ' · ', r.record.event.occurred_at, ' · ', party(ents, r.record.event.actor, true)),
          verificationView(results[i]),
        ),
      ),
      checkpoint ? el('pre', { class: 'note' }, checkpoint.text) : null,
      checkpoint ? el('p', {}, t('verifier_key'), ' ', el('code', { class: 'key' }, checkpoint.key)) : null,
      pinForm(rerender),
    ),
  );
}
