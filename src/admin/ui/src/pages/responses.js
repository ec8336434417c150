// Answers, newest first, with band colours, comment, tag ratings, extra
// answers and consent, each linked to its customer; filtered by band, date
// and a customer trait, the filters in the URL (filters.js).
import { api, query } from '../api.js';
import { button, clear, field, h } from '../dom.js';
import { activeFilters, bandSelect, csvColumnPicker, hashParams, loadTraits, setHashParams, traitFields, traitParams } from '../filters.js';
import { mayAct } from '../state.js';
import { BAND_LABELS, band, formatTime } from '../format.js';

const PAGE = 25;
// The export's `from` when the list has none: before any answer (its
// default would be the last 90 days).
const EVERY_ANSWER_FROM = '2000-01-01';

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
      h('p', { class: 'response-meta' }, h('a', { href: `#/surveys/${survey.id}/customers/${r.customer_id}`, class: 'customer-link' }, h('strong', null, who || r.email)), who ? h('span', { class: 'muted' }, ` ${r.email}`) : null, h('span', { class: 'muted' }, ` · ${formatTime(r.answered_at)}`), r.consent ? h('span', { class: 'badge badge-on', title: 'Agreed to be quoted' }, 'May be quoted') : null),
      r.comment ? h('blockquote', { class: 'comment' }, r.comment) : h('p', { class: 'muted' }, 'No comment.'),
      h('p', { class: 'response-follow-up' }, h('a', { href: `#/surveys/${survey.id}/inbox?follow_up=any&item=${r.invitation_id}` }, r.follow_up ? `Follow-up: ${r.follow_up.status}` : 'Follow up')),
      tags.length ? h('ul', { class: 'tag-ratings', 'aria-label': 'Tag ratings' }, tags.map(([t, n]) => h('li', null, h('span', null, t), stars(n)))) : null,
      extras.length ? h('dl', { class: 'extras' }, extras.map(([id, v]) => [h('dt', null, questions.get(id) || id), h('dd', null, v)])) : null,
    ),
  );
}

// The day after `day` (YYYY-MM-DD): the API's `to` is exclusive, the
// page's inclusive.
function dayAfter(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export async function responsesPage(main, survey) {
  const params = hashParams();
  const traits = await loadTraits(survey);
  const from = h('input', { type: 'date', value: params.from || '' });
  const to = h('input', { type: 'date', value: params.to || '' });
  [[from, 'from'], [to, 'to']].forEach(([input, key]) => input.addEventListener('change', () => setHashParams({ ...params, [key]: input.value })));
  const filter = { band: params.band, from: params.from, to: params.to ? dayAfter(params.to) : '', ...traitParams(params) };
  const list = h('div', { 'aria-live': 'polite' });
  const csv = h('a', { class: 'btn btn-small', download: '' }, 'Export CSV');
  // Without dates the export covers every answer, as the list does (by
  // month, to keep its unused trend short); its `to`, a date, is inclusive.
  const setCsv = (columns) => {
    csv.href = `api/surveys/${survey.id}/responses.csv${query({ ...filter, from: filter.from || EVERY_ANSWER_FROM, to: params.to, interval: 'month', columns })}`;
  };
  setCsv('');
  let offset = 0;
  async function load() {
    const data = await api(`surveys/${survey.id}/responses${query({ ...filter, limit: PAGE + 1, offset })}`);
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
  await load();
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Responses'), h('p', { class: 'lead' }, 'What your customers answered, newest first.')),
    h('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter responses', onsubmit: (e) => e.preventDefault() },
      field('Score', bandSelect(params)), field('From', from), field('To', to), traitFields(params, traits),
      // The export holds personal data: a viewer is not offered it (the API says 403).
      mayAct('editor') ? h('div', { class: 'export' }, csv, csvColumnPicker(traits, setCsv)) : null),
    activeFilters(params, ['band', 'from', 'to']),
    list,
  );
}
