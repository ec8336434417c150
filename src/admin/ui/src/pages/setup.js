// The Segment panel: what to paste into Segment (the API key, the
// destination endpoint, the tracking-API host), the write key for the
// sync-back, and the automation switch, beside the Getting Started steps.
import { api } from '../api.js';
import { button, confirmDialog, field, h, toast } from '../dom.js';
import { installation, mayAct, setDirty } from '../state.js';

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied.`);
  } catch {
    toast(`Select the ${what.toLowerCase()} and copy it with Ctrl+C.`, 'error');
  }
}

function copyRow(label, value, what, hint) {
  const input = h('input', { type: 'text', readonly: true, value, class: 'mono', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const f = field(label, input, hint);
  const row = h('div', { class: 'copy-row' });
  f.replaceChild(row, input);
  row.append(input, button('Copy', () => copy(input.value, what), { class: 'btn', 'aria-label': `Copy ${what.toLowerCase()}` }));
  return { element: f, input };
}

function steps(survey) {
  return h(
    'aside',
    { class: 'card steps', 'aria-labelledby': 'steps-title' },
    h('h2', { id: 'steps-title' }, 'Getting started'),
    h(
      'ol',
      null,
      h('li', null, h('a', { href: `#/surveys/${survey.id}/email` }, 'Create and style your survey template'), ': the email and the survey page.'),
      h('li', null, 'In Segment, add the ', h('strong', null, 'Callexa'), ' destination to your source (or a Webhook destination pointing at the endpoint URL).'),
      h('li', null, 'Open its settings, ', h('strong', null, 'copy the survey API key'), ' from here and paste it as the API key.'),
      h('li', null, 'Set the delays: ', h('a', { href: `#/surveys/${survey.id}/delays` }, 'who is surveyed, and when'), '.'),
      h('li', null, 'Optional: paste a Segment ', h('strong', null, 'write key'), ' below so that every rating comes back to Segment as NPS_rating, NPS_comment and NPS_date.'),
      h('li', null, h('strong', null, 'Enable the Automation and hit Save.'), ' Identifies are stored from the start; emails go out only while the automation is on.'),
    ),
  );
}

export async function setupPage(main, survey) {
  const info = installation();
  // The API never gives other roles the key (null): they are told whose it is.
  const key = survey.api_key
    ? copyRow('Survey API key', survey.api_key, 'API key', 'Segment sends it as the HTTP Basic user name. Keep it secret.')
    : { element: h('div', { class: 'field' }, h('p', null, h('strong', null, 'Survey API key'), ': only an owner sees it and pastes it into Segment.')) };
  const rotate = button(
    'Rotate key…',
    async () => {
      const ok = await confirmDialog({
        title: 'Rotate the API key?',
        body: 'A new key is made and the old key stops working at once, in every worker. Identifies sent with the old key are refused until you paste the new one into Segment.',
        confirm: 'Rotate now',
        danger: true,
      });
      if (!ok) return;
      try {
        const rotated = await api(`surveys/${survey.id}/api-key`, { method: 'POST', body: {} });
        key.input.value = rotated.api_key;
        survey.api_key = rotated.api_key;
        toast('New API key made. The old one no longer works: paste this one into Segment.');
      } catch (e) {
        toast(e.message, 'error');
      }
    },
    { class: 'btn btn-danger-quiet' },
  );
  // Keys are the owner's: others neither rotate nor see the write key.
  if (mayAct('owner')) key.element.append(h('div', { class: 'actions actions-left' }, rotate));

  const base = info.public_url || location.origin;
  const destination = info.destination_url || `${base}/segment`;
  const tracking = info.tracking_api_url ? info.tracking_api_url.replace(/\/$/, '') : `${base}/v1`;
  const endpoints = h(
    'section',
    { class: 'card', 'aria-labelledby': 'segment-title' },
    h('h2', { id: 'segment-title' }, 'Segment'),
    h('div', { role: 'tabpanel', 'aria-label': 'Segment' },
      key.element,
      copyRow('Destination endpoint URL', destination, 'Endpoint URL', 'Where Segment delivers identify calls (Callexa or Webhook destination).').element,
      copyRow('Tracking API host', tracking, 'Tracking API host', 'For Segment libraries and servers that post /v1/identify or /v1/batch themselves.').element,
      info.public_url ? null : h('p', { class: 'notice' }, 'callexa_public_url is not set: these URLs are this browser’s, and Segment must be able to reach them from the internet.'),
    ),
  );

  const writeKey = h('input', { type: 'password', value: survey.segment_write_key, autocomplete: 'off', class: 'mono', spellcheck: 'false' });
  const show = h('input', { type: 'checkbox', id: 'show-write-key' });
  show.addEventListener('change', () => { writeKey.type = show.checked ? 'text' : 'password'; });
  const automation = h('input', { type: 'checkbox', role: 'switch', checked: survey.automation, id: 'automation' });
  const automationState = h('span', { class: 'switch-state', 'aria-hidden': 'true' }, survey.automation ? 'On' : 'Off');
  const error = h('p', { class: 'field-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save');
  const markDirty = () => {
    automationState.textContent = automation.checked ? 'On' : 'Off';
    setDirty((mayAct('owner') && writeKey.value !== survey.segment_write_key) || automation.checked !== survey.automation);
  };
  writeKey.addEventListener('input', markDirty);
  automation.addEventListener('change', markDirty);

  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'settings-title' },
    h('h2', { id: 'settings-title' }, 'Sync-back and automation'),
    mayAct('owner') ? field('Segment write key', writeKey, 'The write key of a Segment source: ratings are sent back to it daily. Empty: no sync-back.') : null,
    mayAct('owner') ? h('label', { class: 'check' }, show, 'Show the write key') : null,
    h(
      'div',
      { class: 'switch-field' },
      h('label', { for: 'automation', class: 'switch' }, automation, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), h('span', null, 'Automation')),
      automationState,
      h('p', { class: 'hint' }, 'While off, identifies are stored and surveys scheduled, but no email is sent.'),
    ),
    error,
    mayAct('editor') ? h('div', { class: 'actions' }, save) : null,
  );
  automation.disabled = !mayAct('editor');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const updated = await api(`surveys/${survey.id}`, {
        method: 'PATCH',
        // The write key is the owner's: others send only the automation.
        body: mayAct('owner') ? { segment_write_key: writeKey.value.trim(), automation: automation.checked } : { automation: automation.checked },
      });
      survey.segment_write_key = updated.segment_write_key;
      survey.automation = updated.automation;
      setDirty(false);
      toast(updated.automation ? 'Saved. The automation is on: due surveys will be emailed.' : 'Saved. The automation is off.');
    } catch (err) {
      error.textContent = err.message;
    }
  });

  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Setup'), h('p', { class: 'lead' }, 'Connect Segment, then switch the automation on.')),
    h('div', { class: 'split' }, h('div', { class: 'stack' }, endpoints, form), steps(survey)),
  );
}
