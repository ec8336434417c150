// What runs in the background: the scheduler's invitations by state with
// the latest errors, the sync-back to Segment with "run now", and the
// database every survey shares (api/database: its backend, size and lease
// takeovers; never its connection string).
import { api } from '../api.js';
import { append, button, clear, h, toast } from '../dom.js';
import { formatBytes, formatTime, plural } from '../format.js';
import { mayAct } from '../state.js';

// Each invitation is in one state at a time: an answered email is no
// longer counted as sent, so the cards say "now" and the line above them
// gives the totals.
const STATES = [
  ['scheduled', 'Scheduled', 'waiting for their due time'],
  ['queued', 'Queued', 'due, to be sent'],
  ['sending', 'Sending', 'being sent now'],
  ['retry', 'Retrying', 'a temporary failure; tried again later'],
  ['sent', 'Sent, no answer yet', 'delivered; waiting for an answer'],
  ['answered', 'Answered', 'delivered and answered'],
  ['bounced', 'Bounced', 'refused by the recipient’s server'],
  ['failed', 'Failed', 'given up'],
  ['suppressed', 'Suppressed', 'unsubscribed or bounced before'],
];

function stat(label, value, hint) {
  return h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, h('span', { class: 'stat-value' }, value), hint ? h('span', { class: 'hint' }, hint) : null));
}

const BACKENDS = {
  sqlite: ['SQLite', 'a file on this host', 'the database file'],
  postgresql: ['PostgreSQL', 'shared by every host', 'the whole database'],
};

// The Database card's content; a failed read shows in the card alone.
function databaseStats(db) {
  if (db.error) return h('p', { class: 'notice notice-error' }, 'The database figures cannot be read: ', db.error);
  const [name, where, what] = BACKENDS[db.backend] || [db.backend, '', ''];
  return h('dl', { class: 'stats' },
    stat('Backend', name, where),
    stat('Size', formatBytes(db.size_bytes), what),
    stat('Lease takeovers', db.lease_takeovers.toLocaleString(), 'invitations taken over after a worker or host stalled or died'),
  );
}

// "6 emails delivered: 2 answered (33%), 4 waiting for an answer." Bounced
// ones were sent but refused, so they are not counted as delivered.
function deliveredLine(d) {
  const answered = d.answered || 0;
  const delivered = (d.sent || 0) + answered;
  if (delivered === 0) return h('p', { class: 'live-sentence' }, 'No email delivered yet.');
  return h('p', { class: 'live-sentence' },
    `${plural(delivered, 'email', 'emails')} delivered in all: ${answered.toLocaleString()} answered (${Math.round((100 * answered) / delivered)}%), ${(d.sent || 0).toLocaleString()} waiting for an answer. Each card below counts the emails in that state now.`);
}

export async function statusPage(main, survey) {
  const [delivery, database] = await Promise.all([
    api(`surveys/${survey.id}/delivery`),
    api('database').catch((e) => ({ error: e.message })),
  ]);
  const syncBox = h('div', null);
  async function loadSync() {
    const s = await api(`surveys/${survey.id}/sync`);
    const run = button(s.run_requested || s.running ? 'Run requested' : 'Run now', async () => {
      try {
        await api(`surveys/${survey.id}/sync`, { method: 'POST', body: {} });
        toast('Sync-back requested: worker 0 starts it within seconds.');
        loadSync();
      } catch (e) {
        toast(e.message, 'error');
      }
    }, { class: 'btn btn-primary', disabled: !s.enabled || s.run_requested || s.running });
    // dom.js's append: it skips the nulls (Element.append would show "null").
    append(clear(syncBox), [
      s.enabled ? null : h('p', { class: 'notice' }, 'Off: paste a Segment write key on the ', h('a', { href: `#/surveys/${survey.id}/setup` }, 'Setup'), ' page to send ratings back to Segment.'),
      h('dl', { class: 'stats' },
        stat('State', s.running ? 'Running' : s.failures > 0 ? `Failing (${s.failures} in a row)` : 'Idle'),
        stat('Last run', formatTime(s.last_run_finished_at || s.last_run_started_at)),
        stat('Last success', formatTime(s.last_success_at)),
        stat('Next run', s.enabled ? (s.next_run_at ? formatTime(s.next_run_at) : 'Due now') : '—'),
        stat('Sent', s.messages_sent.toLocaleString(), 'identify calls with NPS traits'),
        stat('Pending', s.pending.toLocaleString(), 'customers with an answer not yet synced'),
        stat('Skipped', s.messages_skipped.toLocaleString(), 'no userId or anonymousId'),
      ),
      s.last_error ? h('p', { class: 'notice notice-error' }, 'Last error: ', s.last_error) : null,
      mayAct('editor') ? h('div', { class: 'actions actions-left' }, run) : null,
    ]);
  }
  await loadSync();
  const errors = delivery.last_errors || [];
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Status'), h('p', { class: 'lead' }, 'The scheduler, the sync-back and the database, as they run now.')),
    h('section', { class: 'card', 'aria-labelledby': 'sched-title' },
      h('h2', { id: 'sched-title' }, 'Scheduler'),
      survey.automation ? null : h('p', { class: 'notice' }, 'The automation is off: due surveys wait. Switch it on in ', h('a', { href: `#/surveys/${survey.id}/setup` }, 'Setup'), '.'),
      deliveredLine(delivery),
      h('dl', { class: 'stats' }, STATES.map(([key, label, hint]) => stat(label, (delivery[key] || 0).toLocaleString(), hint))),
      h('h3', null, 'Latest problems'),
      errors.length
        ? h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'table' },
            h('caption', { class: 'sr-only' }, 'Latest delivery problems'),
            h('thead', null, h('tr', null, ['When', 'Email', 'State', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, errors.map((e) => h('tr', null, h('td', null, formatTime(e.at)), h('th', { scope: 'row' }, e.email), h('td', null, e.status), h('td', { class: 'error-text' }, e.error))))))
        : h('p', { class: 'empty-line' }, 'No failures, retries or bounces.'),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'sync-title' }, h('h2', { id: 'sync-title' }, 'Sync-back to Segment'), syncBox),
    h('section', { class: 'card', 'aria-labelledby': 'db-title' },
      h('h2', { id: 'db-title' }, 'Database'),
      h('p', { class: 'hint' }, 'Shared by every survey.'),
      databaseStats(database),
    ),
  );
}
