// The WYSIWYG editor of the survey email and of the survey page. The
// preview is what the module itself renders (POST api/surveys/{id}/preview
// with the unsaved draft), shown in a sandboxed frame without scripts;
// clicking a text in it opens an editor over that very text. Unsaved
// changes are a JSON merge patch of the content, saved with one PATCH.
import { api } from '../api.js';
import { readable } from '../messages.js';
import { button, clear, debounce, field, h, newId, toast } from '../dom.js';
import { richEditor } from '../rich_editor.js';
import { mayAct, onLeave, setDirty } from '../state.js';

const EMAIL_TEXTS = [
  { key: 'greeting', label: 'Greeting', kind: 'line', hint: '{first_name} becomes the customer’s first name.' },
  { key: 'intro', label: 'Introduction', kind: 'rich', view: 'email' },
  { key: 'question', label: 'Question', kind: 'multi' },
  { key: 'low_label', label: 'Label under 0', kind: 'line' },
  { key: 'high_label', label: 'Label under 10', kind: 'line' },
  { key: 'footer', label: 'Footer', kind: 'rich' },
  { key: 'unsubscribe_text', label: 'Unsubscribe link text', kind: 'line' },
  // The reminder is the same email with its own subject and introduction.
  { key: 'reminder_intro', label: 'Reminder introduction', kind: 'rich', view: 'reminder' },
];

const PAGE_TEXTS = [
  { key: 'title', label: 'Title', kind: 'line' },
  { key: 'followup_detractor', label: 'Follow-up question, scores 0–6', kind: 'multi', band: 'detractor' },
  { key: 'followup_passive', label: 'Follow-up question, scores 7–8', kind: 'multi', band: 'passive' },
  { key: 'followup_promoter', label: 'Follow-up question, scores 9–10', kind: 'multi', band: 'promoter' },
  { key: 'tags_intro', label: 'Above the tag ratings', kind: 'multi' },
  { key: 'rating_low_label', label: 'Rating label, 1', kind: 'line' },
  { key: 'rating_high_label', label: 'Rating label, 5', kind: 'line' },
  { key: 'consent_text', label: 'Consent to be quoted (promoters)', kind: 'multi', band: 'promoter' },
  { key: 'submit_label', label: 'Submit button', kind: 'line' },
  { key: 'thank_you', label: 'Thank-you text', kind: 'rich', view: 'thank_you' },
  { key: 'review_text', label: 'Review link text (promoters)', kind: 'line', view: 'thank_you', band: 'promoter' },
];

const OTHER_PAGE_TEXTS = [
  { key: 'expired_text', label: 'Expired link' },
  { key: 'unsubscribe_question', label: 'Unsubscribe page: question' },
  { key: 'unsubscribe_button', label: 'Unsubscribe page: button' },
  { key: 'unsubscribed_text', label: 'After unsubscribing' },
];

const FRAME_STYLE = `
[data-callexa-field] { cursor: text; border-radius: 3px; transition: outline-color .1s; outline: 2px dashed transparent; outline-offset: 3px; }
[data-callexa-field]:hover { outline-color: #818cf8; }
[data-callexa-field].cx-editing { outline: 2px solid #4f46e5; }
a, button, input, label { cursor: default; }`;

// WCAG relative luminance and contrast, for the button-colour warning.
function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
// The button text colour the module picks (TextColorOn in survey_body.cc)
// and its contrast against `hex`.
export function buttonContrast(hex) {
  const ch = (i) => parseInt(hex.slice(i, i + 2), 16);
  const luma = 299 * ch(1) + 587 * ch(3) + 114 * ch(5);
  const text = luma > 160 * 1000 ? '#111827' : '#ffffff';
  const a = luminance(hex);
  const b = luminance(text);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

// What is wrong with the placeholders of `text` in field `key`, the
// server's CheckPlaceholders (survey_content.h) as the owner types: null
// when nothing. "{first_name}" is the one placeholder, in the greeting.
export function placeholderIssue(key, text) {
  if (typeof text !== 'string') return null;
  const pattern = /\{+[A-Za-z0-9_\- ]*[A-Za-z0-9][A-Za-z0-9_\- ]*\}+/g;
  for (const [found] of text.matchAll(pattern)) {
    if (found === '{first_name}' && key === 'greeting') continue;
    if (found === '{first_name}') return `${found} is replaced in the greeting only; here customers would read it as written.`;
    return `${found} is not a placeholder: customers would read it as written. The only placeholder is {first_name}, in the greeting.`;
  }
  return null;
}

// Every text of a draft value (a string, a rich text document, a list of
// tags or questions), for the placeholder check.
function textsOf(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') {
    if ('id' in value && 'text' in value) return [value.text];
    return Object.entries(value).filter(([k]) => k === 'text' || k === 'content').flatMap(([, v]) => textsOf(v));
  }
  return [];
}

const NOT_TEXTS = new Set(['logo_url', 'brand_color', 'review_url', 'language', 'score_colors']);

// The shared machinery: draft, preview frame, in-place overlay, save.
function createEditor(survey, { title, lead, texts, kind }) {
  const saved = { ...survey.content };
  let draft = {};
  let resolved = {};
  let score = 9;
  let view = kind === 'email' ? 'email' : 'answer';
  let overlay = null;
  let previewSeq = 0;
  const editors = new Set();

  const current = (key) => (key in draft ? draft[key] : saved[key]);
  const effective = (key) => {
    const v = current(key);
    const empty = v == null || v === '' || (typeof v === 'object' && v.type === 'doc' && (!v.content || v.content.length === 0));
    return empty ? resolved[key] : v;
  };
  const status = h('span', { class: 'save-state', 'aria-live': 'polite' });
  const previewError = h('div', { class: 'notice notice-error', role: 'alert', hidden: true });
  const placeholderNote = h('div', { class: 'notice', role: 'status', hidden: true });
  const frame = h('iframe', { class: 'preview-frame', sandbox: 'allow-same-origin', title: `${title} preview`, tabindex: '-1' });
  const stage = h('div', { class: 'preview-stage' }, frame);
  const subjectLine = h('p', { class: 'preview-subject' });
  const listeners = [];

  function checkPlaceholders() {
    let issue = null;
    for (const [key, value] of Object.entries(draft)) {
      if (NOT_TEXTS.has(key)) continue;
      for (const text of textsOf(value)) {
        const problem = placeholderIssue(key, text);
        if (problem) {
          issue = `${(texts.find((t) => t.key === key) || {}).label || key}: ${problem}`;
          break;
        }
      }
      if (issue) break;
    }
    placeholderNote.textContent = issue || '';
    placeholderNote.hidden = !issue;
  }

  function changed() {
    checkPlaceholders();
    const dirty = Object.keys(draft).length > 0;
    setDirty(dirty);
    status.textContent = dirty ? 'Unsaved changes' : 'All changes saved';
    status.classList.toggle('save-state-dirty', dirty);
    schedulePreview();
  }

  function set(key, value) {
    const same = JSON.stringify(value) === JSON.stringify(saved[key]);
    if (same) delete draft[key];
    else draft[key] = value;
    listeners.forEach((fn) => fn(key));
    changed();
  }

  async function refreshPreview() {
    const seq = ++previewSeq;
    try {
      const p = await api(`surveys/${survey.id}/preview`, { method: 'POST', body: { content: draft, score } });
      if (seq !== previewSeq) return;
      previewError.hidden = true;
      resolved = p.resolved_content || {};
      const reminder = kind === 'email' && view === 'reminder';
      subjectLine.textContent = '';
      subjectLine.append(h('span', { class: 'muted' }, reminder ? 'Reminder subject: ' : 'Subject: '), reminder ? p.reminder.subject : p.subject);
      const e = p.editable;
      const html = kind === 'email' ? (reminder ? e.reminder_html : e.html) : view === 'thank_you' ? e.thank_you_html : e.page_html;
      frame.srcdoc = html;
      listeners.forEach((fn) => fn(null));
    } catch (e) {
      if (seq !== previewSeq) return;
      previewError.textContent = readable(e.message);
      // The placeholder note above already says it; the preview keeps
      // its last good state meanwhile.
      previewError.hidden = !placeholderNote.hidden;
    }
  }
  const schedulePreview = debounce(refreshPreview, 250);

  // The frame as tall as its document, at whatever width: text wraps more
  // on a phone, and the footer and unsubscribe link must stay in view.
  function fitFrame() {
    const doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    // Measured at no height: the survey page's min-height:100vh would
    // otherwise hold it at whatever height it had.
    frame.style.height = '0px';
    const height = doc.documentElement.scrollHeight;
    frame.style.height = `${Math.max(320, height + 4)}px`;
    if (overlay) overlay.reposition();
  }
  const frameResize = new ResizeObserver(() => fitFrame());
  frameResize.observe(stage);
  frame.addEventListener('load', () => {
    const doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    doc.head.append(Object.assign(doc.createElement('style'), { textContent: FRAME_STYLE }));
    // Links and forms in the preview lead nowhere: a click edits instead.
    doc.addEventListener(
      'click',
      (e) => {
        e.preventDefault();
        const target = e.target.closest ? e.target.closest('[data-callexa-field]') : null;
        if (target) openInPlace(target.getAttribute('data-callexa-field'));
      },
      true,
    );
    doc.addEventListener('submit', (e) => e.preventDefault(), true);
    fitFrame();
    if (overlay) overlay.reposition();
  });

  function fieldElement(key) {
    const doc = frame.contentDocument;
    return doc ? doc.querySelector(`[data-callexa-field="${key}"]`) : null;
  }

  function closeOverlay() {
    if (!overlay) return;
    overlay.destroy();
    overlay = null;
  }

  function openInPlace(key) {
    const def = texts.find((t) => t.key === key);
    if (!def || !mayAct('editor')) return;
    closeOverlay();
    const labelId = newId('inplace');
    const warning = h('p', { class: 'field-error', 'aria-live': 'polite' });
    let control;
    if (def.kind === 'rich') {
      control = richEditor({ label: def.label, value: effective(key), onChange: (doc) => set(key, doc), autofocus: true });
    } else {
      control = h(def.kind === 'multi' ? 'textarea' : 'input', { class: 'inplace-input', 'aria-labelledby': labelId, rows: def.kind === 'multi' ? '3' : null });
      control.value = effective(key) || '';
      control.addEventListener('input', () => {
        set(key, control.value);
        warning.textContent = placeholderIssue(key, control.value) || '';
      });
    }
    const done = button('Done', () => closeOverlay(), { class: 'btn btn-small btn-primary' });
    const reset = button('Use default', () => {
      set(key, null);
      closeOverlay();
    }, { class: 'btn btn-small btn-quiet' });
    const box = h(
      'div',
      { class: 'inplace', role: 'dialog', 'aria-labelledby': labelId },
      h('div', { class: 'inplace-head' }, h('span', { id: labelId, class: 'inplace-label' }, def.label), def.hint ? h('span', { class: 'hint' }, def.hint) : null),
      control,
      warning,
      h('div', { class: 'actions' }, reset, done),
    );
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        closeOverlay();
      }
    });
    stage.append(box);
    const reposition = () => {
      const el = fieldElement(key);
      frame.contentDocument?.querySelectorAll('.cx-editing').forEach((n) => n.classList.remove('cx-editing'));
      if (!el) {
        box.style.top = '8px';
        box.style.left = '8px';
        return;
      }
      el.classList.add('cx-editing');
      const r = el.getBoundingClientRect();
      const width = Math.min(stage.clientWidth - 16, Math.max(r.width + 24, 320));
      const left = Math.max(8, Math.min(frame.offsetLeft + r.left - 12, stage.clientWidth - width - 8));
      box.style.width = `${width}px`;
      box.style.left = `${left}px`;
      box.style.top = `${frame.offsetTop + r.bottom + 8}px`;
    };
    overlay = {
      reposition,
      destroy: () => {
        if (control.destroy) control.destroy();
        box.remove();
        frame.contentDocument?.querySelectorAll('.cx-editing').forEach((n) => n.classList.remove('cx-editing'));
      },
    };
    reposition();
    control.focus();
  }

  const save = button('Save', async () => {
    save.disabled = true;
    try {
      const updated = await api(`surveys/${survey.id}`, { method: 'PATCH', body: { content: draft } });
      Object.assign(survey, updated);
      Object.keys(saved).forEach((k) => delete saved[k]);
      Object.assign(saved, updated.content);
      draft = {};
      changed();
      toast('Saved.');
    } catch (e) {
      // Kept above the preview until the next change: the toast goes.
      previewError.textContent = readable(e.message);
      previewError.hidden = false;
      placeholderNote.hidden = true;
      toast('Not saved: see the message above the preview.', 'error');
    } finally {
      save.disabled = false;
    }
  }, { class: 'btn btn-primary' });
  const discard = button('Discard changes', () => {
    draft = {};
    closeOverlay();
    listeners.forEach((fn) => fn(null));
    changed();
  }, { class: 'btn btn-quiet' });

  // A text list for keyboard users: each opens the same in-place editor.
  function textButtons(filter) {
    return h(
      'ul',
      { class: 'text-list' },
      texts.filter(filter || (() => true)).map((t) =>
        h('li', null, button(t.label, () => {
          if (t.view && t.view !== view && setView) setView(t.view);
          if (t.band && bandOf(score) !== t.band && setScore) setScore(t.band === 'detractor' ? 3 : t.band === 'passive' ? 8 : 9);
          waitThen(() => openInPlace(t.key));
        }, { class: 'btn btn-link' })),
      ),
    );
  }
  function waitThen(fn) {
    if (previewSeq === 0) return fn();
    setTimeout(fn, 350);
  }
  const bandOf = (s) => (s <= 6 ? 'detractor' : s <= 8 ? 'passive' : 'promoter');
  let setView = null;
  let setScore = null;

  onLeave(() => {
    frameResize.disconnect();
    closeOverlay();
    editors.forEach((e) => e.destroy());
  });

  return {
    draft: () => draft,
    survey, saved, texts, current, effective, set, status, previewError, placeholderNote, frame, stage, subjectLine, save, discard, textButtons, refreshPreview, editors,
    onChange: (fn) => listeners.push(fn),
    setScore: (s) => { score = s; refreshPreview(); },
    setView: (v) => { view = v; closeOverlay(); refreshPreview(); },
    bindViewSetters(viewSetter, scoreSetter) { setView = viewSetter; setScore = scoreSetter; },
    head: () => h(
      'div',
      { class: 'page-head page-head-actions' },
      h('div', null, h('h1', null, title), h('p', { class: 'lead' }, mayAct('editor') ? lead : `${lead.replace(/\. Click .*$/, '.')} Your role lets you look, not change it.`)),
      mayAct('editor') ? h('div', { class: 'actions' }, status, discard, save) : null,
    ),
  };
}

// A text input bound to a content key, following the draft.
function boundInput(ed, key, props = {}) {
  const input = h(props.multi ? 'textarea' : 'input', { type: props.multi ? null : 'text', rows: props.multi ? '2' : null, maxlength: props.maxlength || null, ...props.attrs });
  const sync = (changedKey) => {
    if (changedKey === key || changedKey === null) {
      if (document.activeElement !== input) input.value = ed.effective(key) || '';
    }
  };
  ed.onChange(sync);
  input.addEventListener('input', () => ed.set(key, input.value));
  return input;
}

function previewCard(ed, extra) {
  return h(
    'section',
    { class: 'card preview-card', 'aria-label': 'Preview' },
    h('div', { class: 'preview-bar' }, extra, h('p', { class: 'hint' }, 'Click a text in the preview to edit it there.')),
    ed.previewError,
    ed.placeholderNote,
    ed.stage,
  );
}

export async function emailEditorPage(main, survey) {
  const ed = createEditor(survey, {
    title: 'Email',
    lead: 'The survey email, exactly as it is sent. Click a text to change it.',
    texts: EMAIL_TEXTS,
    kind: 'email',
  });
  const subject = boundInput(ed, 'subject', { maxlength: '200' });
  const reminderSubject = boundInput(ed, 'reminder_subject', { maxlength: '200' });
  const sender = boundInput(ed, 'sender_name', { maxlength: '100' });
  // Which email the preview shows: the survey email or its reminder.
  const emailGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Preview' });
  const emailRadio = (label, checked, v) => {
    const id = newId('email-view');
    const input = h('input', { type: 'radio', name: 'email-view', id, checked });
    input.addEventListener('change', () => input.checked && ed.setView(v));
    emailGroup.append(input, h('label', { for: id }, label));
    return input;
  };
  const emailRadios = [emailRadio('Survey email', true, 'email'), emailRadio('Reminder', false, 'reminder')];
  ed.bindViewSetters((v) => {
    emailRadios[v === 'reminder' ? 1 : 0].checked = true;
    ed.setView(v);
  }, null);
  const language = h('select', null, h('option', { value: 'en' }, 'English'), h('option', { value: 'de' }, 'Deutsch'));
  language.value = ed.current('language') || 'en';
  language.addEventListener('change', () => ed.set('language', language.value));

  const colorValue = () => ed.current('brand_color') || '#4f46e5';
  const color = h('input', { type: 'color', value: colorValue(), 'aria-label': 'Brand colour picker' });
  const colorText = h('input', { type: 'text', value: ed.current('brand_color') || '', placeholder: '#4f46e5', maxlength: '7', class: 'mono color-text', pattern: '#[0-9a-fA-F]{6}' });
  const contrast = h('p', { class: 'hint', 'aria-live': 'polite' });
  const checkContrast = () => {
    const hex = /^#[0-9a-fA-F]{6}$/.test(colorText.value) ? colorText.value : null;
    contrast.className = 'hint';
    if (!hex) {
      contrast.textContent = colorText.value ? 'Use the form #rrggbb.' : 'Empty: the default colour.';
      return;
    }
    const ratio = buttonContrast(hex);
    if (ratio < 4.5) {
      contrast.className = 'hint hint-warning';
      contrast.textContent = `Button text on this colour is hard to read (contrast ${ratio.toFixed(1)}:1; at least 4.5:1 is needed). Pick a darker or lighter colour.`;
    } else {
      contrast.textContent = `Button text contrast ${ratio.toFixed(1)}:1 — readable.`;
    }
  };
  color.addEventListener('input', () => {
    colorText.value = color.value;
    ed.set('brand_color', color.value);
    checkContrast();
  });
  colorText.addEventListener('input', () => {
    if (/^#[0-9a-fA-F]{6}$/.test(colorText.value)) color.value = colorText.value;
    if (colorText.value === '' || /^#[0-9a-fA-F]{6}$/.test(colorText.value)) ed.set('brand_color', colorText.value);
    checkContrast();
  });
  checkContrast();

  const logoUrl = boundInput(ed, 'logo_url', { attrs: { type: 'url', placeholder: 'https://… or upload a file' } });
  const logoFile = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp', class: 'sr-only', id: newId('logo') });
  const logoError = h('p', { class: 'field-error', role: 'alert' });
  logoFile.addEventListener('change', async () => {
    const file = logoFile.files[0];
    logoFile.value = '';
    logoError.textContent = '';
    if (!file) return;
    if (file.size > 512 * 1024) {
      logoError.textContent = `${file.name} is ${Math.round(file.size / 1024)} KB; logos may be at most 512 KB.`;
      return;
    }
    try {
      const data = await readFileBase64(file);
      const uploaded = await api(`surveys/${survey.id}/logo`, { method: 'POST', body: { content_type: file.type, data } });
      ed.set('logo_url', uploaded.logo_url);
      logoUrl.value = uploaded.logo_url;
      toast('Logo uploaded. Save to use it.');
    } catch (e) {
      logoError.textContent = e.message;
    }
  });
  const logoField = field('Logo', logoUrl, 'PNG, JPEG, GIF or WebP up to 512 KB, stored here; or the https URL of an image. Logos from other sites are not loaded in this preview.');
  logoField.append(
    h('div', { class: 'actions actions-left editor-only' },
      h('label', { for: logoFile.id, class: 'btn btn-small' }, 'Upload image…'),
      logoFile,
      button('Remove logo', () => { ed.set('logo_url', ''); logoUrl.value = ''; }, { class: 'btn btn-small btn-quiet' })),
    logoError,
  );

  const testTo = h('input', { type: 'email', placeholder: 'you@example.com', autocomplete: 'email' });
  const testResult = h('p', { class: 'hint', 'aria-live': 'polite' });
  const sendTest = button('Send test email', async () => {
    testResult.textContent = 'Sending…';
    try {
      const r = await api(`surveys/${survey.id}/test-email`, { method: 'POST', body: { to: testTo.value.trim(), content: ed.draft() } });
      testResult.textContent = `Sent to ${testTo.value.trim()} (Message-ID ${r.message_id}). Its links open your survey in test mode: nothing is recorded.`;
    } catch (e) {
      testResult.textContent = readable(e.message);
    }
  });

  const colorField = field('Brand colour', colorText);
  colorField.insertBefore(h('div', { class: 'color-row' }, color), colorText);
  colorField.append(contrast);
  // The 0–6 / 7–8 / 9–10 colours tell the scale at a glance: kept unless
  // the owner asks for all eleven in the brand colour.
  const scoreColors = h('select', null,
    h('option', { value: '' }, 'Red, amber, green by score'),
    h('option', { value: 'brand' }, 'All in the brand colour'));
  scoreColors.value = ed.current('score_colors') === 'brand' ? 'brand' : '';
  scoreColors.addEventListener('change', () => ed.set('score_colors', scoreColors.value));
  const scoreColorsField = field('Score buttons', scoreColors, 'Recommended: the colours by score show customers the scale’s ends at a glance.');

  const panel = h(
    'div',
    { class: 'stack editor-panel' },
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'look-title' },
      h('h2', { id: 'look-title' }, 'Sender and look'),
      field('Subject', subject),
      field('Reminder subject', reminderSubject, 'The reminder repeats the survey email with this subject and its own introduction; reminders are set on the Delays page.'),
      field('Sender name', sender, 'Shown as the From name; the address is the installation’s callexa_mail_from.'),
      field('Language', language, 'Texts you leave empty take this language’s defaults.'),
      colorField,
      scoreColorsField,
      logoField,
      field('Greeting without a name', boundInput(ed, 'greeting_no_name', { maxlength: '200' }), 'For customers whose first name is unknown.'),
    ),
    h('section', { class: 'card editor-only', 'aria-labelledby': 'texts-title' }, h('h2', { id: 'texts-title' }, 'Texts'), h('p', { class: 'hint' }, 'Or click them in the preview.'), ed.textButtons()),
    h('section', { class: 'card editor-only', 'aria-labelledby': 'test-title' }, h('h2', { id: 'test-title' }, 'Test email'), field('Send to', testTo), h('div', { class: 'actions actions-left' }, sendTest), testResult),
  );
  viewOnly(panel);
  await ed.refreshPreview();
  return h('div', { class: 'page page-wide' }, ed.head(), h('div', { class: 'editor' }, previewCard(ed, h('div', { class: 'preview-switch' }, emailGroup, ed.subjectLine)), panel));
}

// The id an extra question's answers are stored under (1 to 32 of
// [a-z0-9_-], unique in the survey): made from its text, "What feature is
// missing?" -> "what_feature_is_missing", with _2, _3 when taken.
export function questionId(text, taken) {
  const base = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 28).replace(/_+$/, '') || 'question';
  let id = base;
  for (let n = 2; taken.includes(id); n += 1) id = `${base}_${n}`;
  return id;
}

// A viewer sees the settings but cannot change them: the panel's controls
// are disabled (the "Preview as" choices stay) and its action-only parts,
// marked .editor-only, are left out.
function viewOnly(panel) {
  if (mayAct('editor')) return;
  panel.querySelectorAll('.editor-only').forEach((el) => el.remove());
  panel.querySelectorAll('input:not([type=radio]), textarea, select, button').forEach((el) => { el.disabled = true; });
}

function listEditor({ legend, items, render, add, addLabel, max }) {
  const list = h('ul', { class: 'list-editor' });
  const fieldset = h('fieldset', { class: 'list-fieldset' }, h('legend', null, legend), list);
  const addButton = button(addLabel, () => { add(); redraw(); }, { class: 'btn btn-small' });
  function redraw() {
    clear(list);
    items().forEach((item, i) => list.append(render(item, i, redraw)));
    addButton.disabled = items().length >= max;
  }
  fieldset.append(h('div', { class: 'actions actions-left' }, addButton));
  redraw();
  fieldset.redraw = redraw;
  return fieldset;
}

export async function pageEditorPage(main, survey) {
  const ed = createEditor(survey, {
    title: 'Survey page',
    lead: 'The page a customer lands on after clicking a score, and the thank-you page.',
    texts: PAGE_TEXTS,
    kind: 'page',
  });
  const bandButtons = [
    { label: 'Detractor (0–6)', score: 3 },
    { label: 'Passive (7–8)', score: 8 },
    { label: 'Promoter (9–10)', score: 9 },
  ];
  const scoreGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Preview as' });
  const viewGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Page' });
  const radio = (group, name, label, checked, onPick) => {
    const id = newId(name);
    const input = h('input', { type: 'radio', name, id, checked });
    input.addEventListener('change', () => input.checked && onPick());
    group.append(input, h('label', { for: id }, label));
    return input;
  };
  const scoreRadios = bandButtons.map((b, i) => radio(scoreGroup, 'score', b.label, i === 2, () => ed.setScore(b.score)));
  const viewRadios = [
    radio(viewGroup, 'view', 'Landing page', true, () => ed.setView('answer')),
    radio(viewGroup, 'view', 'Thank-you page', false, () => ed.setView('thank_you')),
  ];
  ed.bindViewSetters(
    (v) => { viewRadios[v === 'thank_you' ? 1 : 0].checked = true; ed.setView(v); },
    (s) => { scoreRadios[s <= 6 ? 0 : s <= 8 ? 1 : 2].checked = true; ed.setScore(s); },
  );

  const tags = () => ed.current('tags') || [];
  const tagEditor = listEditor({
    legend: 'Tags customers rate from 1 to 5',
    items: tags,
    max: 20,
    addLabel: 'Add tag',
    add: () => ed.set('tags', [...tags(), `Tag ${tags().length + 1}`]),
    render: (tag, i, redraw) => {
      const input = h('input', { type: 'text', value: tag, maxlength: '60', 'aria-label': `Tag ${i + 1}` });
      input.addEventListener('change', () => {
        const next = [...tags()];
        next[i] = input.value.trim();
        ed.set('tags', next.filter((t) => t !== ''));
        redraw();
      });
      return h('li', null, input, button('Remove', () => { ed.set('tags', tags().filter((_, j) => j !== i)); redraw(); }, { class: 'btn btn-small btn-quiet', 'aria-label': `Remove tag ${tag}` }));
    },
  });
  const questions = () => ed.current('questions') || [];
  const questionEditor = listEditor({
    legend: 'Extra questions (free text)',
    items: questions,
    max: 10,
    addLabel: 'Add question',
    add: () => {
      const text = 'What could we do better?';
      ed.set('questions', [...questions(), { id: questionId(text, questions().map((x) => x.id)), text }]);
    },
    render: (q, i, redraw) => {
      const text = h('input', { type: 'text', value: q.text, maxlength: '500', 'aria-label': `Question ${i + 1}` });
      const key = h('span', { class: 'hint q-key' }, 'In the CSV as ', h('code', null, q.id));
      // A saved question keeps its id: its answers are stored under it. A
      // new one takes its id from its text.
      const savedIds = (ed.saved.questions || []).map((x) => x.id);
      const commit = () => {
        const next = questions().map((x) => ({ ...x }));
        const others = next.filter((_, j) => j !== i).map((x) => x.id);
        const id = savedIds.includes(q.id) ? q.id : questionId(text.value, others);
        next[i] = { id, text: text.value };
        key.lastChild.textContent = id;
        ed.set('questions', next);
      };
      text.addEventListener('change', commit);
      const remove = button('Remove', () => { ed.set('questions', questions().filter((_, j) => j !== i)); redraw(); }, { class: 'btn btn-small btn-quiet', 'aria-label': `Remove question ${i + 1}` });
      return h('li', { class: 'question-row' }, h('div', { class: 'q-text' }, text, key), mayAct('editor') ? remove : null);
    },
  });
  ed.onChange((key) => {
    if (key === null) {
      tagEditor.redraw();
      questionEditor.redraw();
    }
  });

  const others = OTHER_PAGE_TEXTS.map((t) => field(t.label, boundInput(ed, t.key, { multi: true })));

  // The review invitation on a promoter's thank-you page.
  const reviewUrl = boundInput(ed, 'review_url', { attrs: { type: 'url', placeholder: 'https://www.trustpilot.com/review/…', spellcheck: 'false' } });
  const reviewUrlNote = h('p', { class: 'field-error', 'aria-live': 'polite' });
  reviewUrl.addEventListener('input', () => {
    const v = reviewUrl.value.trim();
    reviewUrlNote.textContent = v === '' || /^https:\/\/[^\s/]+\.[^\s]+$/i.test(v) ? '' : 'Use the https:// address of your page on the review site.';
  });
  const reviewUrlField = field('Review page address', reviewUrl, 'Your page on G2, Trustpilot, Google, the App Store…; https only. Empty: no invitation.');
  reviewUrlField.append(reviewUrlNote);
  const reviewCard = h('section', { class: 'card', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, 'Review invitation'),
    h('p', { class: 'hint' }, 'Promoters (9–10) see it on the thank-you page. Clicks go through this server, which counts them in the stats and the report email, then opens your page.'),
    reviewUrlField,
    field('Link text', boundInput(ed, 'review_text', { maxlength: '100' }), 'E.g. “Review us on Trustpilot”.'));
  const panel = h(
    'div',
    { class: 'stack editor-panel' },
    h('section', { class: 'card', 'aria-labelledby': 'show-title' }, h('h2', { id: 'show-title' }, 'Preview as'), scoreGroup, viewGroup),
    h('section', { class: 'card editor-only', 'aria-labelledby': 'ptexts-title' }, h('h2', { id: 'ptexts-title' }, 'Texts'), h('p', { class: 'hint' }, 'Or click them in the preview.'), ed.textButtons()),
    h('section', { class: 'card', 'aria-labelledby': 'tags-title' }, h('h2', { id: 'tags-title' }, 'Tags and questions'), tagEditor, questionEditor),
    reviewCard,
    h('section', { class: 'card', 'aria-labelledby': 'other-title' }, h('h2', { id: 'other-title' }, 'Other pages'), others),
  );
  viewOnly(panel);
  await ed.refreshPreview();
  return h('div', { class: 'page page-wide' }, ed.head(), h('div', { class: 'editor' }, previewCard(ed, null), panel));
}

