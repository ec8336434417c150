// The alerts card of the dashboard: which answers email an alert once they
// have settled, to whom, and where a customer's answer to a reply goes.
import { api } from '../api.js';
import { field, h, toast } from '../dom.js';
import { plural } from '../format.js';
import { readable } from '../messages.js';
import { installation, mayAct } from '../state.js';

const BANDS = [
  ['off', 'Off'],
  ['detractors', 'Detractors (0–6)'],
  ['detractors_and_passives', 'Detractors and passives (0–8)'],
  ['all', 'Every answer'],
];

// One address per line (commas and semicolons also separate), as the
// report email's recipients.
function entries(text) {
  return text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
}

// The server's check is the authority; this one only warns while typing.
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function describe(on, recipients) {
  const bad = recipients.filter((r) => !LOOKS_LIKE_EMAIL.test(r));
  if (bad.length) return `“${bad[0]}” is not an email address${bad.length > 1 ? ` (and ${plural(bad.length - 1, 'other entry', 'other entries')})` : ''}: one address per line.`;
  if (on === 'off') return 'No alert is sent.';
  if (recipients.length === 0) return 'Add at least one address: no alert goes out without one.';
  const which = { detractors: 'Each detractor’s answer', detractors_and_passives: 'Each detractor’s and passive’s answer', all: 'Each answer' }[on];
  return `${which} goes to ${plural(recipients.length, 'address', 'addresses')} once it has settled (no change for a few minutes, so the comment is in it), and opens a follow-up.`;
}

export function alertsCard(survey) {
  const alerts = survey.alerts || { on: 'off', recipients: [] };
  const on = h('select', { id: 'alerts-on' }, BANDS.map(([value, label]) => h('option', { value }, label)));
  on.value = alerts.on;
  const recipients = h('textarea', { id: 'alerts-recipients', rows: '3', spellcheck: 'false', autocomplete: 'off', placeholder: 'owner@example.com' });
  recipients.value = alerts.recipients.join('\n');
  const replyTo = h('input', { id: 'alerts-reply-to', type: 'email', autocomplete: 'off', spellcheck: 'false', placeholder: 'support@example.com' });
  replyTo.value = survey.reply_to || '';
  const editor = mayAct('editor');
  on.disabled = !editor;
  recipients.readOnly = replyTo.readOnly = !editor;
  const sentence = h('p', { class: 'live-sentence', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const addresses = () => entries(recipients.value);
  const update = () => { sentence.textContent = describe(on.value, addresses()); };
  on.addEventListener('change', update);
  recipients.addEventListener('input', update);
  update();

  const mailOff = (installation().mail_transport || '').startsWith('off');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'alerts-title' },
    h('h2', { id: 'alerts-title' }, 'Alerts'),
    mailOff ? h('p', { class: 'notice' }, 'Emails are off on this server (set callexa_public_url and callexa_mail_from): alerts cannot be sent.') : null,
    h(
      'div',
      { class: 'grid-2' },
      field('Alert on', on, 'An email with the score, the comment, the tag ratings and the customer, linking to the customer’s page.'),
      field('Send alerts to', recipients, 'Email addresses, one per line (at most 20).'),
    ),
    sentence,
    field('Replies go to', replyTo, 'When you reply to a customer from the inbox, their answer comes to this address. Empty: the survey’s sender address.'),
    error,
    editor ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save alerts')) : null,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const sent = addresses();
    try {
      const updated = await api(`surveys/${survey.id}`, {
        method: 'PATCH',
        body: { alerts: { on: on.value, recipients: sent }, reply_to: replyTo.value.trim() },
      });
      survey.alerts = updated.alerts;
      survey.reply_to = updated.reply_to;
      recipients.value = updated.alerts.recipients.join('\n');
      replyTo.value = updated.reply_to;
      update();
      toast(updated.alerts.on === 'off' ? 'Alerts off.' : 'Alerts saved.');
    } catch (err) {
      // "alerts.recipients[1] is not a valid email address": name the entry.
      const m = /^alerts\.recipients\[(\d+)\] (.*)$/.exec(err.message);
      error.textContent = m && sent[Number(m[1])] !== undefined ? `“${sent[Number(m[1])]}” ${m[2]}.`.replace(/\.\.$/, '.') : readable(err.message);
    }
  });
  return form;
}
