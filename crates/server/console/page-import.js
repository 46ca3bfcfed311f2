// Importing a spreadsheet (#/import): with a recorder or auditor token,
// choose what the rows record (the types the token may append, from
// GET /v1/whoami), download that type's template, and send a filled
// workbook or CSV file to POST /v1/import — first as a dry run, which
// lists every bad row with its row number, column and reason, then for
// real, which records every row or none. Every row records in the
// token's entity's name; the server refuses rows naming another actor.

import { t, label, language } from './i18n.js';
import { el } from './format.js';
import { HttpError, token, whoami, href, plainTable, enc } from './ui.js';
import { signInBox } from './page-record.js';

// The file chosen and the last answer, kept while the page lives so a
// dry run's list stays beside the form that sends it again.
let result = null;

async function send(type, file, dryRun) {
  const url = `/v1/import?type=${enc(type)}&lang=${enc(language())}${dryRun ? '&dry_run=true' : ''}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token(), 'content-type': 'application/octet-stream', accept: 'application/json' },
    body: file,
  });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (res.status === 422 && body && Array.isArray(body.problems)) return { problems: body.problems, dryRun };
  if (!res.ok) throw new HttpError(res.status, body, text);
  return { ok: body, dryRun };
}

function resultView(r) {
  if (!r) return null;
  if (r.error) return el('p', { class: 'alert', id: 'import-error' }, r.error);
  if (r.problems) {
    return el(
      'section',
      { class: 'import-problems', id: 'import-problems', dataset: { problems: String(r.problems.length) } },
      el('h2', {}, t(r.dryRun ? 'import_dry_problems' : 'import_problems', r.problems.length)),
      plainTable(
        'import-problems',
        [
          { label: t('import_row'), cell: (p) => String(p.row), cls: 'num' },
          { label: t('import_column'), cell: (p) => p.column ?? '' },
          { label: t('import_reason'), cell: (p) => p.reason },
          { label: t('import_code'), cell: (p) => el('code', {}, p.code) },
        ],
        r.problems.map((p) => ({ ...p, __data: { row: String(p.row), code: p.code } })),
      ),
    );
  }
  if (r.dryRun) return el('p', { class: 'ok', id: 'import-ok', dataset: { rows: String(r.ok.rows) } }, t('import_dry_ok', r.ok.rows));
  const first = r.ok.receipts[0];
  const last = r.ok.receipts[r.ok.receipts.length - 1];
  return el(
    'div',
    { class: 'ok', id: 'import-done', dataset: { rows: String(r.ok.rows), appended: String(r.ok.appended) } },
    el('p', {}, t('import_done', r.ok.rows, r.ok.appended, first ? first.seq : '', last ? last.seq : '')),
    el(
      'p',
      {},
      el('a', { href: href(['records'], { from: first ? first.seq : null }, false) }, t('import_see_records')),
      ' · ',
      r.ok.type && r.ok.type.startsWith('fund.') ? el('a', { href: href(['funds'], {}, false) }, t('import_see_funds')) : null,
    ),
  );
}

export async function importPage(route) {
  if (!token()) return signInBox(null, 'import_title');
  const me = await whoami();
  const types = me.event_types || [];
  const wanted = route.query.get('type');
  const type = types.includes(wanted) ? wanted : types.includes('fund.disbursed') ? 'fund.disbursed' : types[0];
  const head = el(
    'div',
    { class: 'page-head' },
    el('h1', {}, t('import_title')),
    el('p', { class: 'meta signed-in', dataset: { entity: me.entity } }, t('record_as', me.name ? `${me.name} (${me.entity})` : me.entity, me.roles.join(', '))),
  );
  if (!type) return el('div', { class: 'page import' }, head, el('p', { class: 'alert' }, t('record_read_only')));
  const chooser = el(
    'select',
    {
      id: 'import-type',
      onchange: () => {
        result = null;
        location.hash = href(['import'], { type: chooser.value }, false);
      },
    },
    types.map((ty) => el('option', { value: ty, selected: ty === type }, `${label('event_type', ty)} (${ty})`)),
  );
  const file = el('input', { type: 'file', id: 'import-file', accept: '.xlsx,.xls,.ods,.csv' });
  const status = el('span', { class: 'sending', hidden: true }, t('import_sending'));
  const out = el('div', { id: 'import-result' }, resultView(result));
  const go = (dryRun) => async () => {
    const f = file.files && file.files[0];
    if (!f) {
      result = { error: t('import_no_file') };
      out.replaceChildren(resultView(result));
      return;
    }
    status.hidden = false;
    try {
      result = await send(type, f, dryRun);
    } catch (err) {
      result = { error: err instanceof HttpError ? `${err.status} ${err.code ?? ''}: ${err.message}` : String(err && err.message ? err.message : err) };
    } finally {
      status.hidden = true;
    }
    out.replaceChildren(resultView(result));
    document.body.dataset.importState = result.error ? 'error' : result.problems ? 'problems' : dryRun ? 'checked' : 'imported';
  };
  return el(
    'div',
    { class: 'page import', dataset: { type } },
    head,
    el('p', { class: 'intro' }, t('import_intro')),
    el(
      'div',
      { class: 'panel import-form' },
      el('label', { class: 'field' }, el('span', {}, t('import_type')), chooser),
      el('p', {}, el('a', { href: `/v1/import/template?type=${enc(type)}`, download: `${type}.xlsx`, id: 'import-template' }, t('import_template', label('event_type', type)))),
      el('label', { class: 'field' }, el('span', {}, t('import_file')), file),
      el(
        'div',
        { class: 'form-actions' },
        el('button', { type: 'button', id: 'import-dry-run', onclick: go(true) }, t('import_dry_run')),
        ' ',
        el('button', { type: 'button', class: 'primary', id: 'import-submit', onclick: go(false) }, t('import_submit')),
        ' ',
        status,
      ),
    ),
    out,
  );
}
