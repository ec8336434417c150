// The audit log (api/audit): who changed what, newest first, for every
// survey or one. Owners and editors see it; the API refuses viewers.
import { api, query } from '../api.js';
import { button, clear, field, h } from '../dom.js';
import { formatTime, plural } from '../format.js';

const PAGE = 50;

const ACTIONS = {
  'survey.create': 'Created the survey',
  'survey.update': 'Changed settings',
  'survey.archive': 'Archived the survey',
  'survey.restore': 'Restored the survey',
  'survey.duplicate': 'Duplicated a survey',
  'survey.delete': 'Deleted the survey',
  'survey.rotate_key': 'Rotated the API key',
  'content.update': 'Changed the email or page',
  'logo.upload': 'Uploaded a logo',
  'test_email.send': 'Sent a test email',
  'recipients.add': 'Added recipients',
  'recipients.import': 'Imported recipients',
  'suppression.lift': 'Lifted a suppression',
  erasure: 'Erased a person’s data',
  'testimonial.approve': 'Approved a testimonial',
  'testimonial.reject': 'Rejected a testimonial',
  'sync.run': 'Ran the Segment sync',
  'follow_up.status': 'Opened or closed a follow-up',
  'follow_up.assign': 'Assigned a follow-up',
  'follow_up.note': 'Added a note to a follow-up',
  'follow_up.reply': 'Replied to a customer',
};

const FIELDS = {
  name: 'Name',
  min_delay_days: 'Minimum delay (days)',
  max_delay_days: 'Maximum delay (days)',
  resurvey_interval_days: 'Ask again after (days)',
  automation: 'Automation',
  segment_write_key: 'Segment write key',
  api_key: 'API key',
  monthly_budget: 'Monthly budget',
  embed_origins: 'Sites that may embed testimonials',
  retention_months: 'Keep answers (months)',
  reminder_after_days: 'Reminder after (days)',
  report_frequency: 'Report emails',
  report_recipients: 'Report recipients',
  alerts: 'Alerts',
  reply_to: 'Reply-to address',
  archived_at: 'Archived',
  content: 'Email and page',
};

function value(v) {
  if (v === null || v === undefined) return 'none';
  if (v === true) return 'on';
  if (v === false) return 'off';
  if (Array.isArray(v)) return v.length ? v.join(', ') : 'none';
  if (v === '') return 'empty';
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return formatTime(v);
  return String(v);
}

// One line per changed field: "Name: NPS → Onboarding"; a key only
// "changed", the content the parts that changed.
function changeLines(changes) {
  return Object.entries(changes || {}).map(([key, c]) => {
    const label = FIELDS[key] || key;
    if (Array.isArray(c.changed)) {
      return h('li', null, h('strong', null, `${label}: `), c.changed.length ? `${c.changed.join(', ')} changed` : 'changed');
    }
    if (c.changed) return h('li', null, h('strong', null, `${label}: `), 'changed (not shown)');
    return h('li', null, h('strong', null, `${label}: `), value(c.before), h('span', { class: 'audit-arrow', 'aria-label': 'to' }, ' → '), value(c.after));
  });
}

function details(entry, surveyName) {
  const d = entry.details || {};
  const lines = [];
  // Created, copied or deleted: the name it had, which a deleted survey
  // keeps only here.
  if (d.name && !d.changes) lines.push(h('li', null, h('strong', null, 'Name: '), d.name));
  if (d.changes) lines.push(...changeLines(d.changes));
  if (d.from_survey_id) lines.push(h('li', null, `Copy of ${surveyName(d.from_survey_id)}`));
  if (d.received !== undefined) {
    lines.push(h('li', null, `${plural(d.received, 'recipient', 'recipients')} received, ${d.stored.toLocaleString()} stored`));
  }
  if (d.people) lines.push(h('li', null, plural(d.people, 'person', 'people'), ' erased (who is not recorded)'));
  if (d.answer_id) lines.push(h('li', null, `Answer ${d.answer_id}`));
  if (d.bytes) lines.push(h('li', null, `${Math.round(d.bytes / 1024).toLocaleString()} KB`));
  if (d.invitation_id) {
    lines.push(h('li', null, `Answer ${d.invitation_id}`, d.status ? ` · ${d.status}` : '', d.assignee ? ` · assigned to ${d.assignee}` : ''));
  }
  if (!lines.length) return h('span', { class: 'muted' }, '—');
  return h('ul', { class: 'audit-details' }, lines);
}

export async function auditPage(main) {
  const listed = await api(`surveys${query({ archived: 'true' })}`);
  const names = new Map(listed.surveys.map((s) => [s.id, s.name]));
  // A deleted survey's name is in its own entries' details.
  const surveyName = (id, entry) => {
    if (names.has(id)) return names.get(id);
    if (entry && entry.details && entry.details.name) return `${entry.details.name} (deleted)`;
    return `Survey ${id}`;
  };
  const filter = h(
    'select',
    null,
    h('option', { value: '' }, 'All surveys'),
    listed.surveys.map((s) => h('option', { value: String(s.id) }, s.name)),
  );
  const body = h('div', { 'aria-live': 'polite' });
  let offset = 0;

  async function load() {
    let data;
    try {
      data = await api(`audit${query({ survey_id: filter.value, limit: PAGE, offset })}`);
    } catch (e) {
      clear(body).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
      return;
    }
    clear(body);
    if (!data.entries.length) {
      body.append(h('p', { class: 'empty-line' }, offset ? 'No more changes.' : 'No changes recorded yet.'));
    } else {
      body.append(h(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'audit-title' },
        h(
          'table',
          { class: 'table audit-table' },
          h('caption', { class: 'sr-only' }, 'Changes, newest first'),
          h('thead', null, h('tr', null, ['Time', 'Who', 'Action', 'Survey', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, data.entries.map((e) => h(
            'tr',
            null,
            h('td', null, h('time', { datetime: e.at }, formatTime(e.at))),
            h('td', null, e.user || h('span', { class: 'muted' }, 'unknown'), h('br'), h('span', { class: `badge badge-role-${e.role}` }, e.role)),
            h('th', { scope: 'row' }, ACTIONS[e.action] || e.action),
            h('td', null, e.survey_id ? surveyName(e.survey_id, e) : h('span', { class: 'muted' }, 'All surveys')),
            h('td', null, details(e, (id) => surveyName(id))),
          ))),
        ),
      ));
    }
    const last = Math.min(offset + PAGE, data.total);
    body.append(h(
      'div',
      { class: 'pager' },
      h('span', { class: 'muted' }, data.total ? `${(offset + 1).toLocaleString()}–${last.toLocaleString()} of ${data.total.toLocaleString()}` : 'None'),
      button('Newer', () => { offset = Math.max(0, offset - PAGE); load(); }, { class: 'btn btn-small', disabled: offset === 0 }),
      button('Older', () => { offset += PAGE; load(); }, { class: 'btn btn-small', disabled: last >= data.total }),
    ));
  }
  filter.addEventListener('change', () => { offset = 0; load(); });
  await load();
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Audit log'), h('p', { class: 'lead' }, 'Who changed what, newest first. Keys show only that they changed; no customer’s address is recorded.')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'audit-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'audit-title' }, 'Changes'), field('Survey', filter)),
      body,
    ),
  );
}
