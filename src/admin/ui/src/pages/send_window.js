// The survey's send window, a card on the Delays page (README "Send
// windows"): days, hours and time zone, and what the window does to two
// example due times. The sentences come from the server, computed with its
// tz database, never from the browser's clock rules.
import { api } from '../api.js';
import { field, h, newId, toast } from '../dom.js';
import { mayAct } from '../state.js';

const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function sendWindowCard(survey) {
  const editor = mayAct('editor');
  const stored = () => survey.send_window;
  const w = stored();
  const on = h('input', { type: 'checkbox', id: newId('sw-on'), checked: !!w, disabled: !editor });
  const boxes = DAYS.map(([key, label]) => {
    const box = h('input', { type: 'checkbox', value: key, checked: w ? w.days.includes(key) : WEEKDAYS.includes(key), disabled: !editor });
    return { box, el: h('label', { class: 'check' }, box, ` ${label}`) };
  });
  const clock = (value, placeholder) => h('input', {
    type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '5', placeholder, value, readOnly: !editor,
  });
  const start = clock(w ? w.start : '09:00', '09:00');
  const end = clock(w ? w.end : '17:00', '17:00');
  const zones = h('datalist', { id: newId('sw-zones') });
  const zone = h('input', {
    type: 'text', list: zones.id, autocomplete: 'off', spellcheck: 'false', value: w ? w.time_zone : browserZone(), readOnly: !editor,
  });
  const customer = h('input', { type: 'checkbox', id: newId('sw-customer'), checked: !!(w && w.use_customer_time_zone), disabled: !editor });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const examples = h('ul', { class: 'send-window-examples', 'aria-live': 'polite' });
  const days = h('fieldset', { class: 'field' }, h('legend', null, 'Days'), h('div', { class: 'send-window-days' }, ...boxes.map((b) => b.el)));
  const details = h('div', { class: 'send-window-details' },
    days,
    h('div', { class: 'grid-2' },
      field('From (HH:MM)', start, '24-hour time, e.g. 09:00.'),
      field('Until (HH:MM)', end, 'Not included; 24:00 for the end of the day. Windows do not cross midnight.')),
    field('Time zone', zone, 'An IANA name such as Europe/Berlin or America/New_York, as the server’s time-zone database knows it.'),
    h('label', { class: 'check' }, customer, ' Use the customer’s time zone when Segment sends a valid timezone trait'));
  const sync = () => { details.hidden = !on.checked; };
  on.addEventListener('change', sync);
  sync();

  const showExamples = async () => {
    examples.replaceChildren();
    if (!stored()) {
      examples.append(h('li', null, 'No send window: survey emails and reminders go out as soon as they are due.'));
      return;
    }
    try {
      const got = await api(`surveys/${survey.id}/send-window`);
      if (!zones.childElementCount) zones.append(...got.time_zones.map((z) => h('option', { value: z })));
      for (const [label, ex] of [['Mail due now', got.example], ['Mail due as it closes', got.at_closing]]) {
        if (ex) examples.append(h('li', null, h('strong', null, `${label}: `), `${ex.sentence}.`));
      }
    } catch (err) {
      examples.append(h('li', null, err.message));
    }
  };

  const value = () => (on.checked
    ? {
      days: boxes.filter((b) => b.box.checked).map((b) => b.box.value),
      start: start.value.trim(),
      end: end.value.trim(),
      time_zone: zone.value.trim(),
      use_customer_time_zone: customer.checked,
    }
    : null);

  const form = h('form', { class: 'card send-window', 'aria-labelledby': 'send-window-title', novalidate: true },
    h('h2', { id: 'send-window-title' }, 'Send window'),
    h('p', { class: 'hint' }, 'Survey emails and reminders that fall due outside these hours wait for the next opening, then go out spread over its first hour.'),
    h('label', { class: 'check' }, on, ' Only send within a window'),
    details,
    error,
    h('h3', null, 'What it does'),
    examples,
    editor ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save window')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const updated = await api(`surveys/${survey.id}`, { method: 'PATCH', body: { send_window: value() } });
      survey.send_window = updated.send_window;
      toast(updated.send_window ? 'Send window saved.' : 'Send window removed: mail goes out when due.');
      await showExamples();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  // The zone list comes with the examples; without a window, fetch it for
  // the editor anyway.
  showExamples().then(() => {
    if (zones.childElementCount || !editor) return;
    api(`surveys/${survey.id}/send-window`)
      .then((got) => zones.append(...got.time_zones.map((z) => h('option', { value: z }))))
      .catch(() => {});
  });
  return h('div', null, form, zones);
}
