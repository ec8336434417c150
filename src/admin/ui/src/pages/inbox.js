// The follow-up inbox (#/surveys/3/inbox?follow_up=open&item=42): answers
// that need doing something about, open detractors first, newest first;
// one of them with its customer, the thread of notes, status changes and
// replies, and the controls to assign, close, note and reply.
import { api } from '../api.js';
import { button, clear, field, h, toast } from '../dom.js';
import { hashParams, hashWith, setHashParams } from '../filters.js';
import { BAND_LABELS, band, formatTime } from '../format.js';
import { appState, mayAct } from '../state.js';

const NOTE_LIMIT = 5000;
const REPLY_LIMIT = 10000;

const FILTERS = [
  ['open', 'Open'],
  ['closed', 'Closed'],
  ['any', 'All'],
];

const MAIL_STATES = {
  pending: 'Queued',
  retry: 'Retrying',
  sent: 'Sent',
  failed: 'Not sent',
};

function who(r) {
  return r.name || [r.first_name, r.last_name].filter(Boolean).join(' ');
}

function stars(n) {
  return h('span', { class: 'stars', 'aria-label': `${n} of 5` }, '★'.repeat(n), h('span', { class: 'stars-off', 'aria-hidden': 'true' }, '★'.repeat(5 - n)));
}

function scoreBox(score) {
  const b = band(score);
  return h('div', { class: `score score-${b}`, 'aria-label': `Score ${score}, ${BAND_LABELS[b]}` }, String(score));
}

function statusBadge(f) {
  if (!f) return h('span', { class: 'badge' }, 'No follow-up');
  return h('span', { class: `badge ${f.status === 'open' ? 'badge-open' : 'badge-closed'}` }, f.status === 'open' ? 'Open' : 'Closed');
}

// The count next to the Inbox tab: open follow-ups of the survey.
export function inboxBadge(survey) {
  const el = h('span', { class: 'tab-count', id: 'inbox-count', hidden: true });
  refreshInboxBadge(survey, el);
  return el;
}

async function refreshInboxBadge(survey, el = document.getElementById('inbox-count')) {
  if (!el) return;
  try {
    const s = await api(`surveys/${survey.id}/follow-ups/summary`);
    el.textContent = String(s.open);
    el.hidden = s.open === 0;
    el.setAttribute('aria-label', `${s.open} open`);
  } catch {
    el.hidden = true;
  }
}

function listItem(r, survey, params) {
  const b = band(r.score);
  const name = who(r);
  const selected = String(r.invitation_id) === params.item;
  return h(
    'li',
    { class: `response inbox-item response-${b}${selected ? ' selected' : ''}` },
    scoreBox(r.score),
    h(
      'div',
      { class: 'response-body' },
      h(
        'p',
        { class: 'response-meta' },
        h('a', { href: hashWith({ ...params, item: r.invitation_id }), class: 'inbox-open', 'aria-current': selected ? 'true' : null }, h('strong', null, name || r.email)),
        name ? h('span', { class: 'muted' }, ` ${r.email}`) : null,
        h('span', { class: 'muted' }, ` · ${formatTime(r.answered_at)}`),
      ),
      r.comment ? h('p', { class: 'inbox-comment' }, r.comment) : h('p', { class: 'muted' }, 'No comment.'),
      h('p', { class: 'inbox-state' }, statusBadge(r.follow_up), r.follow_up && r.follow_up.assignee ? h('span', { class: 'muted' }, ` Assigned to ${r.follow_up.assignee}`) : null),
    ),
  );
}

function entryLine(e) {
  const actor = e.actor || 'Someone';
  let what;
  if (e.kind === 'note') what = [h('span', null, `${actor} added a note`), h('blockquote', { class: 'comment' }, e.text)];
  else if (e.kind === 'reply') {
    const state = MAIL_STATES[e.mail_status] || e.mail_status;
    what = [
      h('span', null, `${actor} replied to the customer `, h('span', { class: `badge badge-mail-${e.mail_status}` }, state)),
      h('blockquote', { class: 'comment reply-text' }, e.text),
      e.last_error && e.mail_status !== 'sent' ? h('p', { class: 'hint' }, e.last_error) : null,
    ];
  } else if (e.kind === 'alert') what = h('span', null, 'The alert opened the follow-up');
  else if (e.kind === 'status') what = h('span', null, e.text === 'open' ? `${actor} opened the follow-up` : `${actor} closed the follow-up`);
  else what = h('span', null, e.text ? `${actor} assigned it to ${e.text}` : `${actor} unassigned it`);
  return h('li', { class: `thread-entry thread-${e.kind}` }, h('p', { class: 'muted thread-time' }, formatTime(e.created_at)), what);
}

// The thread as recorded, after the line for an alert that opened the
// follow-up by itself (it has no actor, so no entry of its own).
function threadOf(item) {
  const f = item.follow_up;
  const opened = f && !f.opened_by ? [{ kind: 'alert', created_at: f.opened_at }] : [];
  return [...opened, ...item.thread];
}

function limitedText(label, limit, hint) {
  const area = h('textarea', { rows: 4, maxlength: limit });
  return { area, el: field(label, area, hint) };
}

async function threadView(survey, invitationId, onChange) {
  const item = await api(`surveys/${survey.id}/responses/${invitationId}`);
  // Their traits and earlier scores; the thread stands without them.
  const customer = await api(`surveys/${survey.id}/customers/${item.customer_id}`).catch(() => null);
  const f = item.follow_up;
  const thread = threadOf(item);
  const name = who(item);
  const tags = Object.entries(item.tag_ratings || {});
  const traits = customer ? Object.entries(customer.customer.traits || {}) : [];
  const history = customer ? customer.answers.filter((a) => a.invitation_id !== item.invitation_id) : [];
  const canAct = mayAct('editor');

  async function change(body, done) {
    try {
      await api(`surveys/${survey.id}/responses/${invitationId}`, { method: 'PATCH', body });
      toast(done);
      onChange();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  const controls = [];
  if (canAct) {
    const me = appState.me && appState.me.user;
    const assignee = h('input', { type: 'text', value: f ? f.assignee : '', maxlength: 200, autocomplete: 'off' });
    controls.push(
      h(
        'form',
        { class: 'inbox-assign', onsubmit: (e) => { e.preventDefault(); change({ assignee: assignee.value.trim() }, 'Assignee saved.'); } },
        field('Assignee', assignee, 'A name or address of your team.'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, 'Assign'), me ? button('Assign to me', () => change({ assignee: me }, 'Assigned to you.'), { class: 'btn btn-small' }) : null),
      ),
      h(
        'div',
        { class: 'actions' },
        !f
          ? button('Open a follow-up', () => change({ status: 'open' }, 'Follow-up opened.'), { class: 'btn btn-primary' })
          : f.status === 'open'
            ? button('Close', () => change({ status: 'closed' }, 'Follow-up closed.'), { class: 'btn btn-primary' })
            : button('Reopen', () => change({ status: 'open' }, 'Follow-up reopened.'), { class: 'btn' }),
      ),
    );
  }

  const forms = [];
  if (canAct) {
    const note = limitedText('Internal note', NOTE_LIMIT, `Only your team sees notes. At most ${NOTE_LIMIT.toLocaleString('en')} characters.`);
    const replyTo = survey.reply_to;
    const reply = limitedText(
      `Reply to ${name || item.email}`,
      REPLY_LIMIT,
      replyTo
        ? `Sent from the survey's sender, threaded under the survey email. The customer's answer goes to ${replyTo}.`
        : "Sent from the survey's sender, threaded under the survey email. No reply address is set (Dashboard, Alerts), so the customer's answer goes to the sender address.",
    );
    const post = async (what, area, done) => {
      if (!area.value.trim()) {
        toast('Write something first.', 'error');
        area.focus();
        return;
      }
      try {
        await api(`surveys/${survey.id}/responses/${invitationId}/${what}`, { method: 'POST', body: { text: area.value } });
        area.value = '';
        toast(done);
        onChange();
      } catch (e) {
        toast(e.message, 'error');
      }
    };
    forms.push(
      h('form', { class: 'card inbox-form', onsubmit: (e) => { e.preventDefault(); post('notes', note.area, 'Note added.'); } }, h('h3', null, 'Add a note'), note.el, h('button', { type: 'submit', class: 'btn' }, 'Add note')),
      h('form', { class: 'card inbox-form', onsubmit: (e) => { e.preventDefault(); post('reply', reply.area, 'Reply queued: it leaves within a minute.'); } }, h('h3', null, 'Reply by email'), reply.el, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send reply')),
    );
  }

  return h(
    'section',
    { class: 'inbox-thread', 'aria-labelledby': 'thread-title' },
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'thread-head' }, scoreBox(item.score), h('div', null, h('h2', { id: 'thread-title' }, name || item.email), h('p', { class: 'muted' }, h('a', { href: `#/surveys/${survey.id}/customers/${item.customer_id}` }, item.email), ` · answered ${formatTime(item.answered_at)}`), h('p', null, statusBadge(f), f && f.assignee ? h('span', { class: 'muted' }, ` Assigned to ${f.assignee}`) : null, f && f.closed_at ? h('span', { class: 'muted' }, ` · closed ${formatTime(f.closed_at)}`) : null))),
      item.comment ? h('blockquote', { class: 'comment' }, item.comment) : h('p', { class: 'muted' }, 'No comment.'),
      tags.length ? h('ul', { class: 'tag-ratings', 'aria-label': 'Tag ratings' }, tags.map(([t, n]) => h('li', null, h('span', null, t), stars(n)))) : null,
      traits.length ? [h('h3', null, 'Traits'), h('dl', { class: 'kv' }, traits.slice(0, 12).map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, typeof v === 'string' ? v : JSON.stringify(v)))))] : null,
      history.length
        ? [h('h3', null, 'Earlier scores'), h('ul', { class: 'score-history', 'aria-label': 'Earlier scores' }, history.slice(-10).map((a) => h('li', { class: `score-chip score-${band(a.score)}`, title: formatTime(a.answered_at) }, String(a.score))))]
        : null,
      controls,
    ),
    h('div', { class: 'card' }, h('h3', null, 'Thread'), thread.length ? h('ol', { class: 'thread' }, thread.map(entryLine)) : h('p', { class: 'empty-line' }, 'Nothing yet.')),
    forms,
  );
}

export async function inboxPage(main, survey) {
  const params = hashParams();
  const status = params.follow_up || 'open';
  const filter = h('select', null, FILTERS.map(([v, l]) => h('option', { value: v }, l)));
  filter.value = status;
  filter.addEventListener('change', () => setHashParams({ ...params, follow_up: filter.value, item: '' }));
  const items = h('div', { class: 'inbox-items' });
  const detail = h('div', { class: 'inbox-detail', 'aria-live': 'polite' });
  const loadList = async () => {
    const data = await api(`surveys/${survey.id}/responses?follow_up=${status}&limit=200`);
    clear(items).append(
      data.responses.length
        ? h('ol', { class: 'responses inbox-list' }, data.responses.map((r) => listItem(r, survey, params)))
        : h('p', { class: 'empty-line' }, status === 'closed' ? 'No closed follow-ups yet.' : 'Nothing to follow up. Answers that alert open one; open any other from Responses.'),
    );
  };
  // After a change: the thread, the list and the tab's count again, in
  // place, so the toast saying what happened stays.
  const refresh = async () => {
    refreshInboxBadge(survey);
    await Promise.all([loadList(), showItem()]);
  };
  const showItem = async () => {
    if (!params.item) {
      clear(detail).append(h('p', { class: 'empty-line' }, 'Pick an answer to see its thread.'));
      return;
    }
    try {
      const view = await threadView(survey, params.item, refresh);
      clear(detail).append(view);
    } catch (e) {
      clear(detail).append(h('p', { class: 'error' }, e.message));
    }
  };
  await Promise.all([loadList(), showItem()]);
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Inbox'), h('p', { class: 'lead' }, 'Answers to follow up: open detractors first, then the newest.')),
    h('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter follow-ups', onsubmit: (e) => e.preventDefault() }, field('Follow-ups', filter)),
    h('div', { class: params.item ? 'inbox inbox-has-item' : 'inbox' }, items, detail),
  );
}
