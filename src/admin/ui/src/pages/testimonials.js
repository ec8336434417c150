// Moderation of promoters' quotes, and the snippet that embeds the
// approved ones on a website.
import { api, query } from '../api.js';
import { readable } from '../messages.js';
import { mayAct } from '../state.js';
import { button, clear, field, h, toast } from '../dom.js';
import { formatDate } from '../format.js';

const FORMATS = [
  ['first_last_initial', 'First name and last initial'],
  ['first_name', 'First name'],
  ['initials', 'Initials'],
  ['anonymous', 'Anonymous'],
];

function item(t, survey, reload) {
  const text = h('textarea', { rows: '3', 'aria-label': 'Text to show (you may only shorten it)' });
  text.value = t.display_text || t.comment;
  const format = h('select', { 'aria-label': 'Name shown' }, FORMATS.map(([v, l]) => h('option', { value: v }, l)));
  format.value = t.name_format || 'first_name';
  text.readOnly = format.disabled = !mayAct('editor');
  const error = h('p', { class: 'field-error', role: 'alert' });
  const decide = (action) => async () => {
    error.textContent = '';
    try {
      const body = action === 'approve' ? { display_text: text.value, display_name: format.value } : {};
      await api(`surveys/${survey.id}/testimonials/${t.answer_id}/${action}`, { method: 'POST', body });
      toast(action === 'approve' ? 'Approved: it shows on your website now.' : 'Rejected.');
      reload();
    } catch (e) {
      error.textContent = readable(e.message);
    }
  };
  const who = t.name || [t.first_name, t.last_name].filter(Boolean).join(' ') || t.email;
  return h(
    'li',
    { class: 'card testimonial' },
    h('p', { class: 'response-meta' }, h('span', { class: 'score score-promoter' }, String(t.score)), ' ', h('strong', null, who), h('span', { class: 'muted' }, ` · ${formatDate(t.answered_at)}`), t.display_name ? h('span', { class: 'muted' }, ` · shown as “${t.display_name}”`) : null),
    h('blockquote', { class: 'comment' }, t.comment),
    h('p', { class: 'hint' }, 'They agreed to: “', t.consent_text, '” The name shown starts as that allows.'),
    h('div', { class: 'grid-2' }, field('Text to show', text, 'You may shorten it; cuts are marked with …'), field('Name shown', format)),
    error,
    mayAct('editor') ? h('div', { class: 'actions' },
      t.status !== 'rejected' ? button('Reject', decide('reject'), { class: 'btn btn-quiet' }) : null,
      button(t.status === 'approved' ? 'Update' : 'Approve', decide('approve'), { class: 'btn btn-primary' })) : null,
  );
}

export async function testimonialsPage(main, survey) {
  const list = h('div', null);
  const snippetBox = h('div', null);
  let status = 'pending';
  const tabs = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Show' });
  ['pending', 'approved', 'rejected'].forEach((s) => {
    const id = `tstatus-${s}`;
    const input = h('input', { type: 'radio', name: 'tstatus', id, checked: s === status });
    input.addEventListener('change', () => { status = s; load(); });
    tabs.append(input, h('label', { for: id }, s[0].toUpperCase() + s.slice(1)));
  });
  async function load() {
    const data = await api(`surveys/${survey.id}/testimonials${query({ status, limit: 50 })}`);
    clear(list).append(
      data.testimonials.length
        ? h('ul', { class: 'testimonials' }, data.testimonials.map((t) => item(t, survey, load)))
        : h('p', { class: 'empty-line' }, status === 'pending' ? 'Nothing to moderate: promoters who agree to be quoted appear here.' : `No ${status} testimonials.`),
    );
    const e = data.embed || {};
    const code = h('textarea', { readonly: true, rows: '3', class: 'mono snippet', 'aria-label': 'Snippet to paste into your website' });
    code.value = e.snippet || '';
    clear(snippetBox).append(
      code,
      h('div', { class: 'actions actions-left' },
        button('Copy snippet', async () => {
          try { await navigator.clipboard.writeText(code.value); toast('Snippet copied.'); } catch { code.select(); }
        }),
        e.html_url ? h('a', { href: e.html_url, class: 'btn btn-quiet', target: '_blank', rel: 'noopener' }, 'Open the HTML version') : null),
    );
  }
  await load();
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Testimonials'), h('p', { class: 'lead' }, 'Promoters who agreed to be quoted. Approved quotes appear on your website.')),
    h('section', { class: 'card', 'aria-labelledby': 'embed-title' }, h('h2', { id: 'embed-title' }, 'Embed on your website'), h('p', { class: 'hint' }, 'Paste this where the quotes should appear. It shows approved testimonials only, and drops one at once when its author unsubscribes or changes their answer.'), snippetBox),
    tabs,
    list,
  );
}
