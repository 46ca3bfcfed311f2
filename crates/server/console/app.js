// The auditor's console: a single-page app over pledger's HTTP API (docs/format.md
// section 5). Plain modules, no framework, no build step, nothing fetched
// from anywhere but the ledger's own server.
//
// This is the shell: the routes, the header, the token prompt and the render
// loop. The shared pieces are in ui.js, each page in its page-*.js module.

import { t, detectLanguage, setLanguage, language, isZh } from './i18n.js';
import { el } from './format.js';
import { HttpError, token as currentToken, setToken, whoami, parseRoute, scope, href, setQuery, field, clearTables, setRenderer, loadFlags, printHeader, refreshPrintHeader } from './ui.js';
import { findingsPage } from './page-findings.js';
import { changesPage } from './page-changes.js';
import { targetsPage } from './page-targets.js';
import { assessmentPage, assessmentTaskPage } from './page-assessment.js';
import { projectsPage, projectPage } from './page-projects.js';
import { commitmentsPage } from './page-commitments.js';
import { fundsPage, tracePage } from './page-funds.js';
import { incentivesPage } from './page-incentives.js';
import { recordsPage, recordPage } from './page-records.js';
import { claimPage } from './page-claim.js';
import { recordFormPage } from './page-record.js';
import { importPage } from './page-import.js';

// The pages of the header's navigation, in its order.
const PAGES = ['findings', 'changes', 'targets', 'assessment', 'projects', 'commitments', 'funds', 'incentives', 'records', 'record', 'import'];

const ROUTES = {
  findings: findingsPage,
  changes: changesPage,
  targets: targetsPage,
  assessment: (route) => (route.parts[1] !== undefined ? assessmentTaskPage(route) : assessmentPage(route)),
  projects: (route) => (route.parts[1] !== undefined ? projectPage(route) : projectsPage(route)),
  commitments: commitmentsPage,
  funds: fundsPage,
  incentives: incentivesPage,
  records: (route) => (route.parts[1] !== undefined ? recordPage(route) : recordsPage(route)),
  trace: tracePage,
  claims: claimPage,
  record: recordFormPage,
  import: importPage,
};

const NAV_OF = { trace: 'funds', claims: 'targets' };

// The report pages that print with a header of their scope, filters and counts.
const PRINTED = new Set(['targets', 'assessment', 'projects', 'commitments', 'funds', 'incentives', 'trace']);

// The pages whose tables flag each row a finding names (ui.js loadFlags).
const FLAGGED = new Set(['targets', 'assessment', 'projects', 'commitments', 'funds', 'incentives', 'trace', 'claims']);

function header(route) {
  const s = scope(route);
  const current = NAV_OF[route.page] || route.page;
  const asOf = el('input', {
    type: 'date',
    id: 'as-of',
    value: s.as_of || '',
    title: t('as_of_hint'),
    onchange: () => setQuery({ as_of: asOf.value || null, at_seq: null }),
  });
  const token = currentToken();
  return el(
    'div',
    { class: 'bar' },
    el('a', { class: 'brand', href: href(['findings']) }, el('strong', {}, t('brand')), ' ', el('span', {}, t('tagline'))),
    el(
      'nav',
      {},
      PAGES.map((p) =>
        el('a', { href: href([p]), class: p === current ? 'current' : '', 'aria-current': p === current ? 'page' : null, dataset: { nav: p } }, t('nav_' + p)),
      ),
    ),
    el(
      'div',
      { class: 'controls' },
      el('label', { class: 'as-of', title: t('as_of_hint') }, el('span', {}, t('as_of')), asOf),
      s.as_of || s.at_seq ? el('button', { type: 'button', onclick: () => setQuery({ as_of: null, at_seq: null }) }, t('as_of_today')) : null,
      token ? signedInButton() : null,
      el(
        'button',
        {
          type: 'button',
          id: 'lang-switch',
          class: 'lang',
          title: t('switch_lang_title'),
          lang: isZh() ? 'en' : 'zh-CN',
          onclick: () => {
            setLanguage(isZh() ? 'en' : 'zh-CN', true);
            render();
          },
        },
        t('switch_lang'),
      ),
    ),
  );
}

// The header's token button: who the token speaks for, and forgetting it.
function signedInButton() {
  const who = el('span', { class: 'who' });
  const button = el(
    'button',
    {
      type: 'button',
      class: 'token',
      id: 'sign-out',
      title: t('token_set'),
      onclick: () => {
        setToken(null);
        render();
      },
    },
    '🔑',
    who,
    el('span', { class: 'sign-out' }, t('sign_out')),
  );
  whoami()
    .then((me) => {
      if (!me) return;
      who.textContent = me.name || me.entity;
      who.dataset.entity = me.entity;
      button.title = `${t('token_forget')}: ${me.name ? me.name + ' ' : ''}(${me.entity}; ${me.roles.join(', ')})`;
    })
    .catch(() => {});
  return button;
}

function tokenPrompt(err) {
  const input = el('input', { type: 'password', id: 'token-input', autocomplete: 'off', spellcheck: false });
  const had = !!currentToken();
  return el(
    'div',
    { class: 'page token-prompt', dataset: { tokenPrompt: '1' } },
    el('h1', {}, t('token_title')),
    el('p', {}, t('token_text')),
    had ? el('p', { class: 'alert' }, t('token_refused', err.message)) : null,
    el(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          setToken(input.value.trim() || null);
          render();
        },
      },
      field(t('token_label'), input),
      el('button', { type: 'submit', id: 'token-submit' }, t('token_submit')),
    ),
  );
}

let generation = 0;

async function render() {
  const gen = ++generation;
  const route = parseRoute();
  const body = document.body;
  body.dataset.state = 'loading';
  body.dataset.route = location.hash;
  body.dataset.lang = language();
  body.classList.toggle('has-token', !!currentToken());
  document.title = `${t('nav_' + (NAV_OF[route.page] || route.page))} · pledger`;
  clearTables();
  document.getElementById('top').replaceChildren(header(route));
  const main = document.getElementById('main');
  main.replaceChildren(el('p', { class: 'loading' }, t('loading')));
  const page = ROUTES[route.page];
  let node;
  let state = 'ready';
  try {
    if (!page) throw new HttpError(404, { error: { code: 'not_found', message: `no page ${route.page}` } });
    if (FLAGGED.has(route.page)) await loadFlags(scope(route));
    node = await page(route);
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) {
      node = tokenPrompt(e);
      state = 'auth';
    } else {
      console.error(e);
      node = el(
        'div',
        { class: 'page error' },
        el('h1', {}, t('error')),
        el('p', { class: 'alert' }, e instanceof HttpError ? `${e.status} ${e.code ?? ''}: ${e.message}` : String(e && e.message ? e.message : e)),
        el('button', { type: 'button', onclick: () => render() }, t('retry')),
      );
      state = 'error';
    }
  }
  if (gen !== generation) return;
  if (state === 'ready' && PRINTED.has(route.page)) node.prepend(printHeader());
  main.replaceChildren(node);
  refreshPrintHeader();
  body.dataset.state = state;
}

setRenderer(render);
setLanguage(detectLanguage(), false);
window.addEventListener('hashchange', render);
if (!location.hash || location.hash === '#' || location.hash === '#/') history.replaceState(null, '', '#/findings');
render();
