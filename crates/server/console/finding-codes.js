// The finding codes (format 3.5): which codes the ledger knows, how serious
// each is, and its label in each language. The server publishes them at
// GET /v1/finding-codes:
//
//   {"codes": [{"code": "overdraft", "severity": 3,
//               "label": {"en": "Overdraft", "zh-CN": "透支"}, "version": 1}, ...]}
//
// asked for once per page load and kept while the page lives. Only a server
// too old to have the route (404) makes the console use its own table,
// BUILTIN below: the one place the console itself names codes.

import { api, HttpError } from './ui.js';
import { language } from './i18n.js';

/** The severity of a code the list does not know (and of a list without one). */
const DEFAULT_SEVERITY = 2;

// For servers without /v1/finding-codes: the codes as of format version 1.
const BUILTIN = [
  ['overdraft', 3, 'Overdraft', '账户透支'],
  ['over_ceiling', 3, 'Over ceiling', '超出授信额度'],
  ['over_allocation', 3, 'Over allocation', '超计划拨付'],
  ['earmark_breach', 3, 'Earmark breach', '专户资金改变用途'],
  ['paid_without_met_target', 3, 'Paid without a met target', '未完成目标即发放奖励'],
  ['commitment_overpaid', 3, 'Commitment overpaid', '重复或超额兑付'],
  ['clawback_due', 3, 'Clawback due', '应追回优惠'],
  ['clawback_exceeds_payout', 3, 'Clawback exceeds payout', '追回超过发放额'],
  ['scheme_overpaid', 3, 'Scheme overpaid', '奖励超出总额'],
  ['share_exceeded', 3, 'Share exceeded', '超比例发放'],
  ['fulfilled_without_payment', 2, 'Fulfilled without payment', '标记兑现但无资金拨付'],
  ['fulfilled_before_conditions', 2, 'Fulfilled before its conditions', '条件未满足即兑现'],
  ['overstated_claim', 2, 'Overstated claim', '虚报完成情况'],
  ['target_revised_after_period', 2, 'Target revised after its period', '期满后调整目标'],
  ['consecutive_misses', 2, 'Consecutive misses', '连续未完成目标'],
  ['commitment_overdue', 2, 'Commitment overdue', '承诺逾期未兑现'],
  ['commitment_disputed', 2, 'Commitment disputed', '承诺兑现有争议'],
  ['unconfirmed_disbursement', 1, 'Unconfirmed disbursement', '拨付未确认到账'],
  ['missing_evidence', 1, 'Missing evidence', '缺少佐证材料'],
].map(([code, severity, en, zh]) => ({ code, severity, label: { en, 'zh-CN': zh }, version: 1 }));

/**
 * The codes as a catalogue: `codes` (every known code, in the list's
 * order), `severity(code)` (1 minor, 2 significant, 3 serious) and
 * `label(code)` in the current language (English, else the code itself).
 * `source` says where the list came from: 'server' or 'builtin'.
 */
function catalogue(list, source) {
  const byCode = new Map();
  for (const c of list) {
    if (c && typeof c.code === 'string' && c.code && !byCode.has(c.code)) byCode.set(c.code, c);
  }
  return {
    source,
    codes: [...byCode.keys()],
    severity(code) {
      const s = byCode.get(code)?.severity;
      return s === 1 || s === 2 || s === 3 ? s : DEFAULT_SEVERITY;
    },
    label(code) {
      if (code === null || code === undefined) return '';
      const l = byCode.get(code)?.label ?? {};
      return l[language()] || l.en || String(code);
    },
  };
}

let cached = null;

/**
 * The finding codes, from the server or, when it has no such route (404),
 * from BUILTIN. Asked for once; an answer that failed otherwise (401 for a
 * token, a server error) is not kept, and its error goes to the page.
 */
export function findingCodes() {
  if (!cached) {
    const p = api('/v1/finding-codes').then(
      (d) => catalogue(Array.isArray(d?.codes) ? d.codes : [], 'server'),
      (e) => {
        if (e instanceof HttpError && e.status === 404) return catalogue(BUILTIN, 'builtin');
        throw e;
      },
    );
    cached = p;
    p.catch(() => {
      if (cached === p) cached = null;
    });
  }
  return cached;
}
