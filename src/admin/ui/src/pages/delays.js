// Who is surveyed and when: min delay, max delay, re-survey interval and
// the monthly budget, with the two documented scenarios and a sentence
// that follows the values as they are typed.
import { api } from '../api.js';
import { field, h, toast } from '../dom.js';
import { days } from '../format.js';
import { mayAct, setDirty } from '../state.js';
import { sendWindowCard } from './send_window.js';

// What the rules do with two example customers (PRODUCT.md, "Survey
// delays"): the server's eligibility rules, in words.
export function explainDelays(min, max, interval) {
  if (![min, max, interval].every(Number.isInteger) || min < 0 || max < 0 || interval < 0) {
    return 'Enter whole numbers of days, 0 or more.';
  }
  if (max > 0) {
    if (max < min) return `The max delay (${days(max)}) is shorter than the min delay (${days(min)}): every customer would be ignored.`;
    const young = Math.max(0, min - 1);
    const old = max + 6;
    const wait = min - young;
    const first = young === min
      ? `a customer created today will be surveyed right away`
      : `a customer created ${days(young)} ago will be surveyed in ${days(wait)}`;
    const middle = max > min ? `; one created ${days(Math.min(max, min + Math.max(1, Math.floor((max - min) / 2))))} ago is surveyed at once (already past ${days(min)})` : '';
    return `New customers are surveyed ${days(min)} after they signed up: ${first}${middle}; one created ${days(old)} ago will be ignored (older than ${days(max)}). Customers without a known sign-up date are surveyed repeatedly, as with a max delay of 0.`;
  }
  const perYear = interval > 0 ? Math.floor(365 / interval) : null;
  const often = interval === 0
    ? 'on every identify, however recently they were surveyed'
    : `unless they were surveyed in the last ${days(interval)}${perYear >= 1 ? ` (at most ${perYear === 1 ? 'once' : perYear === 2 ? 'twice' : `${perYear} times`} a year)` : ''}`;
  return `Every identify schedules a survey ${min === 0 ? 'at once' : `${days(min)} later`}, ${often}. A customer identified today who was surveyed ${days(interval + 10)} ago will be surveyed ${min === 0 ? 'now' : `in ${days(min)}`}.`;
}

// The reminder setting in words (README "Reminders").
export function explainReminder(daysAfter) {
  if (daysAfter === null) return 'No reminders: customers get the survey email only.';
  if (!Number.isInteger(daysAfter) || daysAfter < 1 || daysAfter > 30) return 'Remind after 1 to 30 days, or leave it empty for no reminders.';
  return `Customers who have not answered ${days(daysAfter)} after their survey email get one reminder with the same links. Reminders do not count against the monthly budget.`;
}

function numberInput(value, props = {}) {
  return h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', value: value == null ? '' : String(value), ...props });
}

export async function delaysPage(main, survey) {
  const min = numberInput(survey.min_delay_days, { max: '3650', required: true });
  const max = numberInput(survey.max_delay_days, { max: '3650', required: true });
  const interval = numberInput(survey.resurvey_interval_days, { max: '3650', required: true });
  const budget = numberInput(survey.monthly_budget, { placeholder: 'No limit' });
  const retention = numberInput(survey.retention_months, { min: '1', max: '120', placeholder: 'Until erased' });
  const reminder = numberInput(survey.reminder_after_days, { min: '1', max: '30', placeholder: 'No reminder' });
  const reminderSentence = h('p', { class: 'reminder-sentence', 'aria-live': 'polite' });
  const sentence = h('p', { class: 'live-sentence', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const values = () => ({
    min_delay_days: Number(min.value),
    max_delay_days: Number(max.value),
    resurvey_interval_days: Number(interval.value),
    monthly_budget: budget.value === '' ? null : Number(budget.value),
    retention_months: retention.value === '' ? null : Number(retention.value),
    reminder_after_days: reminder.value === '' ? null : Number(reminder.value),
  });
  const update = () => {
    const v = values();
    sentence.textContent = explainDelays(v.min_delay_days, v.max_delay_days, v.resurvey_interval_days);
    reminderSentence.textContent = explainReminder(v.reminder_after_days);
    setDirty(
      v.min_delay_days !== survey.min_delay_days ||
        v.max_delay_days !== survey.max_delay_days ||
        v.resurvey_interval_days !== survey.resurvey_interval_days ||
        v.monthly_budget !== survey.monthly_budget ||
        v.retention_months !== survey.retention_months ||
        v.reminder_after_days !== survey.reminder_after_days,
    );
  };
  [min, max, interval, budget, retention, reminder].forEach((i) => i.addEventListener('input', update));
  update();

  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'delays-title' },
    h('h2', { id: 'delays-title' }, 'Delays'),
    h(
      'div',
      { class: 'grid-2' },
      field('Min delay (days)', min, 'Days after sign-up (or after the identify) before the survey is sent.'),
      field('Max delay (days)', max, 'Customers older than this are ignored. 0: survey repeatedly instead.'),
      field('Re-survey interval (days)', interval, 'Never survey anyone twice within this time. Default 182 (26 weeks).'),
      field('Monthly budget', budget, 'Most invitations per calendar month; over it, new ones wait for next month. Empty: no limit.'),
      field('Keep answers (months)', retention, 'Answers older than this are deleted, within the hour. Empty: kept until a person is erased.'),
      field('Reminder after (days)', reminder, 'One reminder to those who have not answered, 1 to 30 days after the survey email. Not counted against the monthly budget. Empty: none.'),
    ),
    sentence,
    reminderSentence,
    error,
    mayAct('editor') ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save')) : null,
  );
  if (!mayAct('editor')) [min, max, interval, budget, retention, reminder].forEach((i) => { i.readOnly = true; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const updated = await api(`surveys/${survey.id}`, { method: 'PATCH', body: values() });
      Object.assign(survey, updated);
      update();
      toast('Delays saved. They apply to the next identifies.');
    } catch (err) {
      error.textContent = err.message;
    }
  });

  const scenarios = h(
    'aside',
    { class: 'card steps', 'aria-labelledby': 'scenarios-title' },
    h('h2', { id: 'scenarios-title' }, 'Two ways to survey'),
    h('h3', null, 'Survey new customers'),
    h('p', null, 'Max delay above 0, and Segment sends createdAt: each customer is surveyed once, min delay days after sign-up. Anyone older than the max delay when first identified is ignored.'),
    h('p', { class: 'example' }, 'Example: min 3, max 14. New customers are surveyed 3 days after creation; existing customers older than 14 days are ignored.'),
    h('h3', null, 'Survey repeatedly'),
    h('p', null, 'Max delay 0 (or no createdAt): every identify schedules a survey after the min delay, unless the customer was surveyed within the re-survey interval.'),
    h('p', { class: 'example' }, 'Example: min 0, max 0, interval 182: active customers are asked at most twice a year.'),
    h('p', { class: 'muted' }, 'In both cases nobody has two pending surveys, and unsubscribed or bounced addresses are never surveyed.'),
  );
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Delays'), h('p', { class: 'lead' }, 'Who is surveyed, and when.')),
    h('div', { class: 'split' }, form, scenarios),
    sendWindowCard(survey),
  );
}
