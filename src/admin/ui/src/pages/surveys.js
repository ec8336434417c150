// The list of surveys, with this month's invitations against the budget,
// and the form that creates one.
import { api } from '../api.js';
import { field, h, toast } from '../dom.js';

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

export async function surveysPage() {
  const data = await api('surveys?include=counts');
  const counts = data.counts || {};
  const rows = data.surveys.map((s) => {
    const c = counts[String(s.id)] || { sent_this_month: 0, answers: 0 };
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, h('a', { href: `#/surveys/${s.id}/dashboard` }, s.name)),
      h('td', null, h('span', { class: `badge ${s.automation ? 'badge-on' : 'badge-off'}` }, s.automation ? 'On' : 'Off')),
      budgetCell(c.sent_this_month, s.monthly_budget),
      h('td', { class: 'num' }, c.answers.toLocaleString()),
      h('td', null, h('a', { href: `#/surveys/${s.id}/email`, class: 'btn btn-small btn-quiet' }, 'Edit email')),
    );
  });
  const list = data.surveys.length
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
        h('p', null, 'Create your first survey below, connect Segment, style the email, then switch the automation on.'),
      );
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Surveys'), h('p', { class: 'lead' }, 'Net Promoter Score surveys, sent by email when Segment identifies your customers.')),
    list,
    createForm(),
  );
}
