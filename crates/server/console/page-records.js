// The log as stored: the records list (each hash recomputed here), one
// record with its proof and checkpoint, and the "verify here" pieces the
// claim page uses too.

import { t, label, codesOf, isZh } from './i18n.js';
import { el, amountNode } from './format.js';
import { recordHash, verifyRecord, parseCheckpoint, verifyCosignatures } from './verify.js';
import { HttpError, PIN_KEY, stored, store, api, href, dataTable, section, pageHead, seqLink, field, select, rerender, entityNames, party, rawName, named, thingTitles } from './ui.js';

const PAGE_SIZE = 50;

// The fields that say what a record is about, most telling first: money
// moves between two accounts; anything else concerns the first thing it
// names (the record's own id of a new thing, or the thing it reports on).
const ABOUT_KEYS = ['entity_id', 'target_id', 'task_id', 'commitment_id', 'scheme_id', 'project_id', 'account_id', 'payout_id', 'sanction_id', 'allocation_id', 'disbursement_id', 'subject'];

/** The ids a record is about (shown by name in the records list). */
function aboutIds(event) {
  const d = event.data ?? {};
  if (d.from_account && d.to_account) return [d.from_account, d.to_account];
  const key = ABOUT_KEYS.find((k) => typeof d[k] === 'string');
  return key ? [d[key]] : [];
}

export async function recordsPage(route) {
  const q = route.query;
  const from = Math.max(0, Number(q.get('from') || 0) | 0);
  // A search (by name, id or words, event type, dates) asks the server to
  // scan the log; without one the log is paged by seq.
  const search = { q: q.get('q') || '', type: q.get('type') || '', from_date: q.get('from_date') || '', to_date: q.get('to_date') || '' };
  const searching = Object.values(search).some((v) => v !== '');
  const [data, titles] = await Promise.all([api('/v1/events', { ...(searching ? search : {}), from, limit: PAGE_SIZE }), thingTitles({})]);
  const ents = titles.ents;
  const records = data.records;
  const checks = new Map();
  records.forEach((r, i) => {
    // Found records are not consecutive: each hash is recomputed, the chain
    // only between neighbours.
    const chained = searching || i === 0 || records[i - 1].prev_hash === undefined || r.prev_hash === records[i - 1].hash;
    checks.set(r.seq, recordHash(r) === r.hash && chained);
  });
  const table = dataTable(
    'records',
    [
      { label: t('col_seq'), key: 'seq', cell: (r) => seqLink(r.seq), csv: (r) => r.seq, cls: 'num' },
      { label: t('col_occurred'), key: 'occurred_at', cell: (r) => r.event.occurred_at, csv: (r) => r.event.occurred_at, cls: 'nowrap' },
      { label: t('col_type'), key: 'type', cell: (r) => [label('event_type', r.event.type), el('br'), el('code', { class: 'code' }, r.event.type)], csv: (r) => r.event.type },
      { label: t('col_actor'), key: 'actor', cell: (r) => party(ents, r.event.actor), csv: (r) => r.event.actor },
      { label: 'actor_name', key: 'actor_name', screen: false, csv: (r) => rawName(ents, r.event.actor) },
      {
        label: t('col_subjects'),
        key: 'about',
        cell: (r) => aboutIds(r.event).map((id, i) => [i ? ' → ' : null, named(titles.title(id), id)]),
        csv: (r) => aboutIds(r.event).join(' '),
      },
      { label: t('col_id'), key: 'id', cell: (r) => el('code', { class: 'code' }, r.event.id ?? ''), csv: (r) => r.event.id ?? '' },
      { label: t('col_hash'), key: 'hash', cell: (r) => el('code', { class: 'hash', title: r.hash }, r.hash.slice(0, 16) + '…'), csv: (r) => r.hash },
      { label: 'prev_hash', key: 'prev_hash', screen: false, csv: (r) => r.prev_hash },
      { label: 'recorded_at', key: 'recorded_at', screen: false, csv: (r) => r.recorded_at },
      {
        label: t('col_check'),
        key: 'check',
        cell: (r) => el('span', { class: checks.get(r.seq) ? 'ok' : 'bad' }, checks.get(r.seq) ? '✓' : '✗'),
        csv: (r) => (checks.get(r.seq) ? 'ok' : 'mismatch'),
      },
    ],
    records,
    { rowData: (r) => ({ seq: String(r.seq), type: r.event.type }), rowClass: (r) => (checks.get(r.seq) ? '' : 'flag'), file: () => `records-${from}` },
  );
  const go = el('input', { type: 'number', min: '0', class: 'go' });
  const inputs = {
    q: el('input', { type: 'search', name: 'q', value: search.q, placeholder: t('search_q_placeholder') }),
    type: select([['', t('all')], ...codesOf('event_type').map((c) => [c, label('event_type', c)])], search.type, () => {}),
    from_date: el('input', { type: 'date', name: 'from_date', value: search.from_date }),
    to_date: el('input', { type: 'date', name: 'to_date', value: search.to_date }),
  };
  const searchForm = el(
    'form',
    {
      class: 'filters record-search',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = href(['records'], { q: inputs.q.value.trim(), type: inputs.type.value, from_date: inputs.from_date.value, to_date: inputs.to_date.value }, false);
      },
    },
    field(t('search_q'), inputs.q),
    field(t('search_type'), inputs.type),
    field(t('search_from'), inputs.from_date),
    field(t('search_to'), inputs.to_date),
    el('button', { type: 'submit', class: 'primary', id: 'record-search-go' }, t('search_go')),
    searching ? el('a', { class: 'button', href: href(['records'], {}, false) }, t('search_clear')) : null,
  );
  const paging = searching
    ? el(
        'div',
        { class: 'filters' },
        el('p', { class: 'shown-note', dataset: { found: String(records.length) } }, t('search_found', records.length)),
        data.next_from !== undefined ? el('a', { class: 'button', href: href(['records'], { ...search, from: data.next_from }, false) }, t('search_more')) : null,
      )
    : el(
        'form',
        {
          class: 'filters',
          onsubmit: (e) => {
            e.preventDefault();
            if (go.value !== '') location.hash = href(['records', go.value], {}, false);
          },
        },
        from > 0 ? el('a', { class: 'button', href: href(['records'], { from: Math.max(0, from - PAGE_SIZE) }, false) }, t('older')) : null,
        records.length === PAGE_SIZE ? el('a', { class: 'button', href: href(['records'], { from: from + PAGE_SIZE }, false) }, t('newer')) : null,
        field(t('col_seq'), go),
      );
  return el('div', { class: 'page records', dataset: { searching: String(searching) } }, pageHead('records_title', 'records_intro', null), searchForm, paging, table.node);
}

function pinnedKey() {
  return stored(PIN_KEY);
}

export function verificationView(result, uncoveredNote) {
  const steps = result.steps.map((s) =>
    el(
      'li',
      { class: 'step ' + (s.ok === true ? 'step-ok' : s.ok === false ? 'step-bad' : 'step-unknown'), dataset: { step: s.id, ok: String(s.ok) } },
      el('span', { class: 'mark' }, s.ok === true ? '✓' : s.ok === false ? '✗' : '?'),
      ' ',
      t('step_' + s.id),
      s.detail ? el('code', { class: 'detail' }, s.detail) : null,
    ),
  );
  return el(
    'div',
    { class: 'verification', dataset: { verdict: result.verdict } },
    el('p', { class: 'verdict verdict-' + result.verdict }, uncoveredNote || t('verdict_' + result.verdict)),
    el('ol', { class: 'steps' }, steps),
  );
}

export async function verifyWithPin(record, proof, checkpoint) {
  const pin = pinnedKey();
  const cp = checkpoint ? { text: checkpoint.text, key: pin || checkpoint.key } : null;
  const result = await verifyRecord(record, proof, cp);
  if (pin && checkpoint) {
    const same = pin === checkpoint.key;
    result.steps.push({ id: 'pinned_key', ok: same, detail: same ? pin : `${checkpoint.key} ≠ ${pin}` });
    if (!same) result.verdict = 'failed';
  }
  // "K of these witnesses" (docs/witness.md): the checkpoint must carry their cosignatures.
  const policy = witnessPolicy();
  if (policy && checkpoint) {
    try {
      const names = await verifyCosignatures(parseCheckpoint(checkpoint.text), policy.keys);
      const ok = names.length >= policy.quorum;
      result.steps.push({ id: 'witness_quorum', ok, detail: `${names.length}/${policy.quorum}: ${names.join(', ')}` });
      if (!ok) result.verdict = 'failed';
    } catch (e) {
      result.steps.push({ id: 'witness_quorum', ok: false, detail: String(e.message || e) });
      result.verdict = 'failed';
    }
  }
  return result;
}

const POLICY_KEY = 'pledger.witness-policy';

function witnessPolicy() {
  try {
    const p = JSON.parse(stored(POLICY_KEY) || 'null');
    return p && Array.isArray(p.keys) && p.keys.length > 0 ? p : null;
  } catch (_) {
    return null;
  }
}

function policyForm(onchange) {
  const p = witnessPolicy();
  const keys = el('textarea', { class: 'key-input', rows: 3, spellcheck: false, placeholder: 'audit.example/witness+1234abcd+BA…' }, p ? p.keys.join('\n') : '');
  const quorum = el('input', { type: 'number', min: 1, value: p ? String(p.quorum) : '1' });
  return el(
    'form',
    {
      class: 'witness-policy',
      onsubmit: (e) => {
        e.preventDefault();
        const list = keys.value.split(/\s+/).filter(Boolean);
        const k = Math.max(1, Math.min(list.length, Number(quorum.value) | 0));
        store(POLICY_KEY, list.length ? JSON.stringify({ keys: list, quorum: k }) : null);
        onchange();
      },
    },
    field(t('policy_keys'), keys),
    field(t('policy_quorum'), quorum),
    el('button', { type: 'submit' }, t('policy_save')),
  );
}

/** The pinned log key and the witness policy the "verify here" checks use. */
export function pinForm(onchange) {
  return el('div', { class: 'pins' }, keyPinForm(onchange), policyForm(onchange));
}

function keyPinForm(onchange) {
  const pin = pinnedKey();
  const input = el('input', { type: 'text', class: 'key-input', value: pin ?? '', placeholder: 'pledger.example/ledger+1234abcd+AQ…', spellcheck: false });
  return el(
    'form',
    {
      class: 'pin',
      onsubmit: (e) => {
        e.preventDefault();
        store(PIN_KEY, input.value.trim() || null);
        onchange();
      },
    },
    field(t('pin_label'), input),
    el('button', { type: 'submit' }, t('pin_save')),
    pin
      ? el(
          'button',
          {
            type: 'button',
            onclick: () => {
              store(PIN_KEY, null);
              onchange();
            },
          },
          t('pin_clear'),
        )
      : el('small', {}, t('pin_none')),
  );
}

/** An event's envelope and data as a list of fields (amounts readable, ids linked). */
// Each event type's fields by their Chinese names (GET /v1/event-fields),
// asked for once; without them the format's names are shown.
let fieldNamesCache = null;

export function fieldNames() {
  if (!fieldNamesCache) {
    fieldNamesCache = api('/v1/event-fields').then(
      (d) => d.types ?? {},
      () => {
        fieldNamesCache = null;
        return {};
      },
    );
  }
  return fieldNamesCache;
}

/** A field's heading: its name in the reader's language (Chinese from the server), the format's name beneath. */
function fieldHead(names, type, key) {
  const zh = isZh() ? names?.[type]?.[key] : null;
  return zh ? [zh, el('small', { class: 'field-key' }, key)] : key;
}

/** Evidence as links: each document reference finds the records citing it; its BLAKE3 beside it. */
function evidenceNode(v) {
  const list = typeof v === 'string' ? [{ ref: v }] : Array.isArray(v) ? v : [];
  if (list.length === 0) return el('code', {}, JSON.stringify(v));
  return el(
    'ul',
    { class: 'evidence-list' },
    list.map((e) =>
      el(
        'li',
        {},
        el('a', { href: href(['records'], { q: e.ref }, false), class: 'evidence-ref', title: t('evidence_find') }, e.ref),
        e.blake3 ? [' ', el('small', { class: 'hash', title: 'BLAKE3' }, e.blake3)] : null,
      ),
    ),
  );
}

/**
 * A record's event as a list of its fields: named in the reader's
 * language (`names`, from fieldNames()), parties by name (`ents`), ids
 * linked to their pages, amounts in 万元 / 亿元, evidence as links.
 */
export function eventFields(event, names = null, ents = null, title = null) {
  const who = (id) => (ents ? party(ents, id, true) : id);
  // An id the ledger names (a target, account, commitment…) by its name, the id beneath.
  const titled = (v, link) => {
    const name = title ? title(v) : null;
    if (name) return named(name, v, link);
    return link ? el('a', { href: link }, v) : v;
  };
  const rows = [
    ['type', [label('event_type', event.type), ' ', el('code', {}, event.type)]],
    ['id', el('code', {}, event.id ?? '')],
    ['actor', who(event.actor)],
    ['occurred_at', event.occurred_at],
  ];
  const pages = { target_id: 'claims', project_id: 'projects', task_id: 'assessment' };
  for (const [k, v] of Object.entries(event.data ?? {})) {
    let shown;
    if (typeof v === 'string' && pages[k]) shown = titled(v, href([pages[k], v], {}, false));
    else if (typeof v === 'string' && /(^|_)account$/.test(k)) shown = titled(v, href(['trace', v], {}, false));
    else if (typeof v === 'string' && ['assignee', 'assigner', 'promisor', 'beneficiary', 'payee', 'holder', 'host', 'investor', 'subject', 'parent'].includes(k)) shown = who(v);
    else if (typeof v === 'string' && (k === 'amount' || k === 'total' || k === 'ceiling' || k === 'planned_investment' || k === 'investment_in_place')) shown = [amountNode(v), el('small', {}, ' (', v, ')')];
    else if (k === 'evidence') shown = evidenceNode(v);
    else if (k === 'seq' && typeof v === 'number') shown = seqLink(v);
    else shown = typeof v === 'string' ? titled(v) : el('code', {}, JSON.stringify(v));
    rows.push([k, shown]);
  }
  return el(
    'dl',
    { class: 'fields' },
    rows.map(([k, v]) => [el('dt', { dataset: { field: k } }, fieldHead(names, event.type, k)), el('dd', {}, v)]),
  );
}

/** Which witnesses cosigned the checkpoint, and when (server-checked; see docs/witness.md). */
function cosignersView(cosignatures) {
  if (!cosignatures || cosignatures.length === 0) return el('p', { class: 'cosigners none' }, t('no_cosignatures'));
  return el(
    'div',
    { class: 'cosigners' },
    el('p', {}, t('cosigned_by')),
    el('ul', {}, cosignatures.map((c) => el('li', { dataset: { witness: c.name } }, el('code', {}, c.name), ' ', c.time ?? String(c.timestamp)))),
  );
}

async function latestCheckpoint() {
  try {
    return await api('/v1/checkpoint');
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return null;
    throw e;
  }
}

export async function recordPage(route) {
  const seq = Number(route.parts[1]);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('bad record number');
  const [record, checkpoint, names, titles] = await Promise.all([api(`/v1/events/${seq}`), latestCheckpoint(), fieldNames(), thingTitles({})]);
  const ents = titles.ents;
  const covered = checkpoint && seq < checkpoint.size;
  const proof = covered ? await api('/v1/proofs/inclusion', { seq, size: checkpoint.size }) : null;
  const holder = el('div');
  const run = async () => {
    const result = await verifyWithPin(record, proof, covered ? checkpoint : null);
    if (!covered) result.verdict = 'partial';
    holder.replaceChildren(verificationView(result, covered ? null : checkpoint ? t('verdict_uncovered') : t('no_checkpoint')));
  };
  await run();

  return el(
    'div',
    { class: 'page record', dataset: { seq: String(seq) } },
    el(
      'div',
      { class: 'page-head' },
      el('h1', {}, t('record_title', seq)),
      el(
        'p',
        { class: 'meta' },
        seq > 0 ? el('a', { href: href(['records', String(seq - 1)], {}, false) }, '← #' + (seq - 1)) : null,
        ' ',
        el('a', { href: href(['records'], { from: Math.floor(seq / PAGE_SIZE) * PAGE_SIZE }, false) }, t('nav_records')),
        ' ',
        el('a', { href: href(['records', String(seq + 1)], {}, false) }, '#' + (seq + 1) + ' →'),
      ),
    ),
    section(
      t('verify_title'),
      el('p', { class: 'intro' }, t('verify_intro')),
      holder,
      el('button', { type: 'button', class: 'verify-again', onclick: run }, t('verify_again')),
      pinForm(rerender),
    ),
    section(
      t('record_fields'),
      eventFields(record.event, names, ents, titles.title),
      el(
        'dl',
        { class: 'fields' },
        el('dt', {}, t('record_hash')),
        el('dd', {}, el('code', { class: 'hash', dataset: { hash: record.hash } }, record.hash)),
        el('dt', {}, t('prev_hash')),
        el('dd', {}, el('code', { class: 'hash' }, record.prev_hash)),
        el('dt', {}, t('recorded_at')),
        el('dd', {}, record.recorded_at),
      ),
    ),
    section(t('record_raw'), el('pre', { class: 'raw' }, JSON.stringify(record))),
    proof
      ? section(
          t('inclusion_title'),
          el('p', {}, `seq ${proof.seq} · size ${proof.size} · ${t('path_len', proof.path.length)}`),
          el('p', {}, 'root ', el('code', { class: 'hash' }, proof.root)),
          el('ol', { class: 'path', start: '1' }, proof.path.map((h) => el('li', {}, el('code', { class: 'hash' }, h)))),
        )
      : null,
    checkpoint
      ? section(
          t('checkpoint_title'),
          el('pre', { class: 'note' }, checkpoint.text),
          el('p', {}, t('verifier_key'), ' ', el('code', { class: 'key' }, checkpoint.key)),
          cosignersView(checkpoint.cosignatures),
        )
      : null,
  );
}
