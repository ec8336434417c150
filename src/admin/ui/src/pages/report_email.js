// The report email card of the dashboard: how often the period's report
// is emailed and to whom, and what the last runs did.
import { api } from '../api.js';
import { field, h, toast } from '../dom.js';
import { formatTime, plural } from '../format.js';
import { installation, mayAct } from '../state.js';

const STATUS_LABELS = {
  due: 'Sending',
  retry: 'Retrying',
  sent: 'Sent',
  skipped: 'Skipped: no answers',
  failed: 'Failed',
};

// The badge colours of the invitation states, reused.
const STATE_CLASSES = { due: 'sending', retry: 'retry', sent: 'sent', skipped: 'none', failed: 'failed' };

// Periods are UTC days; shown as such, whatever the browser's zone.
const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

// "23 Nov 2026 – 29 Nov 2026": the period's days, its end exclusive.
function periodLabel(run) {
  const last = new Date(new Date(run.period_to).getTime() - 86400000);
  return `${utcDay.format(new Date(run.period_from))} – ${utcDay.format(last)}`;
}

function runsTable(runs) {
  if (runs.length === 0) return h('p', { class: 'empty-line' }, 'No report has been due yet.');
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Recent report emails' },
    h(
      'table',
      { class: 'table table-compact' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Period'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Sent to'), h('th', { scope: 'col' }, 'Finished'), h('th', { scope: 'col' }, 'Last error'))),
      h(
        'tbody',
        null,
        runs.map((r) =>
          h(
            'tr',
            null,
            h('td', null, periodLabel(r)),
            h('td', null, h('span', { class: `badge badge-state-${STATE_CLASSES[r.status] || 'none'}` }, STATUS_LABELS[r.status] || r.status)),
            h('td', null, r.status === 'skipped' ? '–' : String(r.recipients_handled)),
            h('td', null, r.finished_at ? formatTime(r.finished_at) : '–'),
            h('td', null, r.last_error || ''),
          ),
        ),
      ),
    ),
  );
}

// One address per line (commas and semicolons also separate): spaces stay
// inside an entry, so "not an email" is one entry, and a wrong one.
function entries(text) {
  return text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
}

// The server's check is the authority; this one only warns while typing.
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function describe(frequency, recipients) {
  const bad = recipients.filter((r) => !LOOKS_LIKE_EMAIL.test(r));
  if (bad.length) return `“${bad[0]}” is not an email address${bad.length > 1 ? ` (and ${plural(bad.length - 1, 'other entry', 'other entries')})` : ''}: one address per line.`;
  if (frequency === 'off') return 'No report email is sent.';
  if (recipients.length === 0) return 'Add at least one address: no report goes out without one.';
  const when = frequency === 'weekly'
    ? 'Every Monday, the past week (Monday to Sunday, UTC)'
    : 'On the 1st of every month, the past month (UTC)';
  return `${when} goes to ${plural(recipients.length, 'address', 'addresses')}, once. A period without answers is skipped.`;
}

export function reportEmailCard(survey) {
  const frequency = h(
    'select',
    { id: 'report-frequency' },
    h('option', { value: 'off' }, 'Off'),
    h('option', { value: 'weekly' }, 'Weekly'),
    h('option', { value: 'monthly' }, 'Monthly'),
  );
  frequency.value = survey.report_frequency || 'off';
  const recipients = h('textarea', { id: 'report-recipients', rows: '3', spellcheck: 'false', autocomplete: 'off', placeholder: 'owner@example.com' });
  recipients.value = (survey.report_recipients || []).join('\n');
  frequency.disabled = recipients.readOnly = !mayAct('editor');
  const sentence = h('p', { class: 'live-sentence', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const runs = h('div');
  const addresses = () => entries(recipients.value);
  const update = () => { sentence.textContent = describe(frequency.value, addresses()); };
  frequency.addEventListener('change', update);
  recipients.addEventListener('input', update);
  update();

  async function loadRuns() {
    try {
      const got = await api(`surveys/${survey.id}/report-runs`);
      runs.replaceChildren(runsTable(got.runs));
    } catch (e) {
      runs.replaceChildren(h('p', { class: 'notice notice-error' }, e.message));
    }
  }
  loadRuns();

  const info = installation();
  const mailOff = (info.mail_transport || '').startsWith('off');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'report-email-title' },
    h('h2', { id: 'report-email-title' }, 'Report email'),
    mailOff ? h('p', { class: 'notice' }, 'Emails are off on this server (set callexa_public_url and callexa_mail_from): reports are recorded but cannot be sent.') : null,
    h(
      'div',
      { class: 'grid-2' },
      field('Send a report', frequency, 'The period’s NPS, its change, the scores and recent comments.'),
      field('To', recipients, 'Email addresses, one per line (at most 20).'),
    ),
    sentence,
    error,
    mayAct('editor') ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save report email')) : null,
    h('h3', null, 'Recent reports'),
    runs,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const updated = await api(`surveys/${survey.id}`, {
        method: 'PATCH',
        body: { report_frequency: frequency.value, report_recipients: addresses() },
      });
      survey.report_frequency = updated.report_frequency;
      survey.report_recipients = updated.report_recipients;
      recipients.value = updated.report_recipients.join('\n');
      update();
      toast(updated.report_frequency === 'off' ? 'Report email off.' : 'Report email saved.');
      loadRuns();
    } catch (err) {
      // "report_recipients[1] is not a valid email address": name the entry.
      const m = /^report_recipients\[(\d+)\] (.*)$/.exec(err.message);
      const sent = addresses();
      error.textContent = m && sent[Number(m[1])] !== undefined ? `“${sent[Number(m[1])]}” ${m[2]}.`.replace(/\.\.$/, '.') : err.message;
    }
  });
  return form;
}
