// The claim "target ID was met" (format 3.6): verdict, reason and each
// deciding record verified here against the evidence's checkpoint; for a
// counting target (format 2.2), the projects behind its numbers.

import { t } from './i18n.js';
import { el } from './format.js';
import { api, enc, section, badge, seqLink, rerender, dataTable, fileScope } from './ui.js';
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

export async function claimPage(route) {
  const id = route.parts[1];
  const [c, projects] = await Promise.all([api(`/v1/claims/targets/${enc(id)}`), behind(id)]);
  const ev = c.evidence;
  const checkpoint = ev ? { text: ev.checkpoint, key: ev.key } : null;
  const items = ev ? ev.records : [];
  const results = await Promise.all(items.map((r) => verifyWithPin(r.record, r.inclusion, checkpoint)));
  const overall = results.length === 0 ? 'partial' : results.some((r) => r.verdict === 'failed') ? 'failed' : results.every((r) => r.verdict === 'verified') ? 'verified' : 'partial';
  return el(
    'div',
    { class: 'page claim', dataset: { target: id, verdict: c.verdict, verified: overall } },
    el('div', { class: 'page-head' }, el('h1', {}, t('claim_title', id)), el('p', { class: 'meta' }, t('judged_at', c.judged_at ?? ''))),
    section(
      t('claim_verdict'),
      el('p', { class: 'claim-verdict verdict-' + c.verdict, dataset: { claimVerdict: c.verdict } }, t('verdict_' + c.verdict)),
      el('dl', { class: 'fields' }, el('dt', {}, t('col_status')), el('dd', {}, badge('status', c.status)), el('dt', {}, t('claim_reason')), el('dd', {}, c.reason), el('dt', {}, t('claim_deciding')), el('dd', {}, (c.deciding_seqs ?? []).map((s) => [seqLink(s), ' ']))),
    ),
    projects,
    section(
      t('claim_evidence'),
      el('p', { class: 'verdict verdict-' + overall, dataset: { verdict: overall } }, t('verdict_' + overall)),
      items.map((r, i) =>
        el(
          'div',
          { class: 'evidence', dataset: { seq: String(r.seq) } },
          el('h3', {}, seqLink(r.seq), ' ', el('code', {}, r.record.event.type), ' · ', r.record.event.occurred_at, ' · ', r.record.event.actor),
          verificationView(results[i]),
        ),
      ),
      checkpoint ? el('pre', { class: 'note' }, checkpoint.text) : null,
      checkpoint ? el('p', {}, t('verifier_key'), ' ', el('code', { class: 'key' }, checkpoint.key)) : null,
      pinForm(rerender),
    ),
  );
}
