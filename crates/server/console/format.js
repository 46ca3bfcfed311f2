// Formatting: amounts (exact, in integer fen), values with units, CSV, and
// a small DOM builder.

import { isZh, label } from './i18n.js';

/** A decimal yuan string ("-1234.5", "300000000.00") as BigInt fen, or null. */
export function parseFen(s) {
  if (typeof s !== 'string') return null;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -fen : fen;
}

function group3(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// |fen| / unit rounded half up to 2 decimals, trailing zeros dropped.
function scaled(absFen, unit) {
  const hundredths = (absFen * 100n * 2n + unit) / (unit * 2n);
  const whole = hundredths / 100n;
  const frac = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return whole.toString() + (frac ? '.' + frac : '');
}

const WAN = 1000000n; // 1 万元 in fen
const YI = 10000000000n; // 1 亿元 in fen

/**
 * An amount for reading. In Chinese the way officials read it: 亿元 from one
 * hundred million, 万元 from ten thousand, else 元 (two decimals at most,
 * rounded half up, trailing zeros dropped). In English the exact yuan with
 * thousands separators. `title` always carries the exact yuan.
 */
export function formatAmount(s, { compact = false } = {}) {
  const fen = parseFen(s);
  if (fen === null) return { text: s === null || s === undefined ? '—' : String(s), title: '' };
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const sign = neg ? '-' : '';
  const exact = group3((abs / 100n).toString()) + '.' + (abs % 100n).toString().padStart(2, '0');
  let text;
  if (isZh()) {
    // The unit is chosen after rounding: 99999999.99 reads 1亿元, not 10000万元.
    if (abs >= YI || (abs >= WAN && scaled(abs, WAN) === '10000')) text = scaled(abs, YI) + '亿元';
    else if (abs >= WAN) text = scaled(abs, WAN) + '万元';
    else text = scaled(abs, 100n) + '元';
  } else if (compact && abs >= 100000000n) {
    // Compact English for labels: millions and billions of yuan.
    const bn = abs >= 100000000000n || scaled(abs, 100000000n) === '1000';
    text = '¥' + (bn ? scaled(abs, 100000000000n) + ' bn' : scaled(abs, 100000000n) + ' m');
  } else {
    text = '¥' + exact;
  }
  return { text: sign + text, title: sign + exact + (isZh() ? ' 元' : ' yuan') };
}

const MAX_INTEGER_DIGITS = 30; // the ledger allows 18: beyond this the input is not an amount at all

/**
 * An amount as typed into a form: yuan ("600000", "600000.50", "600,000"),
 * 万 or 亿 ("60万", "1.2亿", "60万元"), full-width digits allowed. Returns
 * `{fen, yuan}` — BigInt fen and the decimal string of yuan with two
 * decimals that is sent ("600000.00") — or `{error}`: 'empty', 'syntax'
 * or 'fen' (finer than one fen). Never a float. The ledger's own limit
 * (18 integer digits) is left to the ledger, which names the field.
 */
export function parseAmountInput(text) {
  let s = String(text ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E\u3002]/g, '.')
    .replace(/[\uFF0C]/g, ',')
    .replace(/\s+/g, '');
  if (s === '') return { error: 'empty' };
  let unit = 100n; // fen per unit typed
  const m = /^(.*?)(万元|万|亿元|亿|元)$/.exec(s);
  if (m) {
    s = m[1];
    unit = m[2].startsWith('万') ? 1000000n : m[2].startsWith('亿') ? 10000000000n : 100n;
  }
  // Thousands separators only where they group digits in threes.
  if (s.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) return { error: 'syntax' };
    s = s.replace(/,/g, '');
  }
  const d = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!d || d[1].length > MAX_INTEGER_DIGITS) return { error: 'syntax' };
  const frac = d[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const num = BigInt(d[1] + frac) * unit;
  if (num % scale !== 0n) return { error: 'fen' };
  const fen = num / scale;
  return { fen, yuan: (fen / 100n).toString() + '.' + (fen % 100n).toString().padStart(2, '0') };
}

/** Exact yuan with thousands separators: 60000000n fen → "600,000.00". */
export function groupedYuan(fen) {
  const abs = fen < 0n ? -fen : fen;
  return (fen < 0n ? '-' : '') + group3((abs / 100n).toString()) + '.' + (abs % 100n).toString().padStart(2, '0');
}

/** A target's value or threshold with its unit. */
export function formatValue(value, unit) {
  if (value === null || value === undefined) return { text: '—', title: '' };
  if (unit === 'CNY') return formatAmount(value);
  const u = label('unit', unit);
  if (unit === 'percent') return { text: value + '%', title: '' };
  if (!u) return { text: String(value), title: '' };
  return { text: isZh() ? value + u : value + ' ' + u, title: '' };
}

/** A 0..1+ ratio string ("0.4", "1.2") as a percentage text. */
export function formatRatio(r) {
  if (r === null || r === undefined) return '—';
  const n = Number(r);
  if (!Number.isFinite(n)) return String(r);
  return (Math.round(n * 1000) / 10).toString() + '%';
}

/** Days from ISO date a to ISO date b. */
export function daysBetween(a, b) {
  const da = Date.parse(a.slice(0, 10) + 'T00:00:00Z');
  const db = Date.parse(b.slice(0, 10) + 'T00:00:00Z');
  return Math.round((db - da) / 86400000);
}

/**
 * CSV text (RFC 4180, CRLF), with a BOM so spreadsheet programs read UTF-8.
 * A text cell that a spreadsheet would run as a formula (starting with =, +,
 * @, a tab, or a minus not followed by a number) gets a leading apostrophe;
 * negative amounts stay numbers.
 */
export function toCSV(rows) {
  const cell = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+@\t\r]/.test(s) || (s.startsWith('-') && !/^-\d+(\.\d+)?$/.test(s))) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * el('td', {class: 'x', dataset: {k: 'v'}, onclick: fn}, 'text', node, [more]):
 * a DOM element; strings become text nodes (never HTML).
 */
export function el(tag, attrs, ...children) {
  const node = tag.startsWith('svg:') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.setAttribute('class', v);
    else if (k === 'text') node.textContent = v;
    else if (v === true) node.setAttribute(k, '');
    else if (k in node && !tag.startsWith('svg:') && k !== 'list' && k !== 'form') node[k] = v;
    else node.setAttribute(k, v);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const svg = (tag, attrs, ...children) => el('svg:' + tag, attrs, ...children);

/** An amount as a <span> with the exact figure as its title. */
export function amountNode(s, extraClass) {
  const { text, title } = formatAmount(s);
  const neg = parseFen(s) !== null && parseFen(s) < 0n;
  return el('span', { class: 'amount' + (neg ? ' neg' : '') + (extraClass ? ' ' + extraClass : ''), title }, text);
}

export function valueNode(v, unit) {
  const { text, title } = formatValue(v, unit);
  return el('span', { class: 'value', title }, text);
}
