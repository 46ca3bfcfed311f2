// The fund-flow picture: a layered Sankey diagram drawn as SVG, from the
// direct totals between accounts. Sources on the left, final payees on the
// right, the accounts that pass money on (city, parks) in between, in
// columns by the longest chain of transfers from a source.

import { svg, formatAmount } from './format.js';
import { t, label } from './i18n.js';

const NODE_W = 12;
const GAP = 12;
const MIN_H = 2;

/**
 * accounts: the funds report's accounts; edges: [{from, to, fen: BigInt}].
 * Returns an <svg>.
 */
export function sankey(accounts, edges, { width = 1180, href = (id) => '#/trace/' + encodeURIComponent(id), names = null } = {}) {
  const info = new Map(accounts.map((a) => [a.account_id, a]));
  const kindOf = (id) => info.get(id)?.kind ?? 'unknown';
  const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  // Several payees share a generic account name (基本存款账户): name those
  // by their holder instead.
  const nameCount = new Map();
  for (const id of ids) {
    const n = info.get(id)?.name ?? id;
    nameCount.set(n, (nameCount.get(n) || 0) + 1);
  }
  // With `names` (the page's: holder's registered name, then the account's)
  // every account is named as the tables name it.
  const labelOf = (id) => {
    if (names?.has(id)) return names.get(id);
    const a = info.get(id);
    const n = a?.name ?? id;
    return nameCount.get(n) > 1 && a?.holder ? a.holder : n;
  };
  const nodes = new Map(
    ids.map((id) => [id, { id, kind: kindOf(id), name: labelOf(id), fullName: labelOf(id), inV: 0, outV: 0, ins: [], outs: [], layer: 0 }]),
  );
  const links = edges
    .filter((e) => e.fen > 0n && e.from !== e.to)
    .map((e) => ({ ...e, v: Number(e.fen), back: false, source: nodes.get(e.from), target: nodes.get(e.to) }));
  for (const l of links) {
    l.source.outV += l.v;
    l.target.inV += l.v;
  }

  // Money paid back by a final payee, or into a source, or closing a cycle,
  // is drawn as a dashed return line and does not shape the columns.
  for (const l of links) if (l.source.kind === 'external' || l.target.kind === 'source') l.back = true;
  const state = new Map();
  const dfs = (n) => {
    state.set(n.id, 1);
    for (const l of links) {
      if (l.back || l.source !== n) continue;
      const s = state.get(l.target.id);
      if (s === 1) l.back = true;
      else if (!s) dfs(l.target);
    }
    state.set(n.id, 2);
  };
  const roots = [...nodes.values()].sort((a, b) => (a.kind === 'source' ? 0 : 1) - (b.kind === 'source' ? 0 : 1) || a.id.localeCompare(b.id));
  for (const n of roots) if (!state.get(n.id)) dfs(n);
  const main = links.filter((l) => !l.back);
  for (const l of main) {
    l.source.outs.push(l);
    l.target.ins.push(l);
  }

  // Columns: the longest chain from a node without inflow; payees last.
  const memo = new Map();
  const depth = (n) => {
    if (memo.has(n.id)) return memo.get(n.id);
    memo.set(n.id, 0);
    const d = n.kind === 'source' ? 0 : Math.max(0, ...n.ins.map((l) => depth(l.source) + 1));
    memo.set(n.id, d);
    return d;
  };
  let maxInner = 0;
  for (const n of nodes.values()) {
    n.layer = depth(n);
    if (n.kind !== 'external') maxInner = Math.max(maxInner, n.layer);
  }
  const last = Math.max(1, maxInner + 1);
  for (const n of nodes.values()) if (n.kind === 'external' || (n.outs.length === 0 && n.layer > 0)) n.layer = last;
  const columns = Array.from({ length: last + 1 }, () => []);
  for (const n of nodes.values()) columns[n.layer].push(n);

  // Heights: one scale for all, so that the fullest column fits.
  const value = (n) => Math.max(n.inV, n.outV);
  const tallest = Math.max(...columns.map((c) => c.length));
  const height = Math.max(560, tallest * (GAP + 14));
  const top = 34;
  const avail = height - top - 10;
  const k = Math.min(
    ...columns.filter((c) => c.length).map((c) => (avail - GAP * (c.length - 1) - MIN_H * c.length) / Math.max(1, c.reduce((s, n) => s + value(n), 0))),
  );
  for (const n of nodes.values()) n.h = MIN_H + value(n) * k;

  // Order within columns: by value first, then a few barycentre sweeps.
  for (const c of columns) c.sort((a, b) => value(b) - value(a) || a.id.localeCompare(b.id));
  const place = (c) => {
    let y = top;
    for (const n of c) {
      n.y = y;
      y += n.h + GAP;
    }
  };
  columns.forEach(place);
  const centre = (n) => n.y + n.h / 2;
  const bary = (n, side) => {
    const ls = side === 'in' ? n.ins : n.outs;
    const w = ls.reduce((s, l) => s + l.v, 0);
    if (!w) return centre(n);
    return ls.reduce((s, l) => s + l.v * centre(side === 'in' ? l.source : l.target), 0) / w;
  };
  for (let sweep = 0; sweep < 6; sweep++) {
    const forward = sweep % 2 === 0;
    const order = forward ? columns.slice(1) : columns.slice(0, -1).reverse();
    for (const c of order) {
      const b = new Map(c.map((n) => [n, bary(n, forward ? 'in' : 'out')]));
      c.sort((x, y) => b.get(x) - b.get(y) || x.id.localeCompare(y.id));
      place(c);
    }
  }

  // x positions; the last column keeps room for its labels on the right.
  const labelRoom = 260;
  const step = (width - 10 - labelRoom - NODE_W) / last;
  for (const n of nodes.values()) n.x = 10 + n.layer * step;

  // Where each band leaves and enters its nodes, stacked in the order of
  // the other end, so that bands cross as little as possible.
  for (const n of nodes.values()) {
    let y = n.y;
    for (const l of [...n.outs].sort((a, b) => centre(a.target) - centre(b.target))) {
      l.y0 = y;
      y += l.v * k;
    }
    y = n.y;
    for (const l of [...n.ins].sort((a, b) => centre(a.source) - centre(b.source))) {
      l.y1 = y;
      y += l.v * k;
    }
  }

  const root = svg('svg', {
    class: 'sankey',
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': t('sankey_title'),
    'data-nodes': String(nodes.size),
    'data-links': String(links.length),
  });
  const headings = [
    [10, t('layer_sources'), 'start'],
    [10 + (last * step) / 2 + NODE_W / 2, t('layer_middle'), 'middle'],
    [10 + last * step, t('layer_payees'), 'start'],
  ];
  if (last === 1) headings.splice(1, 1);
  for (const [x, text, anchor] of headings) root.append(svg('text', { x, y: 16, class: 'layer-heading', 'text-anchor': anchor }, text));

  const bands = svg('g', { class: 'bands' });
  for (const l of main) {
    const w = l.v * k;
    const x0 = l.source.x + NODE_W;
    const x1 = l.target.x;
    const mid = (x0 + x1) / 2;
    const d =
      `M${x0},${l.y0}C${mid},${l.y0} ${mid},${l.y1} ${x1},${l.y1}` +
      `L${x1},${l.y1 + w}C${mid},${l.y1 + w} ${mid},${l.y0 + w} ${x0},${l.y0 + w}Z`;
    bands.append(
      svg('path', { d, class: 'band from-' + l.source.kind }, svg('title', {}, `${l.source.name} → ${l.target.name}: ${formatAmount(fenText(l.fen)).text}`)),
    );
  }
  root.append(bands);

  const backs = svg('g', { class: 'returns' });
  for (const l of links.filter((x) => x.back)) {
    const x0 = l.source.x;
    const y0 = centre(l.source);
    const x1 = l.target.x + NODE_W;
    const y1 = centre(l.target);
    const dip = Math.max(y0, y1) + 40;
    backs.append(
      svg(
        'path',
        { d: `M${x0},${y0}C${x0 - 60},${dip} ${x1 + 60},${dip} ${x1},${y1}`, class: 'return' },
        svg('title', {}, `${l.source.name} → ${l.target.name}: ${formatAmount(fenText(l.fen)).text}`),
      ),
    );
  }
  root.append(backs);

  const nodeG = svg('g', { class: 'nodes' });
  const maxOf = (n) => (n.layer === last ? 20 : 14);
  const cutCount = new Map();
  for (const n of nodes.values()) {
    const plain = n.name.length > maxOf(n) ? n.name.slice(0, maxOf(n) - 1) + '…' : n.name;
    cutCount.set(plain, (cutCount.get(plain) || 0) + 1);
  }
  for (const n of nodes.values()) {
    const acct = info.get(n.id);
    const bal = acct ? formatAmount(acct.balance).text : '';
    const overdrawn = acct && acct.kind !== 'source' && acct.balance?.startsWith('-');
    const a = svg('a', { href: href(n.id), class: 'node kind-' + n.kind + (overdrawn ? ' overdrawn' : ''), 'data-account': n.id });
    a.append(
      svg('rect', { x: n.x, y: n.y, width: NODE_W, height: n.h }),
      svg('title', {}, `${n.fullName} (${n.id}, ${label('kind', n.kind)})\n${t('col_disbursed_in')}: ${formatAmount(fenText(BigInt(Math.round(n.inV)))).text}\n${t('col_disbursed_out')}: ${formatAmount(fenText(BigInt(Math.round(n.outV)))).text}\n${t('col_balance')}: ${bal}`),
    );
    const name = cut(n.name, maxOf(n), cutCount);
    a.append(
      svg(
        'text',
        { x: n.x + NODE_W + 4, y: centre(n), class: 'node-label', 'dominant-baseline': 'middle' },
        name + ' ',
        svg('tspan', { class: 'node-amount' }, formatAmount(fenText(BigInt(Math.round(value(n)))), { compact: true }).text),
      ),
    );
    nodeG.append(a);
  }
  root.append(nodeG);
  return root;
}

/**
 * `name` cut to `max` characters; when two names would be cut alike (two
 * branches of one bank), the cut keeps the start and the end, so the
 * labels stay distinct. `counts` maps each plain cut to how many share it.
 */
function cut(name, max, counts) {
  if (name.length <= max) return name;
  const plain = name.slice(0, max - 1) + '…';
  if ((counts.get(plain) || 0) < 2) return plain;
  const tail = Math.max(4, Math.floor(max / 2) - 1);
  return name.slice(0, max - tail - 1) + '…' + name.slice(name.length - tail);
}

/** BigInt fen as a yuan decimal string. */
export function fenText(fen) {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return (neg ? '-' : '') + (abs / 100n).toString() + '.' + (abs % 100n).toString().padStart(2, '0');
}
