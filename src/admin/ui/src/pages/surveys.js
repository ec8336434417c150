// The list of surveys, with this month's invitations against the budget,
// each with a menu (rename, duplicate, archive or restore, delete), and the
// form that creates one.
import { api, query } from '../api.js';
import { button, clear, confirmDialog, field, h, newId, toast } from '../dom.js';
import { formatTime } from '../format.js';
import { mayAct } from '../state.js';

// A modal with one text field (rename, or the name typed to confirm a
// deletion): resolves the value entered, or null when cancelled. `check`
// returns an error to show instead of closing.
function textDialog({ title, body, label, value = '', confirm, danger, check }) {
  return new Promise((resolve) => {
    const input = h('input', { type: 'text', value, maxlength: '200', autocomplete: 'off', spellcheck: 'false' });
    const error = h('p', { class: 'field-error', role: 'alert' });
    const titleId = newId('dialog-title');
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: titleId }, title),
      body ? h('p', null, body) : null,
      field(label, input),
      error,
      h(
        'div',
        { class: 'actions' },
        button('Cancel', () => dialog.close(), { class: 'btn btn-quiet' }),
        h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary' }, confirm),
      ),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    let result = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const problem = check ? check(input.value) : '';
      if (problem) {
        error.textContent = problem;
        input.focus();
        return;
      }
      result = input.value;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.select();
  });
}

// The actions of one survey, behind a disclosure button; the list opens on
// the body, placed by the button (fixed: the table's card would clip it).
function surveyMenu(s, reload) {
  const menuId = newId('survey-menu');
  const toggle = h('button', {
    type: 'button', class: 'btn btn-small btn-quiet menu-toggle', 'aria-expanded': 'false',
    'aria-label': `Actions for ${s.name}`,
  }, h('span', { 'aria-hidden': 'true' }, '⋯'));
  const items = [];
  const item = (label, run, cls = '') => {
    const b = button(label, async () => { close(true); await run(); }, { class: `menu-item ${cls}`.trim() });
    items.push(b);
    return h('li', null, b);
  };
  const editor = mayAct('editor');
  const menu = h(
    'ul',
    { class: 'menu', id: menuId, hidden: true },
    item('Edit email', () => { location.hash = `#/surveys/${s.id}/email`; }),
    editor ? item('Rename…', () => rename(s, reload)) : null,
    editor ? item('Duplicate', () => duplicate(s, reload)) : null,
    editor ? item(s.archived_at ? 'Restore' : 'Archive…', () => (s.archived_at ? restore(s, reload) : archive(s, reload))) : null,
    mayAct('owner') ? item('Delete…', () => remove(s, reload), 'menu-item-danger') : null,
  );
  function place() {
    const r = toggle.getBoundingClientRect();
    menu.style.top = `${Math.round(r.bottom + 4)}px`;
    menu.style.left = `${Math.round(Math.max(8, r.right - menu.offsetWidth))}px`;
  }
  function onLeave() { close(false); }
  function onOutside(e) {
    if (!menu.contains(e.target) && !toggle.contains(e.target)) close(false);
  }
  function close(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    menu.remove();
    toggle.setAttribute('aria-expanded', 'false');
    toggle.removeAttribute('aria-controls');
    document.removeEventListener('pointerdown', onOutside);
    window.removeEventListener('scroll', place, true);
    window.removeEventListener('resize', place);
    window.removeEventListener('hashchange', onLeave);
    if (refocus) toggle.focus();
  }
  toggle.addEventListener('click', () => {
    if (!menu.hidden) { close(false); return; }
    // On the body, above the table's sticky cells and the cards after it.
    document.body.append(menu);
    menu.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    toggle.setAttribute('aria-controls', menuId);
    place();
    document.addEventListener('pointerdown', onOutside);
    // Kept by its button when the page or the table scrolls.
    window.addEventListener('scroll', place, true);
    window.addEventListener('resize', place);
    window.addEventListener('hashchange', onLeave);
    items[0]?.focus({ preventScroll: true });
  });
  menu.addEventListener('keydown', (e) => {
    const at = items.indexOf(document.activeElement);
    if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); close(true); }
    if (e.key === 'ArrowDown') { e.preventDefault(); items[(at + 1) % items.length].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); items[(at - 1 + items.length) % items.length].focus(); }
  });
  menu.addEventListener('focusout', (e) => {
    if (e.relatedTarget && !menu.contains(e.relatedTarget) && e.relatedTarget !== toggle) close(false);
  });
  return h('div', { class: 'menu-wrap' }, toggle);
}

async function rename(s, reload) {
  const name = await textDialog({
    title: 'Rename the survey', label: 'Survey name', value: s.name, confirm: 'Rename',
    check: (v) => (v.trim() ? '' : 'Enter a name.'),
  });
  if (name == null || name.trim() === s.name) return;
  try {
    const updated = await api(`surveys/${s.id}`, { method: 'PATCH', body: { name: name.trim() } });
    toast(`Renamed to “${updated.name}”.`);
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function duplicate(s, reload) {
  try {
    const copy = await api(`surveys/${s.id}/duplicate`, { method: 'POST', body: {} });
    toast(`“${copy.name}” created with the same settings and email, its own API key, and the automation off.`);
    reload(copy.id);
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function archive(s, reload) {
  const ok = await confirmDialog({
    title: `Archive “${s.name}”?`,
    body: 'Its automation is switched off and it leaves this list. Its customers, answers and reports are kept, and you can restore it at any time from “Show archived”.',
    confirm: 'Archive',
  });
  if (!ok) return;
  try {
    await api(`surveys/${s.id}`, { method: 'PATCH', body: { archived: true } });
    toast(`“${s.name}” archived.`);
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function restore(s, reload) {
  try {
    await api(`surveys/${s.id}`, { method: 'PATCH', body: { archived: false } });
    toast(`“${s.name}” restored. Its automation is off until you switch it on.`);
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function remove(s, reload) {
  const typed = await textDialog({
    title: `Delete “${s.name}”?`,
    body: 'Its customers, invitations, answers, testimonials and logo are deleted for good, and links already emailed stop working. To keep the data, archive it instead. Type the survey’s name to confirm.',
    label: 'Survey name',
    confirm: 'Delete survey',
    danger: true,
    check: (v) => (v === s.name ? '' : 'The name does not match.'),
  });
  if (typed == null) return;
  try {
    await api(`surveys/${s.id}`, { method: 'DELETE', body: { confirm: typed } });
    toast(`“${s.name}” deleted.`);
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

function budgetCell(sent, budget) {
  if (budget == null) return h('td', null, `${sent.toLocaleString()} `, h('span', { class: 'muted' }, '(no limit)'));
  const share = budget > 0 ? Math.min(1, sent / budget) : 1;
  return h(
    'td',
    null,
    h('span', null, `${sent.toLocaleString()} / ${budget.toLocaleString()}`),
    h('span', { class: `meter${share >= 1 ? ' meter-full' : ''}`, 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round(share * 100)}%` })),
  );
}

function createForm() {
  const name = h('input', { type: 'text', required: true, maxlength: '200', placeholder: 'e.g. Customers, Q1 onboarding', autocomplete: 'off' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card create-survey', 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, 'Create a survey'),
    field('Survey name', name, 'Only you see it. Each survey has its own API key, delays and template.'),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create survey')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const created = await api('surveys', { method: 'POST', body: { name: name.value.trim() } });
      toast(`Survey “${created.name}” created. Next: connect Segment.`);
      location.hash = `#/surveys/${created.id}/setup`;
    } catch (err) {
      error.textContent = err.message;
      name.focus();
    }
  });
  return form;
}

let showArchived = false;

async function surveyList(reload, highlight) {
  const data = await api(`surveys${query({ include: 'counts', archived: showArchived ? 'true' : '' })}`);
  const counts = data.counts || {};
  const rows = data.surveys.map((s) => {
    const c = counts[String(s.id)] || { sent_this_month: 0, answers: 0 };
    return h(
      'tr',
      { class: [s.archived_at ? 'row-archived' : '', s.id === highlight ? 'row-new' : ''].join(' ').trim() || null },
      h(
        'th',
        { scope: 'row' },
        h('a', { href: `#/surveys/${s.id}/dashboard` }, s.name),
        s.archived_at ? h('span', { class: 'badge badge-archived', title: `Archived ${formatTime(s.archived_at)}` }, 'Archived') : null,
      ),
      h('td', null, h('span', { class: `badge ${s.automation ? 'badge-on' : 'badge-off'}` }, s.automation ? 'On' : 'Off')),
      budgetCell(c.sent_this_month, s.monthly_budget),
      h('td', { class: 'num' }, c.answers.toLocaleString()),
      h('td', { class: 'row-actions' }, h('a', { href: `#/surveys/${s.id}/email`, class: 'btn btn-small btn-quiet edit-email' }, 'Edit email'), surveyMenu(s, reload)),
    );
  });
  return data.surveys.length
    ? h(
        'div',
        { class: 'card table-card', tabindex: '0' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'sr-only' }, 'Surveys'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Survey'), h('th', { scope: 'col' }, 'Automation'), h('th', { scope: 'col' }, 'Sent this month'), h('th', { scope: 'col', class: 'num' }, 'Answers'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
          h('tbody', null, rows),
        ),
      )
    : h(
        'div',
        { class: 'card empty' },
        h('h2', null, 'No surveys yet'),
        h('p', null, showArchived ? 'No survey, archived or not.' : 'Create your first survey below, connect Segment, style the email, then switch the automation on.'),
      );
}

export async function surveysPage() {
  const holder = h('div', { class: 'survey-list' });
  const archivedToggle = h('input', { type: 'checkbox', id: newId('show-archived'), checked: showArchived });
  async function reload(highlight) {
    try {
      const list = await surveyList(reload, highlight);
      clear(holder).append(list);
    } catch (e) {
      toast(e.message, 'error');
    }
  }
  archivedToggle.addEventListener('change', () => {
    showArchived = archivedToggle.checked;
    reload();
  });
  clear(holder).append(await surveyList(reload));
  return h(
    'div',
    { class: 'page' },
    h(
      'div',
      { class: 'page-head page-head-actions' },
      h('div', null, h('h1', null, 'Surveys'), h('p', { class: 'lead' }, 'Net Promoter Score surveys, sent by email when Segment identifies your customers.')),
      h('label', { class: 'check toggle-archived', for: archivedToggle.id }, archivedToggle, 'Show archived'),
    ),
    holder,
    mayAct('editor') ? createForm() : null,
  );
}
