// The admin UI: a single page whose views live in the URL's fragment
// (#/surveys/3/editor), over the JSON API below api/.
import { api } from './api.js';
import { clear, h, toast } from './dom.js';
import { auditPage } from './pages/audit.js';
import { customerPage } from './pages/customer.js';
import { dashboardPage } from './pages/dashboard.js';
import { delaysPage } from './pages/delays.js';
import { emailEditorPage, pageEditorPage } from './pages/editor.js';
import { inboxBadge, inboxPage } from './pages/inbox.js';
import { recipientsPage } from './pages/recipients.js';
import { responsesPage } from './pages/responses.js';
import { setupPage } from './pages/setup.js';
import { statusPage } from './pages/status.js';
import { surveysPage } from './pages/surveys.js';
import { testimonialsPage } from './pages/testimonials.js';
import { webhooksPage } from './pages/webhooks.js';
import { appState, mayAct, setDirty } from './state.js';

const TABS = [
  { key: 'dashboard', label: 'Dashboard', page: dashboardPage },
  { key: 'setup', label: 'Setup', page: setupPage },
  { key: 'delays', label: 'Delays', page: delaysPage },
  { key: 'email', label: 'Email', page: emailEditorPage },
  { key: 'page', label: 'Survey page', page: pageEditorPage },
  { key: 'recipients', label: 'Recipients', page: recipientsPage },
  { key: 'responses', label: 'Responses', page: responsesPage },
  { key: 'inbox', label: 'Inbox', page: inboxPage, badge: inboxBadge },
  { key: 'testimonials', label: 'Testimonials', page: testimonialsPage },
  { key: 'webhooks', label: 'Integrations', page: webhooksPage },
  { key: 'status', label: 'Status', page: statusPage },
];

// Below a survey but in no tab: #/surveys/3/customers/17.
const CUSTOMER_PAGE = { key: 'customers', label: 'Customer', page: customerPage };

// A page with unsaved changes says so in appState; leaving asks first.
const state = appState;

window.addEventListener('beforeunload', (e) => {
  if (state.dirty) {
    e.preventDefault();
    e.returnValue = '';
  }
});

// #/surveys/3/customers/17?band=promoter: the survey, the tab, what
// follows the tab (["17"]); the filters after "?" are filters.js's.
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').replace(/\?.*$/, '').split('/').filter(Boolean);
  if (parts[0] === 'surveys' && /^\d+$/.test(parts[1] || '')) {
    return { surveyId: Number(parts[1]), tab: parts[2] || 'dashboard', rest: parts.slice(3) };
  }
  return { surveyId: null, tab: parts[0] === 'audit' ? 'audit' : null, rest: [] };
}

// Who is signed in, as nginx said (api/me), and the Audit log for those
// who may read it.
function team(current) {
  const me = state.me;
  return h(
    'div',
    { class: 'topbar-team' },
    mayAct('editor')
      ? h('a', { href: '#/audit', class: 'topbar-link', 'aria-current': current === 'audit' ? 'page' : null }, 'Audit log')
      : null,
    me
      ? h(
          'span',
          { class: 'topbar-user', title: me.user ? `Signed in as ${me.user}, role ${me.role}` : `Role ${me.role}` },
          h('span', { class: 'topbar-user-name' }, me.user || 'Signed in'),
          ` · ${me.role}`,
        )
      : null,
  );
}

function header(survey, current) {
  return h(
    'header',
    { class: 'topbar' },
    h(
      'a',
      { href: '#/', class: 'brand', title: 'All surveys' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'C'),
      h('span', { class: 'brand-name' }, 'Callexa'),
    ),
    survey
      ? h(
          'nav',
          { class: 'crumbs', 'aria-label': 'Breadcrumb' },
          h('a', { href: '#/' }, 'Surveys'),
          h('span', { 'aria-hidden': 'true' }, '/'),
          h('span', { 'aria-current': 'page' }, survey.name),
        )
      : null,
    team(current),
    h('span', { class: 'topbar-end' }, state.installation ? `v${state.installation.version}` : ''),
  );
}

function tabs(survey, current) {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Survey sections' },
    h(
      'ul',
      null,
      TABS.map((t) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: `#/surveys/${survey.id}/${t.key}`, 'aria-current': t.key === current ? 'page' : null },
            t.label,
            t.badge ? t.badge(survey) : null,
          ),
        ),
      ),
    ),
  );
}

async function render() {
  const app = document.getElementById('app');
  if (state.cleanup) {
    state.cleanup();
    state.cleanup = null;
  }
  setDirty(false);
  const { surveyId, tab, rest } = parseHash();
  const main = h('main', { id: 'main', tabindex: '-1' }, h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (!state.installation) state.installation = await api('installation');
  } catch (e) {
    state.installation = null;
  }
  if (!state.me) state.me = await api('me').catch(() => null);
  if (tab === 'audit') {
    clear(app).append(header(null, 'audit'), h('div', { class: 'layout' }, main), toastRegion());
    document.title = 'Audit log · Callexa';
    await show(main, () => auditPage(main));
    return;
  }
  if (surveyId === null) {
    clear(app).append(header(null), h('div', { class: 'layout' }, main), toastRegion());
    await show(main, () => surveysPage(main));
    return;
  }
  let survey;
  try {
    survey = await api(`surveys/${surveyId}`);
  } catch (e) {
    clear(app).append(header(null), h('div', { class: 'layout' }, main), toastRegion());
    clear(main).append(h('h1', null, 'Survey not found'), h('p', null, e.message), h('a', { href: '#/' }, 'All surveys'));
    return;
  }
  const entry = tab === 'customers' && rest[0] ? CUSTOMER_PAGE : TABS.find((t) => t.key === tab) || TABS[0];
  clear(app).append(header(survey), h('div', { class: 'layout layout-survey' }, tabs(survey, entry.key), main), toastRegion());
  document.title = `${entry.label} · ${survey.name} · Callexa`;
  await show(main, () => entry.page(main, survey, rest));
}

async function show(main, build) {
  try {
    const content = await build();
    clear(main);
    if (content) main.append(content);
  } catch (e) {
    clear(main).append(h('div', { class: 'notice notice-error', role: 'alert' }, e.message));
  }
}

function toastRegion() {
  return h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' });
}

window.addEventListener('hashchange', () => {
  if (state.dirty && location.hash !== state.hash) {
    if (!window.confirm('You have unsaved changes. Leave without saving?')) {
      history.replaceState(null, '', state.hash);
      return;
    }
  }
  state.hash = location.hash;
  render();
});

window.addEventListener('unhandledrejection', (e) => {
  toast(e.reason && e.reason.message ? e.reason.message : String(e.reason), 'error');
});

state.hash = location.hash;
render();
