// Recipients: the survey's customers with their state and due time (search
// by part of an email or name, filter by state, paging), one added by hand,
// a CSV import previewed (each column's meaning chosen) before anything is
// stored, and the suppressed addresses the owner may lift.
import { api, query } from '../api.js';
import { button, clear, confirmDialog, debounce, field, h, toast } from '../dom.js';
import { formatTime, plural } from '../format.js';
import { mayAct } from '../state.js';

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
  const search = h('input', { type: 'search', placeholder: 'Part of an email or name', autocomplete: 'off', spellcheck: 'false' });
  const state = h(
    'select',
    null,
    h('option', { value: '' }, 'Any state'),
    Object.entries(STATE_LABELS).map(([value, label]) => h('option', { value }, label)),
  );
  const body = h('div', { 'aria-live': 'polite' });
  let offset = 0;
  let seq = 0;
  async function load() {
    const mine = ++seq;
    let data;
    try {
      data = await api(`surveys/${survey.id}/customers${query({ q: search.value.trim(), state: state.value, limit: PAGE, offset })}`);
    } catch (e) {
      if (mine === seq) clear(body).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
      return;
    }
    if (mine !== seq) return;  // a later search answered first
    clear(body);
    const filtered = search.value.trim() || state.value;
    if (data.customers.length === 0) {
      body.append(h('p', { class: 'empty-line' }, filtered ? 'No customer matches.' : 'No customers yet: they arrive with Segment’s identifies, or add them below.'));
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
            h('th', { scope: 'row', class: 'mono-ish' }, h('a', { href: `#/surveys/${survey.id}/customers/${c.id}`, class: 'customer-link' }, c.email)),
            h('td', null, c.name || [c.first_name, c.last_name].filter(Boolean).join(' ') || h('span', { class: 'muted' }, '—')),
            h('td', null, stateBadge(c.state)),
            h('td', null, formatTime(c.due_at || heldUntil(c))),
            h('td', { class: 'muted reason' }, heldUntil(c) ? 'Waits for the send window' : c.reason_text || c.reason || ''),
          ))),
        )),
      );
    }
    body.append(pager(offset, data.total, (o) => { offset = o; load(); }));
  }
  search.addEventListener('input', debounce(() => { offset = 0; load(); }, 250));
  state.addEventListener('change', () => { offset = 0; load(); });
  load();
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'customers-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'customers-title' }, 'Customers'), h('div', { class: 'customer-filters' }, field('Search', search), field('State', state))),
    body,
  );
  return { section, reload: () => load() };
}

// A queued invitation due earlier than it will go: held for the survey's
// send window until then (README "Send windows").
function heldUntil(c) {
  const i = c.state === 'queued' && c.invitations && c.invitations[0];
  return i && i.next_attempt_at && i.next_attempt_at > i.due_at ? i.next_attempt_at : null;
}

function addOneSection(survey, refresh) {
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
      if (out.existing > 0) {
        toast(out.scheduled ? `${r.email} is already a customer; updated, and a survey is now scheduled.` : `${r.email} is already a customer: their details are updated, see their state in the list.`);
      } else {
        toast(out.scheduled ? `${r.email} added: a survey is scheduled.` : `${r.email} added; no survey is due (see the customer’s state).`);
      }
      form.reset();
      refresh();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return form;
}

const MEANINGS = [
  ['email', 'Email'], ['first_name', 'First name'], ['last_name', 'Last name'], ['name', 'Full name'],
  ['created_at', 'Signed-up date'], ['user_id', 'User id'], ['trait', 'Keep as a trait'], ['ignore', 'Ignore'],
];

function importSection(survey, refresh) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const columns = h('div', null);
  const result = h('div', { 'aria-live': 'polite' });
  let csv = null;
  let fileName = '';
  let mapping = null;  // the chosen meaning of each column, once previewed
  const importButton = button('Import', async () => {
    importButton.disabled = true;
    try {
      const out = await api(`surveys/${survey.id}/recipients`, { method: 'POST', body: { csv, mapping } });
      clear(columns);
      clear(result).append(h('p', { class: 'notice notice-ok' }, `Imported ${plural(out.stored, 'recipient', 'recipients')}; ${plural(out.scheduled, 'survey', 'surveys')} scheduled.`));
      csv = null;
      file.value = '';
      refresh();
    } catch (e) {
      clear(result).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
    }
  }, { class: 'btn btn-primary', disabled: true });

  // The columns with a select each; a change previews again.
  function columnTable(header) {
    return h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'table table-compact csv-mapping' },
      h('caption', null, 'Columns: choose what each one is'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Use as'))),
      h('tbody', null, header.map((c, i) => {
        const select = h('select', { 'aria-label': `Use column “${c.name || i + 1}” as` },
          MEANINGS.map(([value, label]) => h('option', { value, selected: value === c.meaning }, value === 'trait' && c.trait_key ? `${label} (${c.trait_key})` : label)));
        select.addEventListener('change', () => {
          mapping[i] = select.value;
          preview();
        });
        return h('tr', null, h('th', { scope: 'row' }, c.name || h('span', { class: 'muted' }, `(column ${i + 1})`)), h('td', null, select));
      }))));
  }

  async function preview() {
    importButton.disabled = true;
    try {
      const p = await api(`surveys/${survey.id}/recipients`, { method: 'POST', body: mapping ? { csv, mapping, dry_run: true } : { csv, dry_run: true } });
      if (!mapping) {
        mapping = p.header.map((c) => c.meaning);
        clear(columns).append(columnTable(p.header));
      }
      const traits = p.header.filter((c) => c.meaning === 'trait').map((c) => c.trait_key);
      const parts = [
        h('p', null, h('strong', null, fileName), `: ${plural(p.rows, 'row', 'rows')}, ${plural(p.valid, 'valid', 'valid')}.`),
        h('p', null, 'Fields: ', p.columns.map((c) => (MEANINGS.find(([v]) => v === c) || [c, c])[1].toLowerCase()).join(', ') || '—', traits.length ? `; traits: ${traits.join(', ')}` : '', p.ignored_columns.length ? `; ignored: ${p.ignored_columns.join(', ')}` : ''),
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
  }

  file.addEventListener('change', async () => {
    importButton.disabled = true;
    clear(result);
    clear(columns);
    mapping = null;
    const f = file.files[0];
    if (!f) return;
    fileName = f.name;
    csv = await f.text();
    preview();
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import a CSV file'),
    h('p', { class: 'hint' }, 'A header line and one recipient per row, with an email column. Common column names (Email Address, First Name, Created At, …) are recognised; you choose what each column is before importing, and other columns can be kept as traits. At most 10,000 rows; all or nothing.'),
    field('CSV file', file),
    columns,
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
        h('td', null, s.reason === 'erased' ? h('span', { class: 'muted' }, 'Erased on request') : !mayAct('editor') ? null : button('Lift', async () => {
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
  const customers = customersSection(survey);
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Recipients'), h('p', { class: 'lead' }, 'Who Callexa knows, and who is due a survey.')),
    customers.section,
    mayAct('editor') ? h('div', { class: 'grid-2 grid-cards' }, addOneSection(survey, customers.reload), importSection(survey, customers.reload)) : null,
    suppressionsSection(),
    mayAct('owner') ? erasureSection() : null,
  );
}
