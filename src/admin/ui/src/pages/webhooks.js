// Integrations: the survey's webhooks (api/surveys/{id}/webhooks), each with
// its state (active, failing since, disabled and why) and its last 50
// events. Owners add, test, rotate and delete them; the secret a new or
// rotated webhook gets is shown here once.
import { api } from '../api.js';
import { append, button, clear, confirmDialog, field, h, toast } from '../dom.js';
import { formatTime, plural } from '../format.js';
import { mayAct } from '../state.js';

const EVENTS = [
  ['response.created', 'Answer received', 'the first time a customer answers'],
  ['response.updated', 'Answer changed', 'a later comment or a changed score'],
];

const FORMATS = [
  ['standard', 'Standard Webhooks (signed JSON)'],
  ['slack', 'Slack incoming webhook'],
];

const STATUS_LABELS = { pending: 'Waiting', delivered: 'Delivered', failed: 'Failed' };

function stateOf(w) {
  if (w.disabled_at) return h('span', { class: 'badge badge-state-failed' }, 'Disabled');
  if (w.failing_since) return h('span', { class: 'badge badge-state-retry' }, 'Failing');
  return h('span', { class: 'badge badge-on' }, 'Active');
}

function outcome(d) {
  if (d.status === 'delivered') return `HTTP ${d.http_status}`;
  const what = d.error || (d.http_status ? `HTTP ${d.http_status}` : '');
  if (d.status === 'pending') {
    return d.attempts ? `${what}; next try ${formatTime(d.next_attempt_at)}` : 'not tried yet';
  }
  return what;
}

function deliveryLog(w) {
  if (!w.deliveries.length) return h('p', { class: 'empty-line' }, 'No events yet. Send a test to see one here.');
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `Recent events of ${w.url}` },
    h('table', { class: 'table table-compact' },
      h('caption', { class: 'sr-only' }, `Recent events of ${w.url}`),
      h('thead', null, h('tr', null, ['When', 'Event', 'State', 'Answer or error', 'Time', 'Tries'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, w.deliveries.map((d) => h('tr', null,
        h('td', null, formatTime(d.finished_at || d.created_at)),
        h('th', { scope: 'row' }, d.type),
        h('td', null, h('span', { class: `badge badge-state-${d.status === 'pending' ? 'retry' : d.status === 'delivered' ? 'sent' : 'failed'}` }, STATUS_LABELS[d.status] || d.status)),
        h('td', { class: d.status === 'delivered' ? null : 'error-text' }, outcome(d)),
        h('td', null, d.latency_ms === null ? '—' : `${d.latency_ms} ms`),
        h('td', null, String(d.attempts)),
      )))));
}

// The secret, once: after this page is left it cannot be read again.
function secretBox(secret) {
  const input = h('input', { type: 'text', readonly: true, value: secret, class: 'mono', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const copy = button('Copy', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast('Secret copied.');
    } catch {
      input.select();
      toast('Select the secret and copy it by hand.', 'error');
    }
  }, { class: 'btn', 'aria-label': 'Copy the signing secret' });
  const f = field('Signing secret', input, 'Copy it now: you will not see it again. Your endpoint verifies the webhook-signature header with it.');
  const row = h('div', { class: 'copy-row' });
  f.replaceChild(row, input);
  row.append(input, copy);
  return h('div', { class: 'notice notice-ok webhook-secret', role: 'status' }, f);
}

export async function webhooksPage(main, survey) {
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Integrations'));
  // The API shows webhooks to editors and owners only.
  if (!mayAct('editor')) {
    return h('div', { class: 'page' }, head, h('p', { class: 'notice' }, 'Editors and owners see this survey’s webhooks.'));
  }
  const owner = mayAct('owner');
  const list = h('div', { class: 'webhook-list' });
  let fresh = null; // {id, secret} just made or rotated

  async function load() {
    const data = await api(`surveys/${survey.id}/webhooks`);
    append(clear(list), data.webhooks.length
      ? data.webhooks.map((w) => card(w))
      : [h('p', { class: 'empty-line' }, owner ? 'No webhooks yet: add one below.' : 'No webhooks yet.')]);
    if (form) form.hidden = data.webhooks.length >= data.max_webhooks;
  }

  function card(w) {
    const titleId = `webhook-${w.id}-title`;
    const act = async (fn) => {
      try {
        await fn();
      } catch (e) {
        toast(e.message, 'error');
      }
      await load().catch((e) => toast(e.message, 'error'));
    };
    const actions = owner ? h('div', { class: 'actions actions-left' },
      button('Send a test', () => act(async () => {
        await api(`surveys/${survey.id}/webhooks/${w.id}/test`, { method: 'POST', body: {} });
        toast('Test event queued: it goes out within seconds.');
        setTimeout(() => load().catch(() => {}), 3000);
      }), { class: 'btn btn-small' }),
      w.disabled_at ? button('Turn on again', () => act(async () => {
        await api(`surveys/${survey.id}/webhooks/${w.id}/enable`, { method: 'POST', body: {} });
        toast('Webhook on again: new answers are sent to it.');
      }), { class: 'btn btn-small btn-primary' }) : null,
      button('New secret', () => act(async () => {
        if (!(await confirmDialog({ title: 'Make a new secret?', body: 'The old secret stops working at once: events are signed with the new one. Update your endpoint right after.', confirm: 'Make a new secret' }))) return;
        const r = await api(`surveys/${survey.id}/webhooks/${w.id}/secret`, { method: 'POST', body: {} });
        fresh = { id: w.id, secret: r.secret };
      }), { class: 'btn btn-small' }),
      button('Delete', () => act(async () => {
        if (!(await confirmDialog({ title: 'Delete this webhook?', body: `Events stop going to ${w.url}, and its waiting events are dropped.`, confirm: 'Delete', danger: true }))) return;
        await api(`surveys/${survey.id}/webhooks/${w.id}`, { method: 'DELETE' });
        toast('Webhook deleted.');
      }), { class: 'btn btn-small btn-danger-quiet' }),
    ) : null;
    const format = (FORMATS.find(([k]) => k === w.format) || [w.format, w.format])[1];
    return h('section', { class: 'card webhook', 'aria-labelledby': titleId },
      h('h2', { id: titleId, class: 'webhook-url' }, w.url, ' ', stateOf(w)),
      h('p', { class: 'hint' }, `${format}; sends ${w.events.join(', ')}; added ${formatTime(w.created_at)}.`),
      w.disabled_at ? h('p', { class: 'notice notice-error' }, `Disabled ${formatTime(w.disabled_at)}: ${w.disabled_reason}. Events since then were not kept. Once the endpoint works, turn it on again and send a test.`) : null,
      !w.disabled_at && w.failing_since ? h('p', { class: 'notice' }, `Failing since ${formatTime(w.failing_since)}: events are retried for 24 hours each; after 3 days of failures the webhook is disabled.`) : null,
      fresh && fresh.id === w.id ? secretBox(fresh.secret) : null,
      actions,
      h('h3', null, 'Recent events'),
      deliveryLog(w));
  }

  let form = null;
  if (owner) {
    const url = h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://example.com/hooks/nps', autocomplete: 'off' });
    const error = h('p', { class: 'field-error', role: 'alert' });
    const boxes = EVENTS.map(([key, label, hint]) => {
      const box = h('input', { type: 'checkbox', value: key, checked: true });
      return { box, el: h('label', { class: 'check' }, box, ` ${label} `, h('span', { class: 'hint' }, `(${key}: ${hint})`)) };
    });
    const format = h('select', { name: 'format' }, FORMATS.map(([k, label]) => h('option', { value: k }, label)));
    const add = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add webhook');
    form = h('form', { class: 'card', 'aria-labelledby': 'webhook-add-title', novalidate: true },
      h('h2', { id: 'webhook-add-title' }, 'Add a webhook'),
      h('p', { class: 'hint' }, 'Each answer is posted to this URL as it arrives, with the customer’s email and name: only add endpoints you trust with them.'),
      field('Endpoint URL', url, 'https only, unless the operator allows private networks.'),
      h('fieldset', { class: 'field' }, h('legend', null, 'Events'), ...boxes.map((b) => b.el)),
      field('Format', format),
      error,
      h('div', { class: 'actions actions-left' }, add));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      add.disabled = true;
      try {
        const made = await api(`surveys/${survey.id}/webhooks`, {
          method: 'POST',
          body: { url: url.value.trim(), events: boxes.filter((b) => b.box.checked).map((b) => b.box.value), format: format.value },
        });
        fresh = { id: made.id, secret: made.secret };
        url.value = '';
        toast('Webhook added. Copy its secret now.');
        await load();
      } catch (err) {
        error.textContent = err.message;
      } finally {
        add.disabled = false;
      }
    });
  }

  await load();
  const count = list.querySelectorAll('.webhook').length;
  return h('div', { class: 'page' },
    append(head, [h('p', { class: 'lead' }, `Webhooks post every answer to your own systems or to Slack, signed, in order, retried for a day. ${count ? plural(count, 'webhook', 'webhooks') + ' set up.' : ''}`)]),
    list,
    form);
}
