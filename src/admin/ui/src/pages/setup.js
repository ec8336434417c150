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

// A long value to copy (a DNS record): a read-only text area that wraps.
function copyArea(label, value, what, hint) {
  // Tall enough for the whole value at a phone's width where the browser
  // cannot size it to its content (field-sizing, in style.css).
  const rows = String(Math.min(16, Math.max(2, Math.ceil(value.length / 30))));
  const area = h('textarea', { readonly: true, rows, class: 'mono dkim-value', spellcheck: 'false' });
  area.value = value;
  area.addEventListener('focus', () => area.select());
  const f = field(label, area, hint);
  const row = h('div', { class: 'copy-row copy-row-area' });
  f.replaceChild(row, area);
  row.append(area, button('Copy', () => copy(area.value, what), { class: 'btn', 'aria-label': `Copy ${what.toLowerCase()}` }));
  return f;
}

// The DNS records callexa_dkim asks for, and whether DMARC will pass: the
// signing domain and the From domain must be equal, or one a subdomain of
// the other (relaxed alignment, in the simple form the server checks).
function dkimCard(dkim) {
  const title = h('h2', { id: 'dkim-title' }, 'Email signing (DKIM)');
  if (!dkim) {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'dkim-title' },
      title,
      h('p', { class: 'notice' }, 'Emails go out without a DKIM signature. Gmail, Yahoo and Outlook reject bulk mail that is not signed for the sender’s domain, unless your mail relay signs it for you.'),
      h('p', null, 'To sign every email, the server’s operator makes a key and adds one line to the http block of nginx.conf, then reloads nginx:'),
      h('pre', { class: 'mono dkim-howto', tabindex: '0' },
        'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \\\n    -out /etc/nginx/dkim.pem\n' +
        'callexa_dkim example.com callexa /etc/nginx/dkim.pem;'),
      h('p', { class: 'hint' }, 'Use the domain of callexa_mail_from. This card then shows the DNS record to publish.'),
    );
  }
  const alignment =
    dkim.aligned === false
      ? h('p', { class: 'notice notice-error', role: 'alert' },
        `Not aligned: emails come from @${dkim.from_domain} but are signed for ${dkim.domain}. DMARC passes only when one domain equals the other or is a subdomain of it, so receivers may reject these emails. Sign for ${dkim.from_domain} (or a parent domain of it), or send from an address at ${dkim.domain}.`)
      : dkim.aligned
        ? h('p', { class: 'notice notice-ok' }, `Aligned with the sender’s domain ${dkim.from_domain}: one is equal to or a subdomain of the other, as DMARC requires.`)
        : h('p', { class: 'notice' }, 'callexa_mail_from is not set, so alignment with the sender’s domain cannot be checked yet.');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'dkim-title' },
    title,
    h('p', null, `Every email is signed for ${dkim.domain}. Publish ${dkim.records.length > 1 ? 'these TXT records' : 'this TXT record'} in the DNS of ${dkim.domain}:`),
    ...dkim.records.map((r) => h(
      'div',
      { class: 'dkim-record' },
      h('h3', null, r.algorithm === 'ed25519-sha256' ? 'Ed25519 key (optional second signature)' : 'RSA key'),
      copyRow('Name', r.name, 'Record name', 'Type TXT. Some DNS providers want only the part before the domain.').element,
      copyArea('Value', r.value, 'Record value', 'Paste it as it is; a provider may split it into several quoted strings, which is fine.'),
    )),
    alignment,
  );
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
    h('div', { class: 'split' }, h('div', { class: 'stack' }, endpoints, form, dkimCard(info.dkim)), steps(survey)),
  );
}
