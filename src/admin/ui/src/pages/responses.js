// Answers, newest first, with band colours, comment, tag ratings, extra
// answers and consent; filtered by band and date.
import { api, query } from '../api.js';
import { button, clear, field, h } from '../dom.js';
import { BAND_LABELS, band, formatTime } from '../format.js';

const PAGE = 25;

function stars(n) {
  return h('span', { class: 'stars', 'aria-label': `${n} of 5` }, '★'.repeat(n), h('span', { class: 'stars-off', 'aria-hidden': 'true' }, '★'.repeat(5 - n)));
}

function responseCard(r, survey) {
  const b = band(r.score);
  const who = r.name || [r.first_name, r.last_name].filter(Boolean).join(' ');
  const tags = Object.entries(r.tag_ratings || {});
  const questions = new Map((survey.content.questions || []).map((q) => [q.id, q.text]));
  const extras = Object.entries(r.extra_answers || {}).filter(([, v]) => v !== '');
  return h(
    'li',
    { class: `response response-${b}` },
    h('div', { class: `score score-${b}`, 'aria-label': `Score ${r.score}, ${BAND_LABELS[b]}` }, String(r.score)),
    h(
      'div',
      { class: 'response-body' },
      h('p', { class: 'response-meta' }, h('strong', null, who || r.email), who ? h('span', { class: 'muted' }, ` ${r.email}`) : null, h('span', { class: 'muted' }, ` · ${formatTime(r.answered_at)}`), r.consent ? h('span', { class: 'badge badge-on', title: 'Agreed to be quoted' }, 'May be quoted') : null),
      r.comment ? h('blockquote', { class: 'comment' }, r.comment) : h('p', { class: 'muted' }, 'No comment.'),
      tags.length ? h('ul', { class: 'tag-ratings', 'aria-label': 'Tag ratings' }, tags.map(([t, n]) => h('li', null, h('span', null, t), stars(n)))) : null,
      extras.length ? h('dl', { class: 'extras' }, extras.map(([id, v]) => [h('dt', null, questions.get(id) || id), h('dd', null, v)])) : null,
    ),
  );
}

export async function responsesPage(main, survey) {
  const bandSelect = h('select', null, h('option', { value: '' }, 'All scores'), h('option', { value: 'promoter' }, 'Promoters (9–10)'), h('option', { value: 'passive' }, 'Passives (7–8)'), h('option', { value: 'detractor' }, 'Detractors (0–6)'));
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const list = h('div', { 'aria-live': 'polite' });
  let offset = 0;
  async function load() {
    // `to` is inclusive here: the API's bound is exclusive.
    let toBound = '';
    if (to.value) {
      const d = new Date(`${to.value}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      toBound = d.toISOString().slice(0, 10);
    }
    const data = await api(`surveys/${survey.id}/responses${query({ band: bandSelect.value, from: from.value, to: toBound, limit: PAGE + 1, offset })}`);
    const more = data.responses.length > PAGE;
    const items = data.responses.slice(0, PAGE);
    clear(list);
    if (items.length === 0) {
      list.append(h('p', { class: 'empty-line' }, offset ? 'No more answers.' : 'No answers match yet.'));
    } else {
      list.append(h('ol', { class: 'responses' }, items.map((r) => responseCard(r, survey))));
    }
    list.append(h('div', { class: 'pager' },
      button('Newer', () => { offset = Math.max(0, offset - PAGE); load(); }, { class: 'btn btn-small', disabled: offset === 0 }),
      button('Older', () => { offset += PAGE; load(); }, { class: 'btn btn-small', disabled: !more })));
  }
  const reload = () => { offset = 0; load(); };
  [bandSelect, from, to].forEach((c) => c.addEventListener('change', reload));
  await load();
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Responses'), h('p', { class: 'lead' }, 'What your customers answered, newest first.')),
    h('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter responses', onsubmit: (e) => e.preventDefault() },
      field('Score', bandSelect), field('From', from), field('To', to),
      h('a', { class: 'btn btn-small', href: `api/surveys/${survey.id}/responses.csv`, download: '' }, 'Export CSV')),
    list,
  );
}
