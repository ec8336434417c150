// Recipients: the survey's customers with their state and due time (search
// by email, paging), one added by hand, a CSV import previewed before
// anything is stored, and the suppressed addresses the owner may lift.
import { api, query } from '../api.js';
import { button, clear, confirmDialog, debounce, field, h, toast } from '../dom.js';
import { formatTime, plural } from '../format.js';

const PAGE = 25;

const STATE_LABELS = {
  scheduled: 'Scheduled', queued: 'Queued', sending: 'Sending', retry: 'Retrying', sent: 'Sent',
  answered: 'Answered', bounced: 'Bounced', failed: 'Failed', suppressed: 'Suppressed', ignored: 'Ignored', none: 'Not due',
};

function stateBadge(state) {
  return h('span', { class: `badge badge-state-${state}` }, STATE_LABELS[state] || state);
}

function pager(offset, total, go) {
  const last = Math.min(offset + PAGE, total);
  return h(
    'div',
    { class: 'pager' },
    h('span', { class: 'muted' }, total ? `${(offset + 1).toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}` : 'None'),
    button('Previous', () => go(Math.max(0, offset - PAGE)), { class: 'btn btn-small', disabled: offset === 0 }),
    button('Next', () => go(offset + PAGE), { class: 'btn btn-small', disabled: last >= total }),
  );
}

function customersSection(survey) {
  const search = h('input', { type: 'search', placeholder: 'Search by email', autocomplete: 'off' });
  const body = h('div', null);
  let offset = 0;
  async function load() {
    const data = await api(`surveys/${survey.id}/customers${query({ email: search.value.trim(), limit: PAGE, offset })}`);
    clear(body);
    if (data.customers.length === 0) {
      body.append(h('p', { class: 'empty-line' }, search.value ? 'No customer matches this email.' : 'No customers yet: they arrive with Segment’s identifies, or add them below.'));
    } else {
      body.append(
        h('div', { class: 'table-scroll', tabindex: '0' }, h(
          'table',
          { class: 'table' },
          h('caption', { class: 'sr-only' }, 'Customers'),
          h('thead', null, h('tr', null, ['Email', 'Name', 'State', 'Due', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, data.customers.map((c) => h(
            'tr',
            null,
            h('th', { scope: 'row', class: 'mono-ish' }, c.email),
            h('td', null, c.name || [c.first_name, c.last_name].filter(Boolean).join(' ') || h('span', { class: 'muted' }, '—')),
            h('td', null, stateBadge(c.state)),
            h('td', null, formatTime(c.due_at)),
            h('td', { class: 'muted' }, c.reason || ''),
          ))),
        )),
      );
    }
    body.append(pager(offset, data.total, (o) => { offset = o; load(); }));
  }
  search.addEventListener('input', debounce(() => { offset = 0; load(); }, 250));
  load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'customers-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'customers-title' }, 'Customers'), field('Search', search)),
    body,
  );
}

function addOneSection(survey) {
  const email = h('input', { type: 'email', required: true, autocomplete: 'off' });
  const first = h('input', { type: 'text', autocomplete: 'off' });
  const last = h('input', { type: 'text', autocomplete: 'off' });
  const created = h('input', { type: 'date' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title' }, 'Add a recipient'),
    h('div', { class: 'grid-2' }, field('Email', email), field('Signed up on', created, 'Optional: the delays count from this day.'), field('First name', first), field('Last name', last)),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const r = { email: email.value.trim() };
    if (first.value.trim()) r.first_name = first.value.trim();
    if (last.value.trim()) r.last_name = last.value.trim();
    if (created.value) r.created_at = created.value;
    try {
      const out = await api(`surveys/${survey.id}/recipients`, { method: 'POST', body: { recipients: [r] } });
      toast(out.scheduled ? `${r.email} added: a survey is scheduled.` : `${r.email} added; no survey is due (see the customer’s state).`);
      form.reset();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return form;
}

function importSection(survey) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const result = h('div', { 'aria-live': 'polite' });
  let csv = null;
  const importButton = button('Import', async () => {
    importButton.disabled = true;
    try {
      const out = await api(`surveys/${survey.id}/recipients`, { method: 'POST', body: { csv } });
      clear(result).append(h('p', { class: 'notice notice-ok' }, `Imported ${plural(out.stored, 'recipient', 'recipients')}; ${plural(out.scheduled, 'survey', 'surveys')} scheduled.`));
      csv = null;
    } catch (e) {
      clear(result).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
    }
  }, { class: 'btn btn-primary', disabled: true });

  file.addEventListener('change', async () => {
    importButton.disabled = true;
    clear(result);
    const f = file.files[0];
    if (!f) return;
    csv = await f.text();
    try {
      const p = await api(`surveys/${survey.id}/recipients`, { method: 'POST', body: { csv, dry_run: true } });
      const parts = [
        h('p', null, h('strong', null, f.name), `: ${plural(p.rows, 'row', 'rows')}, ${plural(p.valid, 'valid', 'valid')}.`),
        h('p', null, 'Columns used: ', p.columns.join(', ') || '—', p.ignored_columns.length ? `; ignored: ${p.ignored_columns.join(', ')}` : ''),
      ];
      if (p.sample.length) {
        parts.push(h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'table table-compact' },
          h('caption', null, 'First rows'),
          h('thead', null, h('tr', null, ['Email', 'First name', 'Last name'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, p.sample.map((s) => h('tr', null, h('td', null, s.email), h('td', null, s.first_name), h('td', null, s.last_name)))))));
      }
      if (p.rejected_count > 0) {
        parts.push(h('div', { class: 'notice notice-error', role: 'alert' },
          h('p', null, `${plural(p.rejected_count, 'row would be', 'rows would be')} rejected, so nothing can be imported. Fix the file and choose it again:`),
          h('ul', { class: 'rejections' }, p.rejected.map((r) => h('li', null, r)))));
      } else if (p.valid > 0) {
        parts.push(h('p', { class: 'notice notice-ok' }, 'Every row is valid. Nothing is stored until you import.'));
        importButton.disabled = false;
      }
      clear(result).append(...parts);
    } catch (e) {
      clear(result).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import a CSV file'),
    h('p', { class: 'hint' }, 'A header line with an email column; first_name, last_name, name, created_at and user_id are used, other columns are ignored. At most 10,000 rows; all or nothing.'),
    field('CSV file', file),
    result,
    h('div', { class: 'actions' }, importButton),
  );
}

function suppressionsSection() {
  const body = h('div', null);
  let offset = 0;
  async function load() {
    const data = await api(`suppressions${query({ limit: PAGE, offset })}`);
    clear(body);
    if (data.suppressions.length === 0) {
      body.append(h('p', { class: 'empty-line' }, 'No address is suppressed.'));
      return;
    }
    body.append(h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'table' },
      h('caption', { class: 'sr-only' }, 'Suppressed addresses'),
      h('thead', null, h('tr', null, ['Email', 'Reason', 'Since', ''].map((c) => h('th', { scope: 'col' }, c || h('span', { class: 'sr-only' }, 'Actions'))))),
      h('tbody', null, data.suppressions.map((s) => h('tr', null,
        h('th', { scope: 'row', class: s.reason === 'erased' ? 'muted' : null }, s.reason === 'erased' ? 'An erased person (address not kept)' : s.email),
        h('td', null, h('span', { class: `badge badge-state-${s.reason === 'bounced' ? 'bounced' : 'suppressed'}` }, s.reason)),
        h('td', null, formatTime(s.created_at)),
        h('td', null, s.reason === 'erased' ? h('span', { class: 'muted' }, 'Erased on request') : button('Lift', async () => {
          const ok = await confirmDialog({
            title: `Lift the suppression of ${s.email}?`,
            body: s.reason === 'bounced'
              ? 'Their mail server refused our emails. Lift only if the address works again: later identifies may survey it.'
              : 'They unsubscribed. Lift only if they asked to hear from you again: later identifies may survey them.',
            confirm: 'Lift suppression',
          });
          if (!ok) return;
          try {
            await api('suppressions/lift', { method: 'POST', body: { email: s.email } });
            toast(`${s.email} may be surveyed again.`);
            load();
          } catch (e) {
            toast(e.message, 'error');
          }
        }, { class: 'btn btn-small', 'aria-label': `Lift suppression of ${s.email}` })),
      ))))));
    body.append(pager(offset, data.total, (o) => { offset = o; load(); }));
  }
  load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'supp-title' },
    h('h2', { id: 'supp-title' }, 'Suppressed addresses'),
    h('p', { class: 'hint' }, 'Unsubscribed and bounced addresses of every survey: they are never emailed.'),
    body,
  );
}

function erasureSection() {
  const email = h('input', { type: 'email', required: true, autocomplete: 'off' });
  const result = h('p', { class: 'hint', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'erase-title' },
    h('h2', { id: 'erase-title' }, 'Erase a person'),
    h('p', { class: 'hint' }, 'When someone asks to be forgotten: their customer records, invitations, answers and testimonials go from every survey. Only a one-way key of the address stays, so they are never emailed again.'),
    field('Email', email),
    result,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-danger-quiet' }, 'Erase…')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const address = email.value.trim();
    const ok = await confirmDialog({
      title: `Erase ${address}?`,
      body: 'Everything stored about this person, in every survey, is deleted at once. This cannot be undone.',
      confirm: 'Erase',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api('erasure', { method: 'POST', body: { email: address } });
      result.textContent = `Erased ${r.email}: ${plural(r.customers, 'customer record', 'customer records')}, ${plural(r.answers, 'answer', 'answers')}, ${plural(r.testimonials, 'testimonial', 'testimonials')}.`;
      form.reset();
    } catch (err) {
      result.textContent = err.message;
    }
  });
  return form;
}

export async function recipientsPage(main, survey) {
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Recipients'), h('p', { class: 'lead' }, 'Who Callexa knows, and who is due a survey.')),
    customersSection(survey),
    h('div', { class: 'grid-2 grid-cards' }, addOneSection(survey), importSection(survey)),
    suppressionsSection(),
    erasureSection(),
  );
}
