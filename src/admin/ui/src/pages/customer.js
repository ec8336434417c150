// One customer of a survey (#/surveys/3/customers/17): who they are, the
// traits Segment sent, their answers over time and every invitation with
// its state and times. Reached from Responses and Recipients.
import uPlot from 'uplot';

import { api } from '../api.js';
import { h } from '../dom.js';
import { BAND_LABELS, band, formatTime } from '../format.js';
import { onLeave } from '../state.js';

const STATES = {
  scheduled: 'Scheduled',
  queued: 'Queued',
  sending: 'Sending',
  retry: 'Retrying',
  sent: 'Sent',
  answered: 'Answered',
  bounced: 'Bounced',
  failed: 'Failed',
  suppressed: 'Suppressed',
  ignored: 'Ignored',
  none: 'Not due',
};

function stateBadge(state) {
  return h('span', { class: `badge badge-state-${state}` }, STATES[state] || state);
}

function fullName(c) {
  return c.name || [c.first_name, c.last_name].filter(Boolean).join(' ');
}

// A trait's value as text: strings as they are, anything else as JSON.
function traitText(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function definitions(rows) {
  return h('dl', { class: 'kv' }, rows.filter(([, v]) => v != null && v !== '').map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

function identityCard(c) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'who-title' },
    h('h2', { id: 'who-title' }, 'Identity'),
    definitions([
      ['Email', c.email],
      ['User ID', c.user_id ? h('span', { class: 'mono' }, c.user_id) : null],
      ['Anonymous ID', c.anonymous_id ? h('span', { class: 'mono' }, c.anonymous_id) : null],
      ['Name', fullName(c)],
      ['Gender', c.gender],
      ['Signed up', c.created_at ? formatTime(c.created_at) : null],
      ['First identified', formatTime(c.first_seen_at)],
      ['Last identified', formatTime(c.last_seen_at)],
      ['State', h('span', null, stateBadge(c.state), c.reason_text || c.reason ? h('span', { class: 'muted' }, ` ${c.reason_text || c.reason}`) : null)],
    ]),
  );
}

function traitsCard(traits) {
  const entries = Object.entries(traits).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'traits-title' },
    h('h2', { id: 'traits-title' }, 'Traits'),
    entries.length
      ? [h('p', { class: 'hint' }, 'As the latest identify from Segment left them.'), definitions(entries.map(([k, v]) => [k, h('span', { class: 'trait-value' }, traitText(v))]))]
      : h('p', { class: 'empty-line' }, 'Segment sent no traits for this customer.'),
  );
}

function historyChart(answers, width) {
  const box = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const xs = answers.map((a) => Date.parse(a.answered_at) / 1000);
  const pad = Math.max(86400, (xs[xs.length - 1] - xs[0]) * 0.05);
  const colors = { promoter: '#079455', passive: '#b54708', detractor: '#d92d20' };
  box.plot = new uPlot(
    {
      width,
      height: 180,
      scales: { x: { time: true, range: () => [xs[0] - pad, xs[xs.length - 1] + pad] }, y: { range: () => [0, 10] } },
      series: [
        {},
        {
          label: 'Score',
          stroke: '#9ca3af',
          width: 1.5,
          points: { show: false },
        },
      ],
      hooks: {
        // Each point in its band's colour, over the grey line.
        draw: [
          (u) => {
            const ctx = u.ctx;
            answers.forEach((a, i) => {
              const x = u.valToPos(xs[i], 'x', true);
              const y = u.valToPos(a.score, 'y', true);
              ctx.beginPath();
              ctx.fillStyle = colors[band(a.score)];
              ctx.arc(x, y, 5 * devicePixelRatio, 0, 2 * Math.PI);
              ctx.fill();
            });
          },
        ],
      },
      axes: [{ stroke: '#6b7280', grid: { stroke: '#eef0f4' } }, { stroke: '#6b7280', grid: { stroke: '#eef0f4' }, splits: () => [0, 2, 4, 6, 8, 10] }],
      legend: { show: false },
      cursor: { show: false },
    },
    [xs, answers.map((a) => a.score)],
    box,
  );
  return box;
}

function answerItem(a, questions) {
  const b = band(a.score);
  const tags = Object.entries(a.tag_ratings || {});
  const extras = Object.entries(a.extra_answers || {}).filter(([, v]) => v !== '');
  return h(
    'li',
    { class: `response response-${b}` },
    h('div', { class: `score score-${b}`, 'aria-label': `Score ${a.score}, ${BAND_LABELS[b]}` }, String(a.score)),
    h(
      'div',
      { class: 'response-body' },
      h('p', { class: 'response-meta' }, h('strong', null, BAND_LABELS[b]), h('span', { class: 'muted' }, ` · ${formatTime(a.answered_at)}`), a.consent ? h('span', { class: 'badge badge-on' }, 'May be quoted') : null),
      a.comment ? h('blockquote', { class: 'comment' }, a.comment) : h('p', { class: 'muted' }, 'No comment.'),
      tags.length ? h('ul', { class: 'tag-ratings', 'aria-label': 'Tag ratings' }, tags.map(([t, n]) => h('li', null, h('span', null, t), h('span', { class: 'stars', 'aria-label': `${n} of 5` }, '★'.repeat(n), h('span', { class: 'stars-off', 'aria-hidden': 'true' }, '★'.repeat(5 - n)))))) : null,
      extras.length ? h('dl', { class: 'extras' }, extras.map(([id, v]) => [h('dt', null, questions.get(id) || id), h('dd', null, v)])) : null,
    ),
  );
}

function answersCard(answers, survey) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'answers-title' }, h('h2', { id: 'answers-title' }, 'Answers over time'));
  if (!answers.length) {
    card.append(h('p', { class: 'empty-line' }, 'No answers yet.'));
    return card;
  }
  const questions = new Map((survey.content.questions || []).map((q) => [q.id, q.text]));
  // Newest first in the list; the chart reads left to right.
  card.append(h('ol', { class: 'responses' }, [...answers].reverse().map((a) => answerItem(a, questions))));
  return card;
}

// The invitation's reminder (README "Reminders") under its sending time.
function reminderNote(r) {
  if (!r) return null;
  const text = r.status === 'sent' ? `reminder sent ${formatTime(r.sent_at)}`
    : r.status === 'skipped' ? `no reminder: ${r.last_error}`
    : r.status === 'failed' ? `reminder failed: ${r.last_error}`
    : r.status === 'queued' ? 'reminder waits for the send window'
    : r.status === 'retry' ? `reminder to retry: ${r.last_error}`
    : 'reminder being sent';
  return h('div', { class: 'hint' }, text.charAt(0).toUpperCase() + text.slice(1));
}

function invitationsCard(invitations) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'inv-title' },
    h('h2', { id: 'inv-title' }, 'Invitations'),
    invitations.length
      ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'inv-title' },
          h('table', { class: 'table invitations-table' },
            h('caption', { class: 'sr-only' }, 'Invitations, newest first'),
            h('thead', null, h('tr', null, ['State', 'Due', 'Sent', 'Answered', 'Problem'].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', null, invitations.map((i) => h('tr', null,
              h('th', { scope: 'row' }, stateBadge(i.status)),
              h('td', null, formatTime(i.due_at),
                i.status === 'queued' && i.next_attempt_at && i.next_attempt_at > i.due_at
                  ? h('span', { class: 'hint' }, ` · waits for the send window until ${formatTime(i.next_attempt_at)}`) : null),
              h('td', null, formatTime(i.sent_at), reminderNote(i.reminder)),
              h('td', null, formatTime(i.answered_at)),
              h('td', { class: i.last_error ? 'error-text' : 'muted' }, i.last_error || '—'))))))
      : h('p', { class: 'empty-line' }, 'Never invited.'),
  );
}

export async function customerPage(main, survey, rest) {
  const data = await api(`surveys/${survey.id}/customers/${encodeURIComponent(rest[0])}`);
  const c = data.customer;
  const answers = data.answers;
  const name = fullName(c);
  document.title = `${name || c.email} · ${survey.name} · Callexa`;
  const scores = answers.length ? answers.map((a) => a.score) : null;
  const historyCard = answers.length > 1 ? h('section', { class: 'card', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Score history')) : null;
  const page = h(
    'div',
    { class: 'page' },
    h('p', { class: 'back-links' }, h('a', { href: `#/surveys/${survey.id}/responses` }, '← Responses'), ' · ', h('a', { href: `#/surveys/${survey.id}/recipients` }, 'Recipients')),
    h('div', { class: 'page-head' },
      h('h1', null, name || c.email),
      h('p', { class: 'lead' }, name ? `${c.email} · ` : '', scores ? `${answers.length === 1 ? '1 answer' : `${answers.length} answers`}, latest ${scores[scores.length - 1]}` : 'No answers yet')),
    historyCard,
    h('div', { class: 'grid-2 grid-cards' }, identityCard(c), traitsCard(c.traits || {})),
    answersCard(answers, survey),
    invitationsCard(c.invitations || []),
  );
  if (historyCard) {
    // Drawn once the page is in the document, so the chart knows its width.
    requestAnimationFrame(() => {
      const width = Math.max(260, historyCard.clientWidth - 40);
      const chart = historyChart(answers, width);
      historyCard.append(chart, h('p', { class: 'sr-only' }, `Scores from oldest to newest: ${answers.map((a) => `${a.score} on ${formatTime(a.answered_at)}`).join('; ')}.`));
      onLeave(() => chart.plot.destroy());
    });
  }
  return page;
}
