// Recording from the console (#/record): with a recorder or auditor token,
// a form for each event the token's entity may record. Who may record what
// is format 2.3's table, computed here from what the console can read —
// the entity (GET /v1/whoami), the accounts it holds, the targets assigned
// to it, the commitments it made or benefits from, the projects it hosts
// or invests in, its own recent records — so each form offers only ids
// that exist and that it may name; the ledger still decides every event.
// Amounts are typed in 元, 万 or 亿 and shown in yuan before sending; a
// refusal is shown beside the field it names; the receipt links to the
// record and its inclusion proof. An entity with a public key signs in the
// browser with its key file (sign.js).

import { t, label, isZh } from './i18n.js';
import { el, parseAmountInput, groupedYuan, formatAmount } from './format.js';
import { HttpError, api, post, token, setToken, whoami, pool, href, enc, rerender, periodLabel } from './ui.js';
import { jcs, recordHash, rootFromInclusion } from './verify.js';
import { importKeyFile, signEvent } from './sign.js';
import { countsLine } from './page-projects.js';
import { eventFields } from './page-records.js';

/** How many of the newest records are read for the entity's own records and its incoming disbursements. */
const SCAN = 5000;
const PAGE = 1000;

// Kept while the page lives: the context of the token (entities, views,
// recent records), the last receipt, the signing key (memory only).
let context = null;
let receipt = null;
let signingKey = null;

const pad = (n) => String(n).padStart(2, '0');

/** Today in this browser's time zone, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function randomHex(bytes) {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * The event's `id`: one per filled form, so sending it again after a lost
 * answer is a safe retry (the ledger answers with the first receipt), and
 * a signed event carries its own id as it must.
 */
const newEventId = () => 'web-' + randomHex(12);

/** A suggested new identifier: prefix, the entity, the date, 4 hex. */
function suggestId(prefix, ctx) {
  const who = ctx.me.entity.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 40);
  return `${prefix}-${who}-${today().replace(/-/g, '')}-${randomHex(2)}`;
}

// ---------------------------------------------------------------- context

async function recentLog() {
  const health = await fetch('/healthz').then((r) => r.json());
  const n = Number(health.records) || 0;
  const from = Math.max(0, n - SCAN);
  const starts = [];
  for (let s = from; s < n; s += PAGE) starts.push(s);
  const pages = await pool(starts, 2, (s) => api('/v1/events', { from: s, limit: PAGE }));
  return { records: pages.flatMap((p) => p.records), from, to: n };
}

async function loadContext(me) {
  const [ents, targets, funds, commitments, projects, log] = await Promise.all([
    api('/v1/entities'),
    api('/v1/targets'),
    api('/v1/funds/accounts'),
    api('/v1/commitments'),
    api('/v1/projects'),
    recentLog(),
  ]);
  const entities = new Map(ents.entities.map((e) => [e.entity_id, e]));
  // The entity acts for itself and, as an office (a department), for its parent.
  const parties = new Set([me.entity]);
  if (me.kind === 'department' && me.parent) parties.add(me.parent);
  const auditor = me.kind === 'auditor';
  const accounts = funds.accounts.filter((a) => a.holder);
  const holderOf = new Map(accounts.map((a) => [a.account_id, a.holder]));
  const records = log.records;
  const voided = new Set(records.filter((r) => r.event.type === 'event.voided').map((r) => r.event.data.seq));
  const live = records.filter((r) => !voided.has(r.seq));
  const received = new Set(live.filter((r) => r.event.type === 'fund.received').map((r) => r.event.data.disbursement_id));
  const incoming = live
    .filter((r) => r.event.type === 'fund.disbursed' && parties.has(holderOf.get(r.event.data.to_account)) && !received.has(r.event.data.disbursement_id))
    .reverse();
  const voidable = live
    .filter((r) => r.seq > 0 && r.event.type !== 'event.voided' && (auditor || parties.has(r.event.actor)))
    .reverse()
    .slice(0, 300);
  return {
    me,
    entities,
    parties,
    auditor,
    targets: targets.targets,
    accounts,
    held: accounts.filter((a) => parties.has(a.holder)),
    allocations: funds.allocations,
    commitments: commitments.commitments,
    projects: projects.projects,
    incoming,
    voidable,
    scanned: { from: log.from, to: log.to },
  };
}

function contextFor(me) {
  const tok = token();
  if (!context || context.token !== tok) {
    const promise = loadContext(me);
    context = { token: tok, promise };
    promise.catch(() => {
      if (context && context.promise === promise) context = null;
    });
  }
  return context.promise;
}

// ---------------------------------------------------------------- labels

const nameOf = (ctx, id) => {
  const n = ctx.entities.get(id)?.name;
  return n && n !== id ? `${n} (${id})` : id;
};

const shortText = (s, n = 36) => (s && s.length > n ? s.slice(0, n) + '…' : s ?? '');

function amountText(s) {
  return s ? formatAmount(s).text : '';
}

const COMPARATOR = { '>=': '≥', '<=': '≤' };

/** "≥ 2个", "≥ 1亿元": the comparator and threshold in the target's unit. */
function thresholdText(x) {
  const unit = label('unit', x.unit);
  const value = x.unit === 'CNY' ? amountText(x.threshold) : `${x.threshold}${unit && isZh() ? unit : unit ? ' ' + unit : ''}`;
  return `${COMPARATOR[x.comparator] ?? x.comparator} ${value}`;
}

function targetLabel(x) {
  return `${x.target_id} — ${label('metric', x.metric)} · ${periodLabel(x.period)} · ${thresholdText(x)}`;
}

const accountLabel = (ctx, a) => `${a.name ?? a.account_id} (${a.account_id})` + (ctx.parties.has(a.holder) ? '' : ` · ${nameOf(ctx, a.holder)}`);

const commitmentLabel = (ctx, c) =>
  `${c.commitment_id} — ${shortText(c.terms)} · ${nameOf(ctx, c.promisor)} → ${nameOf(ctx, c.beneficiary)} · ${label('status', c.status)}`;

const projectLabel = (p) => `${p.name ?? p.project_id} (${p.project_id}) · ${label('stage', p.stage)}`;

function recordLabel(r) {
  const d = r.event.data ?? {};
  const key = Object.keys(d).find((k) => k.endsWith('_id') || k === 'entity_id');
  const what = key ? d[key] : '';
  const amount = d.amount ? ' · ' + amountText(d.amount) : '';
  return `#${r.seq} ${r.event.occurred_at.slice(0, 10)} ${label('event_type', r.event.type)} ${what}${amount}` + (r.event.actor ? ` · ${r.event.actor}` : '');
}

// ---------------------------------------------------------------- form pieces

class FieldError extends Error {
  constructor(path, message) {
    super(message);
    this.path = path;
  }
}

/** A form's controls by their JSON path, and the errors shown beside them. */
class Form {
  constructor(type) {
    this.type = type;
    this.controls = new Map();
    this.rows = el('div', { class: 'form-rows' });
    this.general = el('div', { class: 'form-error alert', hidden: true, role: 'alert', dataset: { errorFor: '' } });
  }

  add(path, labelText, input, opts = {}) {
    const id = 'f-' + path.replace(/[^A-Za-z0-9]+/g, '-');
    if (!input.id) input.id = id;
    if (input.matches('input, select, textarea') && !input.name) input.name = path;
    const err = el('div', { class: 'field-error', hidden: true, role: 'alert', dataset: { errorFor: path } });
    const row = el(
      'div',
      { class: 'form-row', dataset: { field: path } },
      el('label', { class: 'form-label', for: input.matches('input, select, textarea') ? input.id : null }, labelText, opts.required ? el('span', { class: 'req', title: t('form_required') }, ' *') : null),
      el('div', { class: 'form-control' }, input, opts.extra ?? null, opts.hint ? el('small', { class: 'hint' }, opts.hint) : null, err),
    );
    const entry = { input, row, err };
    this.controls.set(path, entry);
    this.rows.append(row);
    // An error stays beside its field until the field is changed.
    const settle = () => {
      if (err.hidden) return;
      err.hidden = true;
      row.classList.remove('invalid');
      input.removeAttribute('aria-invalid');
    };
    input.addEventListener('input', settle);
    input.addEventListener('change', settle);
    return row;
  }

  clear() {
    this.general.hidden = true;
    this.general.replaceChildren();
    for (const c of this.controls.values()) {
      c.err.hidden = true;
      c.err.replaceChildren();
      c.row.classList.remove('invalid');
      c.input.removeAttribute('aria-invalid');
    }
  }

  /** Shows `message` beside the control `path` names (or its nearest enclosing one), else above the form. */
  error(path, message, code) {
    let p = path || '';
    while (p && !this.controls.has(p)) {
      const shorter = p.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
      if (shorter === p) break;
      p = shorter;
    }
    const c = this.controls.get(p);
    const text = [code ? el('code', { class: 'error-code' }, code) : null, code ? ' ' : null, message];
    if (c && !c.row.hidden) {
      c.err.replaceChildren(...text.filter(Boolean));
      c.err.hidden = false;
      c.row.classList.add('invalid');
      c.input.setAttribute('aria-invalid', 'true');
      c.input.scrollIntoView({ block: 'center' });
      return;
    }
    this.general.replaceChildren(...text.filter(Boolean), path ? el('small', { class: 'error-field' }, ` (${path})`) : null);
    this.general.dataset.errorFor = path || '';
    this.general.hidden = false;
  }
}

const text = (attrs = {}) => el('input', { type: 'text', autocomplete: 'off', spellcheck: false, ...attrs });
const date = (value) => el('input', { type: 'date', value: value ?? today(), required: true });
const area = (attrs = {}) => el('textarea', { rows: 3, ...attrs });

function select(options, { empty } = {}) {
  const s = el('select', {});
  fill(s, options, { empty });
  return s;
}

function fill(s, options, { empty } = {}) {
  const keep = s.value;
  s.replaceChildren();
  if (empty !== undefined) s.append(el('option', { value: '' }, empty));
  for (const [v, textLabel] of options) s.append(el('option', { value: v }, textLabel));
  if ([...s.options].some((o) => o.value === keep)) s.value = keep;
}

/** An amount input with the yuan it means shown beneath as it is typed. */
function amountInput() {
  const input = text({ inputmode: 'decimal', placeholder: t('amount_placeholder'), class: 'amount-input' });
  const preview = el('div', { class: 'amount-preview', dataset: { yuan: '' }, 'aria-live': 'polite' });
  const update = () => {
    const a = parseAmountInput(input.value);
    preview.classList.toggle('bad', !!a.error && a.error !== 'empty');
    preview.dataset.yuan = a.yuan ?? '';
    if (a.error === 'empty') preview.textContent = '';
    else if (a.error) preview.textContent = t('amount_' + a.error);
    else {
      const readable = isZh() ? formatAmount(a.yuan).text : null;
      // In Chinese also as officials read it: = 600,000.00 元(60万元).
      preview.textContent = t('amount_preview', groupedYuan(a.fen)) + (readable && /[万亿]/.test(readable) ? `(${readable})` : '');
    }
  };
  input.addEventListener('input', update);
  return { input, preview };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const normalizeDigits = (s) => s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\uFF0E]/g, '.').trim();

/** Reads the controls of a form into event data, or throws FieldError. */
function reader(form) {
  const raw = (path) => {
    const c = form.controls.get(path);
    return c ? String(c.input.value ?? '').trim() : '';
  };
  const r = {
    need(path) {
      const v = raw(path);
      if (!v) throw new FieldError(path, t('form_required'));
      return v;
    },
    opt: (path) => raw(path) || undefined,
    decimal(path) {
      const v = normalizeDigits(r.need(path));
      if (!DECIMAL.test(v)) throw new FieldError(path, t('form_decimal'));
      return v;
    },
    amount(path, required = true) {
      const v = raw(path);
      if (!v && !required) return undefined;
      const a = parseAmountInput(v);
      if (a.error) throw new FieldError(path, a.error === 'empty' ? t('form_required') : t('amount_' + a.error));
      return a.yuan;
    },
    evidence(path) {
      const v = raw(path);
      return v ? [{ ref: v }] : undefined;
    },
  };
  return r;
}

/** Drops undefined members, so optional fields left empty are not sent. */
function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

// ---------------------------------------------------------------- the forms

// Each form: the event type, the ids it may name (format 2.3; empty hides
// the form), and how it is drawn and read.
const FORMS = [
  {
    type: 'target.progress_reported',
    choices: (ctx) => ctx.targets.filter((x) => ctx.parties.has(x.assignee)),
    draw: (ctx, form, choices) => targetForm(ctx, form, choices, false),
  },
  {
    type: 'target.verified',
    choices: (ctx) => ctx.targets.filter((x) => !ctx.parties.has(x.assignee)),
    draw: (ctx, form, choices) => targetForm(ctx, form, choices, true),
  },
  {
    type: 'project.stage_reported',
    choices: (ctx) => ctx.projects.filter((p) => ctx.auditor || ctx.parties.has(p.host) || ctx.parties.has(p.investor)),
    draw: stageForm,
  },
  {
    type: 'fund.allocated',
    choices: (ctx) => (ctx.accounts.length > 1 ? ctx.held : []),
    draw: (ctx, form, choices) => moneyForm(ctx, form, choices, false),
  },
  {
    type: 'fund.disbursed',
    choices: (ctx) => (ctx.accounts.length > 1 ? ctx.held : []),
    draw: (ctx, form, choices) => moneyForm(ctx, form, choices, true),
  },
  {
    type: 'fund.received',
    choices: (ctx) => ctx.incoming,
    draw: receivedForm,
  },
  {
    type: 'commitment.condition_met',
    choices: (ctx) => ctx.commitments.filter((c) => (ctx.auditor || ctx.parties.has(c.promisor)) && c.conditions.some((k) => !k.met)),
    draw: conditionForm,
  },
  {
    type: 'commitment.fulfilled',
    choices: (ctx) => ctx.commitments.filter((c) => (ctx.auditor || ctx.parties.has(c.promisor)) && !c.fulfilled_on && c.status !== 'waived'),
    draw: fulfilledForm,
  },
  {
    type: 'commitment.disputed',
    choices: (ctx) => ctx.commitments.filter((c) => ctx.parties.has(c.beneficiary) && c.status !== 'waived'),
    draw: (ctx, form, choices) => reasonForm(ctx, form, choices, false),
  },
  {
    type: 'commitment.waived',
    choices: (ctx) => ctx.commitments.filter((c) => c.status !== 'waived' && (ctx.auditor || (ctx.parties.has(c.beneficiary) && !ctx.parties.has(c.promisor)))),
    draw: (ctx, form, choices) => reasonForm(ctx, form, choices, true),
  },
  {
    type: 'commitment.breached',
    choices: (ctx) => (ctx.auditor ? ctx.commitments.filter((c) => c.status !== 'waived' && c.status !== 'kept') : []),
    draw: (ctx, form, choices) => reasonForm(ctx, form, choices, false),
  },
  {
    type: 'event.voided',
    choices: (ctx) => ctx.voidable,
    draw: voidForm,
  },
];

function occurredAt(form) {
  form.add('occurred_at', t('f_occurred_at'), date(), { required: true, hint: t('f_occurred_at_hint') });
}

/** Progress claimed by the assignee, or a verification by anyone else; projects for a counting target. */
function targetForm(ctx, form, targets, verifying) {
  // The latest periods first, then by id.
  const sorted = [...targets].sort((a, b) => b.period.to.localeCompare(a.period.to) || a.target_id.localeCompare(b.target_id));
  const target = select(sorted.map((x) => [x.target_id, targetLabel(x)]));
  const about = el('div', { class: 'target-about' });
  form.add('data.target_id', t('f_target'), target, { required: true, extra: about });
  const value = text({ inputmode: 'decimal', class: 'decimal-input' });
  let valueTouched = false;
  value.addEventListener('input', () => (valueTouched = true));
  form.add('data.value', t('f_value'), value, { required: true, hint: t('f_value_hint') });
  form.add('data.as_of', t('f_as_of'), date(), { required: true });
  const list = el('div', { class: 'project-picks' });
  const projectsRow = form.add('data.projects', t('f_projects'), list, { hint: t('f_projects_hint') });
  form.add('data.evidence', t('f_evidence'), text({ placeholder: t('f_evidence_placeholder') }), { hint: t('f_evidence_hint') });
  if (verifying) form.add('data.note', t('f_note'), area());
  occurredAt(form);

  const ticked = () => [...list.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value);
  const redraw = () => {
    const x = targets.find((y) => y.target_id === target.value);
    about.replaceChildren();
    if (x) {
      about.append(
        el(
          'span',
          {},
          `${nameOf(ctx, x.assignee)} · ${t('f_threshold')} ${thresholdText(x)} · ${x.period.from} – ${x.period.to} · ${label('status', x.status)}`,
          x.last_claimed ? ` · ${t('col_claimed')} ${x.last_claimed.value} (${x.last_claimed.as_of})` : null,
          x.last_verified ? ` · ${t('col_verified')} ${x.last_verified.value} (${x.last_verified.as_of})` : null,
        ),
      );
      if (x.counts) about.append(el('div', {}, countsLine(x.counts)));
    }
    projectsRow.hidden = !(x && x.counts);
    list.replaceChildren();
    if (!x || !x.counts) return;
    // The assignee's own projects (hosted at or below it) first, then the others.
    const below = (id) => {
      for (let e = id, i = 0; e && i < 64; e = ctx.entities.get(e)?.parent, i++) if (e === x.assignee) return true;
      return false;
    };
    const projects = [...ctx.projects].sort((a, b) => Number(below(b.host)) - Number(below(a.host)) || a.project_id.localeCompare(b.project_id));
    if (projects.length === 0) list.append(el('p', { class: 'none' }, t('f_no_projects')));
    for (const p of projects) {
      const box = el('input', { type: 'checkbox', value: p.project_id, name: 'data.projects' });
      box.addEventListener('change', () => {
        if (!valueTouched) value.value = String(ticked().length);
      });
      list.append(
        el(
          'label',
          { class: 'project-pick' + (below(p.host) ? ' own' : ''), dataset: { project: p.project_id } },
          box,
          ' ',
          el('span', { class: 'pick-name' }, p.name ?? p.project_id),
          ' ',
          el('small', {}, `${p.project_id} · ${nameOf(ctx, p.host)} · ${label('stage', p.stage)} · ${t('f_in_place')} ${amountText(p.investment_in_place)}`),
        ),
      );
    }
  };
  target.addEventListener('change', redraw);
  redraw();

  return (r) => {
    const x = targets.find((y) => y.target_id === target.value);
    const projects = x && x.counts ? ticked() : [];
    return compact({
      target_id: r.need('data.target_id'),
      value: r.decimal('data.value'),
      as_of: r.need('data.as_of'),
      evidence: r.evidence('data.evidence'),
      note: verifying ? r.opt('data.note') : undefined,
      projects: projects.length ? projects : undefined,
    });
  };
}

const STAGES = ['started', 'producing', 'stalled', 'cancelled'];

function stageForm(ctx, form, projects) {
  const project = select(projects.map((p) => [p.project_id, projectLabel(p)]));
  const about = el('div', { class: 'project-about' });
  form.add('data.project_id', t('f_project'), project, { required: true, extra: about });
  form.add('data.stage', t('f_stage'), select(STAGES.map((s) => [s, label('stage', s)])), { required: true });
  form.add('data.as_of', t('f_as_of'), date(), { required: true });
  const money = amountInput();
  form.add('data.investment_in_place', t('f_investment_in_place'), money.input, { extra: money.preview, hint: t('f_investment_hint') });
  form.add('data.evidence', t('f_evidence'), text({ placeholder: t('f_evidence_placeholder') }), { hint: t('f_evidence_hint') });
  occurredAt(form);
  const redraw = () => {
    const p = projects.find((x) => x.project_id === project.value);
    about.textContent = p
      ? `${nameOf(ctx, p.host)} · ${nameOf(ctx, p.investor)} · ${t('f_planned')} ${amountText(p.planned_investment)} · ${t('f_in_place')} ${amountText(p.investment_in_place)}`
      : '';
  };
  project.addEventListener('change', redraw);
  redraw();
  return (r) =>
    compact({
      project_id: r.need('data.project_id'),
      stage: r.need('data.stage'),
      as_of: r.need('data.as_of'),
      investment_in_place: r.amount('data.investment_in_place', false),
      evidence: r.evidence('data.evidence'),
    });
}

const DISBURSEMENT_KINDS = ['transfer', 'expenditure', 'repayment', 'interest'];

/** An allocation (money promised) or a disbursement (money moved) from an account the entity holds. */
function moneyForm(ctx, form, held, disbursing) {
  const idPath = disbursing ? 'data.disbursement_id' : 'data.allocation_id';
  form.add(idPath, t(disbursing ? 'f_disbursement_id' : 'f_allocation_id'), text({ value: suggestId(disbursing ? 'disb' : 'alloc', ctx), class: 'id-input' }), {
    required: true,
    hint: t('f_new_id_hint'),
  });
  const from = select(held.map((a) => [a.account_id, accountLabel(ctx, a)]));
  const balance = el('div', { class: 'account-about' });
  form.add('data.from_account', t('f_from_account'), from, { required: true, extra: balance });
  const to = select([], { empty: t('f_choose') });
  form.add('data.to_account', t('f_to_account'), to, { required: true });
  const money = amountInput();
  form.add('data.amount', t('f_amount'), money.input, { required: true, extra: money.preview, hint: t('f_amount_hint') });
  form.add('data.purpose', t('f_purpose'), text({ class: 'wide-input' }), { required: true });
  let allocation = null;
  let commitment = null;
  if (disbursing) {
    form.add('data.kind', t('f_kind'), select(DISBURSEMENT_KINDS.map((k) => [k, label('disbursement_kind', k)])));
    form.add('data.category', t('f_category'), text({ placeholder: 'infrastructure' }), { hint: t('f_category_hint') });
    allocation = select([], { empty: t('f_none') });
    form.add('data.allocation_id', t('f_allocation'), allocation);
    commitment = select(
      ctx.commitments.map((c) => [c.commitment_id, commitmentLabel(ctx, c)]),
      { empty: t('f_none') },
    );
    form.add('data.commitment_id', t('f_commitment_paid'), commitment);
    form.add('data.voucher', t('f_voucher'), text());
  } else {
    form.add('data.basis', t('f_basis'), text({ class: 'wide-input' }), { hint: t('f_basis_hint') });
  }
  occurredAt(form);
  const redraw = () => {
    const a = ctx.accounts.find((x) => x.account_id === from.value);
    balance.textContent = a ? `${label('kind', a.kind)} · ${t('f_balance')} ${amountText(a.balance)}${a.earmark ? ' · ' + t('f_earmark') + ' ' + a.earmark : ''}` : '';
    fill(
      to,
      ctx.accounts.filter((x) => x.account_id !== from.value).map((x) => [x.account_id, accountLabel(ctx, x)]),
      { empty: t('f_choose') },
    );
    if (allocation) {
      fill(
        allocation,
        ctx.allocations
          .filter((x) => x.from_account === from.value)
          .map((x) => [x.allocation_id, `${x.allocation_id} → ${x.to_account} · ${t('f_left')} ${amountText(x.left)} · ${shortText(x.purpose, 24)}`]),
        { empty: t('f_none') },
      );
    }
  };
  from.addEventListener('change', redraw);
  redraw();
  return (r) => {
    const common = {
      from_account: r.need('data.from_account'),
      to_account: r.need('data.to_account'),
      amount: r.amount('data.amount'),
      purpose: r.need('data.purpose'),
    };
    if (!disbursing) return compact({ allocation_id: r.need(idPath), ...common, basis: r.opt('data.basis') });
    return compact({
      disbursement_id: r.need(idPath),
      ...common,
      // transfer is the default kind: sent only when another is chosen.
      kind: r.opt('data.kind') !== 'transfer' ? r.opt('data.kind') : undefined,
      category: r.opt('data.category'),
      allocation_id: r.opt('data.allocation_id'),
      commitment_id: r.opt('data.commitment_id'),
      voucher: r.opt('data.voucher'),
    });
  };
}

function receivedForm(ctx, form, incoming) {
  const pick = select(
    incoming.map((rec) => {
      const d = rec.event.data;
      return [d.disbursement_id, `${d.disbursement_id} · ${amountText(d.amount)} · ${d.from_account} → ${d.to_account} · ${rec.event.occurred_at.slice(0, 10)}`];
    }),
  );
  const about = el('div', { class: 'disbursement-about' });
  form.add('data.disbursement_id', t('f_disbursement'), pick, { required: true, extra: about, hint: t('f_received_hint', ctx.scanned.to - ctx.scanned.from) });
  occurredAt(form);
  const redraw = () => {
    const rec = incoming.find((x) => x.event.data.disbursement_id === pick.value);
    about.replaceChildren();
    if (rec) about.append(`${t('f_purpose')}: ${rec.event.data.purpose} · `, el('a', { href: href(['records', String(rec.seq)], {}, false) }, '#' + rec.seq));
  };
  pick.addEventListener('change', redraw);
  redraw();
  return (r) => ({ disbursement_id: r.need('data.disbursement_id') });
}

function commitmentSelect(ctx, form, commitments, extra) {
  const pick = select(commitments.map((c) => [c.commitment_id, commitmentLabel(ctx, c)]));
  form.add('data.commitment_id', t('f_commitment'), pick, { required: true, extra });
  return pick;
}

function commitmentAbout(ctx, c) {
  if (!c) return '';
  return `${c.terms} · ${t('f_due')} ${c.due ?? '—'}${c.amount ? ' · ' + amountText(c.amount) : ''} · ${t('f_paid')} ${amountText(c.paid)}`;
}

function conditionForm(ctx, form, commitments) {
  const about = el('div', { class: 'commitment-about' });
  const pick = commitmentSelect(ctx, form, commitments, about);
  const condition = select([]);
  form.add('data.condition_id', t('f_condition'), condition, { required: true });
  form.add('data.evidence', t('f_evidence'), text({ placeholder: t('f_evidence_placeholder') }), { hint: t('f_evidence_hint') });
  occurredAt(form);
  const redraw = () => {
    const c = commitments.find((x) => x.commitment_id === pick.value);
    about.textContent = commitmentAbout(ctx, c);
    fill(condition, (c?.conditions ?? []).filter((k) => !k.met).map((k) => [k.condition_id, `${k.condition_id} — ${k.text}`]));
  };
  pick.addEventListener('change', redraw);
  redraw();
  return (r) =>
    compact({
      commitment_id: r.need('data.commitment_id'),
      condition_id: r.need('data.condition_id'),
      evidence: r.evidence('data.evidence'),
    });
}

function fulfilledForm(ctx, form, commitments) {
  const about = el('div', { class: 'commitment-about' });
  const pick = commitmentSelect(ctx, form, commitments, about);
  form.add('data.evidence', t('f_evidence'), text({ placeholder: t('f_evidence_placeholder') }), { hint: t('f_evidence_hint') });
  const money = amountInput();
  form.add('data.amount', t('f_amount_fulfilled'), money.input, { extra: money.preview, hint: t('f_amount_hint') });
  occurredAt(form);
  const redraw = () => {
    about.textContent = commitmentAbout(ctx, commitments.find((x) => x.commitment_id === pick.value));
  };
  pick.addEventListener('change', redraw);
  redraw();
  return (r) =>
    compact({
      commitment_id: r.need('data.commitment_id'),
      evidence: r.evidence('data.evidence'),
      amount: r.amount('data.amount', false),
    });
}

/** A dispute (the beneficiary), a breach (an auditor) or a waiver (the beneficiary, or an auditor): a reason. */
function reasonForm(ctx, form, commitments, waiving) {
  const about = el('div', { class: 'commitment-about' });
  const pick = commitmentSelect(ctx, form, commitments, about);
  form.add('data.reason', t('f_reason'), area(), { required: true });
  if (waiving) form.add('data.authority', t('f_authority'), text({ class: 'wide-input' }), { required: true, hint: t('f_authority_hint') });
  occurredAt(form);
  const redraw = () => {
    about.textContent = commitmentAbout(ctx, commitments.find((x) => x.commitment_id === pick.value));
  };
  pick.addEventListener('change', redraw);
  redraw();
  return (r) =>
    compact({
      commitment_id: r.need('data.commitment_id'),
      reason: r.need('data.reason'),
      authority: waiving ? r.need('data.authority') : undefined,
    });
}

function voidForm(ctx, form, records) {
  const pick = select(records.map((rec) => [String(rec.seq), recordLabel(rec)]));
  const about = el('div', { class: 'record-about' });
  form.add('data.seq', t('f_record'), pick, { required: true, extra: about, hint: t(ctx.auditor ? 'f_void_hint_auditor' : 'f_void_hint', ctx.scanned.to - ctx.scanned.from) });
  form.add('data.reason', t('f_reason'), area(), { required: true });
  occurredAt(form);
  const redraw = () => {
    const rec = records.find((x) => String(x.seq) === pick.value);
    about.replaceChildren();
    if (rec) about.append(el('a', { href: href(['records', String(rec.seq)], {}, false) }, t('f_open_record', rec.seq)), ' ', el('code', { class: 'raw-event' }, shortText(JSON.stringify(rec.event.data), 160)));
  };
  pick.addEventListener('change', redraw);
  redraw();
  return (r) => {
    const seq = Number(r.need('data.seq'));
    if (!Number.isSafeInteger(seq) || seq < 1) throw new FieldError('data.seq', t('form_required'));
    return { seq, reason: r.need('data.reason') };
  };
}

// ---------------------------------------------------------------- signing

function keyControl(me, onchange) {
  const input = el('input', { type: 'file', id: 'key-file', accept: '.key,text/plain' });
  const status = el('div', { class: 'key-status', dataset: { key: signingKey ? 'loaded' : 'none' } });
  const show = () => {
    status.replaceChildren();
    status.dataset.key = signingKey ? 'loaded' : 'none';
    if (signingKey) {
      status.append(
        el('span', { class: 'ok' }, '✓ '),
        t('key_loaded', signingKey.fileName),
        ' ',
        el('code', { class: 'key' }, signingKey.publicKey.slice(0, 12) + '…'),
        ' ',
        el(
          'button',
          {
            type: 'button',
            class: 'key-forget',
            onclick: () => {
              signingKey = null;
              show();
            },
          },
          t('key_forget'),
        ),
      );
    } else status.append(el('small', {}, t('key_none')));
  };
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    try {
      const k = await importKeyFile(await file.text());
      if (k.publicKey !== me.public_key) {
        signingKey = null;
        show();
        onchange('key_mismatch');
        return;
      }
      signingKey = { entity: me.entity, key: k.key, publicKey: k.publicKey, fileName: file.name };
      show();
      onchange(null);
    } catch (e) {
      signingKey = null;
      show();
      onchange(e && e.code === 'not_key_file' ? 'key_not_a_key_file' : 'key_no_webcrypto');
    }
  });
  show();
  return { input, status };
}

// ---------------------------------------------------------------- receipt

function receiptView(r) {
  const proof = el('div', { class: 'receipt-proof', dataset: { proof: 'pending' } }, t('receipt_proof_loading'));
  const content = el('div', { class: 'receipt-content', dataset: { content: 'pending' } });
  const node = el(
    'section',
    { class: 'panel receipt', id: 'receipt', dataset: { seq: String(r.seq), hash: r.hash, repeat: String(r.repeat) } },
    el('h2', {}, t(r.repeat ? 'receipt_repeat' : 'receipt_title', label('event_type', r.event.type))),
    el(
      'dl',
      { class: 'fields' },
      el('dt', {}, t('receipt_seq')),
      el('dd', {}, el('a', { href: href(['records', String(r.seq)], {}, false), class: 'receipt-seq' }, '#' + r.seq)),
      el('dt', {}, t('receipt_hash')),
      el('dd', {}, el('code', { class: 'hash' }, r.hash)),
      el('dt', {}, 'id'),
      el('dd', {}, el('code', {}, r.event.id)),
      r.event.signature ? [el('dt', {}, 'signature'), el('dd', {}, el('code', { class: 'hash' }, r.event.signature))] : null,
    ),
    el('details', { class: 'receipt-event' }, el('summary', {}, t('receipt_event')), eventFields(r.event)),
    el(
      'p',
      { class: 'receipt-links' },
      el('a', { href: href(['records', String(r.seq)], {}, false), class: 'button receipt-record' }, t('receipt_open_record')),
      ' ',
      el('a', { href: `/v1/proofs/inclusion?seq=${enc(String(r.seq))}`, class: 'button receipt-proof-link', target: '_blank', rel: 'noopener' }, t('receipt_proof_json')),
    ),
    content,
    proof,
  );
  // The record as stored is what was sent, and its hash the receipt's; the
  // inclusion proof leads to a root of the log.
  api(`/v1/events/${r.seq}`)
    .then((rec) => {
      const same = jcs(rec.event) === jcs(r.event) && recordHash(rec) === r.hash && rec.hash === r.hash;
      content.dataset.content = same ? 'same' : 'different';
      content.replaceChildren(el('span', { class: same ? 'ok' : 'bad' }, same ? '✓ ' : '✗ '), t(same ? 'receipt_same' : 'receipt_different'));
    })
    .catch((e) => {
      content.dataset.content = 'unknown';
      content.textContent = String(e.message || e);
    });
  api('/v1/proofs/inclusion', { seq: r.seq })
    .then((p) => {
      let root = null;
      try {
        root = rootFromInclusion(p.seq, p.size, r.hash, p.path);
      } catch (_) {
        root = null;
      }
      const ok = p.seq === r.seq && p.record_hash === r.hash && root === p.root;
      proof.dataset.proof = ok ? 'ok' : 'bad';
      proof.replaceChildren(el('span', { class: ok ? 'ok' : 'bad' }, ok ? '✓ ' : '✗ '), t('receipt_proof', p.size, p.path.length), ' ', el('code', { class: 'hash' }, p.root));
    })
    .catch((e) => {
      proof.dataset.proof = 'unknown';
      proof.textContent = String(e.message || e);
    });
  return node;
}

// ---------------------------------------------------------------- the page

/** The token prompt of the pages that append (recording, importing). */
export function signInBox(problem, titleKey = 'record_title') {
  const input = el('input', { type: 'password', id: 'signin-token', autocomplete: 'off', spellcheck: false });
  const alert = el('p', { class: 'alert', hidden: !problem }, problem ?? '');
  const button = el('button', { type: 'submit', id: 'signin-submit' }, t('signin_submit'));
  return el(
    'div',
    { class: 'page record-form signin', dataset: { signin: '1' } },
    el('h1', {}, t(titleKey)),
    el('p', { class: 'intro' }, t('signin_text')),
    alert,
    el(
      'form',
      {
        class: 'filters',
        onsubmit: async (e) => {
          e.preventDefault();
          const tok = input.value.trim();
          if (!tok) return;
          button.disabled = true;
          try {
            await api('/v1/whoami', {}, tok);
            setToken(tok);
            rerender();
          } catch (err) {
            alert.textContent = t('token_refused', err.message);
            alert.hidden = false;
          } finally {
            button.disabled = false;
          }
        },
      },
      el('label', { class: 'field' }, el('span', {}, t('token_label')), input),
      button,
    ),
  );
}

function offered(ctx) {
  return FORMS.map((f) => ({ ...f, list: ctx.me.event_types.includes(f.type) ? f.choices(ctx) : [] })).filter((f) => f.list.length > 0);
}

export async function recordFormPage(route) {
  if (!token()) return signInBox(null);
  let me;
  try {
    me = await whoami();
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) {
      setToken(null);
      return signInBox(t('token_refused', e.message));
    }
    throw e;
  }
  if (signingKey && signingKey.entity !== me.entity) signingKey = null;
  const head = el(
    'div',
    { class: 'page-head' },
    el('h1', {}, t('record_title')),
    el(
      'p',
      { class: 'meta signed-in', dataset: { entity: me.entity } },
      t('record_as', me.name ? `${me.name} (${me.entity})` : me.entity, me.roles.join(', ')),
      me.kind ? ' · ' + label('entity_kind', me.kind) : '',
      me.has_public_key ? el('span', { class: 'badge signs' }, t('record_signs')) : null,
    ),
  );
  if (!me.kind || me.event_types.length === 0) {
    return el(
      'div',
      { class: 'page record-form', dataset: { offered: '' } },
      head,
      el('p', { class: 'alert' }, t(me.kind ? 'record_read_only' : 'record_unregistered')),
      signInBox(null).querySelector('form'),
    );
  }
  const ctx = await contextFor(me);
  const forms = offered(ctx);
  const wanted = route.query.get('type');
  // The type asked for in the address, else the first offered; a type no
  // longer offered (the last incoming disbursement was just confirmed)
  // shows no form.
  const spec = forms.find((f) => f.type === wanted) ?? (wanted ? null : forms[0]);
  // A receipt is shown once, on the page drawn right after its submission.
  const shown = receipt;
  receipt = null;

  const chooser = el(
    'nav',
    { class: 'type-chooser', 'aria-label': t('record_choose') },
    forms.map((f) =>
      el(
        'a',
        {
          href: href(['record'], { type: f.type }, false),
          class: 'type-choice' + (spec && f.type === spec.type ? ' current' : ''),
          dataset: { type: f.type },
          title: f.type,
        },
        label('event_type', f.type),
      ),
    ),
  );
  const page = el(
    'div',
    { class: 'page record-form', dataset: { offered: forms.map((f) => f.type).join(' '), type: spec?.type ?? '' } },
    head,
    el('p', { class: 'intro' }, t('record_intro')),
    forms.length ? chooser : el('p', { class: 'alert' }, t('record_nothing')),
    shown ? receiptView(shown) : null,
    wanted && !spec ? el('p', { class: 'alert quiet none-left' }, t('record_none_left', label('event_type', wanted))) : null,
  );
  if (!spec) return page;

  const form = new Form(spec.type);
  let eventId = newEventId();
  const build = spec.draw(ctx, form, spec.list);
  let keyProblem = null;
  if (me.has_public_key) {
    const key = keyControl(me, (problem) => {
      keyProblem = problem;
      form.clear();
      if (problem) form.error('signature', t(problem));
    });
    form.add('signature', t('f_key_file'), key.input, { extra: key.status, hint: t('f_key_hint', me.entity) });
  }
  const submit = el('button', { type: 'submit', class: 'primary', id: 'record-submit' }, t('record_submit'));
  const sending = el('span', { class: 'sending', hidden: true }, t('record_sending'));
  const formNode = el(
    'form',
    {
      class: 'event-form panel',
      novalidate: true,
      dataset: { type: spec.type },
      onsubmit: async (e) => {
        e.preventDefault();
        form.clear();
        let event;
        try {
          const data = build(reader(form));
          event = { type: spec.type, id: eventId, actor: me.entity, occurred_at: reader(form).need('occurred_at'), data };
        } catch (err) {
          if (err instanceof FieldError) return form.error(err.path, err.message);
          throw err;
        }
        submit.disabled = true;
        sending.hidden = false;
        try {
          if (me.has_public_key) {
            if (!signingKey) return form.error('signature', t(keyProblem ?? 'key_needed'));
            event = await signEvent(event, signingKey.key);
          }
          const { status, body } = await post('/v1/events', event);
          const r = body.receipts[0];
          receipt = { seq: r.seq, hash: r.hash, event, repeat: status === 200 };
          eventId = newEventId();
          context = null;
          if (wanted === spec.type) rerender();
          else location.hash = href(['record'], { type: spec.type }, false);
        } catch (err) {
          if (err instanceof HttpError) form.error(err.field, err.message, err.code ?? String(err.status));
          else form.error('', String(err && err.message ? err.message : err));
        } finally {
          submit.disabled = false;
          sending.hidden = true;
        }
      },
    },
    el('h2', {}, label('event_type', spec.type), ' ', el('code', { class: 'type-code' }, spec.type)),
    el('p', { class: 'intro' }, label('event_about', spec.type)),
    form.general,
    form.rows,
    el('div', { class: 'form-actions' }, submit, ' ', sending),
  );
  page.append(formNode);
  return page;
}
