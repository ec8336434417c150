// The survey's NPS over a period: the headline with its margin of error
// and the change against the previous period (marked only when it exceeds
// the combined margin), the split, the trend with the margin as a band,
// the 0-10 distribution, tag ratings and the latest comments. Each chart
// has a data table beside it for screen readers.
import uPlot from 'uplot';

import { api, query } from '../api.js';
import { clear, field, h } from '../dom.js';
import { onLeave } from '../state.js';
import { BAND_LABELS, band, formatDate, formatTime, isoDay, percent } from '../format.js';
import { reportEmailCard } from './report_email.js';

const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 12 months'],
];

function signed(n, digits = 1) {
  if (n == null) return '—';
  const s = n.toFixed(digits);
  return n > 0 ? `+${s}` : s;
}

function srTable(caption, headers, rows) {
  // In a hidden box: a table cannot be narrower than its content.
  return h('div', { class: 'sr-only' }, h('table', null, h('caption', null, caption), h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c))))))));
}

function headline(stats) {
  const c = stats.counts || {};
  const prev = stats.previous || {};
  let change = null;
  if (stats.change != null && prev.counts && prev.counts.answers) {
    change = h(
      'p',
      { class: `change ${stats.change_is_significant ? (stats.change > 0 ? 'change-up' : 'change-down') : 'change-flat'}` },
      `${signed(stats.change)} vs the previous period (${prev.nps == null ? '—' : prev.nps.toFixed(1)}). `,
      stats.change_is_significant ? h('strong', null, 'A real change: larger than the margin of error.') : 'Within the margin of error: not a trend yet.',
    );
  }
  return h(
    'section',
    { class: 'card headline', 'aria-labelledby': 'nps-title' },
    h('h2', { id: 'nps-title', class: 'sr-only' }, 'Net Promoter Score'),
    h('div', { class: 'nps' },
      h('span', { class: 'nps-label' }, 'NPS'),
      h('span', { class: 'nps-value' }, stats.nps == null ? '—' : stats.nps.toFixed(1)),
      stats.margin_of_error != null && c.answers ? h('span', { class: 'nps-margin' }, `± ${stats.margin_of_error.toFixed(1)}`, h('span', { class: 'sr-only' }, ' (95% margin of error)')) : null),
    change || h('p', { class: 'muted' }, 'No answers in the previous period to compare with.'),
    h('dl', { class: 'stats' },
      h('div', { class: 'stat' }, h('dt', null, 'Answers'), h('dd', null, (c.answers || 0).toLocaleString())),
      h('div', { class: 'stat' }, h('dt', null, 'Response rate'), h('dd', null, percent(stats.response_rate))),
      h('div', { class: 'stat' }, h('dt', null, 'Comment rate'), h('dd', null, percent(stats.comment_rate)))),
    splitBar(c),
  );
}

function splitBar(c) {
  const total = c.answers || 0;
  const parts = [['promoter', c.promoters || 0], ['passive', c.passives || 0], ['detractor', c.detractors || 0]];
  return h(
    'div',
    { class: 'split-bar-wrap' },
    h('div', { class: 'split-bar', 'aria-hidden': 'true' }, parts.map(([b, n]) => (n ? h('span', { class: `seg seg-${b}`, style: `flex-grow:${n}` }) : null))),
    h('ul', { class: 'legend' }, parts.map(([b, n]) => h('li', null, h('span', { class: `dot dot-${b}`, 'aria-hidden': 'true' }), `${BAND_LABELS[b]}s: ${n.toLocaleString()} (${total ? ((n / total) * 100).toFixed(1) : '0.0'}%)`))),
  );
}

function trendChart(stats, width) {
  const all = stats.trend || [];
  const points = all.filter((p) => p.answers > 0);
  const box = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const table = srTable('NPS by ' + (stats.interval || 'period'), ['Period', 'Answers', 'NPS', 'Margin of error'], points.map((p) => [formatDate(p.start), String(p.answers), p.nps.toFixed(1), `± ${p.margin_of_error.toFixed(1)}`]));
  if (points.length === 0) return h('div', null, h('p', { class: 'empty-line' }, 'No answers in this period yet.'), table);
  // Every bucket of the period, empty ones as gaps, so the axis is the period.
  const value = (p, f) => (p.answers > 0 ? f(p) : null);
  const xs = all.map((p) => Date.parse(p.start) / 1000);
  const data = [xs, all.map((p) => value(p, (q) => q.nps)), all.map((p) => value(p, (q) => Math.min(100, q.nps + q.margin_of_error))), all.map((p) => value(p, (q) => Math.max(-100, q.nps - q.margin_of_error)))];
  const range = [Date.parse(stats.from) / 1000, Date.parse(stats.to) / 1000];
  const plot = new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true, range: () => range }, y: { range: (u, min, max) => [Math.max(-100, Math.floor(min / 10) * 10 - 10), Math.min(100, Math.ceil(max / 10) * 10 + 10)] } },
      series: [
        {},
        { label: 'NPS', stroke: '#4f46e5', width: 2, points: { show: true, size: 6, fill: '#4f46e5' } },
        { label: 'Upper', stroke: 'transparent', points: { show: false } },
        { label: 'Lower', stroke: 'transparent', points: { show: false } },
      ],
      bands: [{ series: [2, 3], fill: 'rgba(79,70,229,0.12)' }],
      axes: [{ stroke: '#6b7280', grid: { stroke: '#eef0f4' } }, { stroke: '#6b7280', grid: { stroke: '#eef0f4' } }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    },
    data,
    box,
  );
  box.plot = plot;
  return h('div', null, box, h('p', { class: 'hint' }, 'The shaded band is each point’s 95% margin of error.'), table);
}

function distribution(stats) {
  const d = stats.distribution || new Array(11).fill(0);
  const max = Math.max(1, ...d);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'dist-title' },
    h('h2', { id: 'dist-title' }, 'Scores 0–10'),
    h('ol', { class: 'bars', 'aria-hidden': 'true' }, d.map((n, score) => h('li', null, h('span', { class: 'bar-count' }, String(n)), h('span', { class: `bar bar-${band(score)}`, style: `height:${Math.round((n / max) * 100)}%` }), h('span', { class: 'bar-label' }, String(score))))),
    srTable('Answers by score', ['Score', 'Answers'], d.map((n, score) => [String(score), String(n)])),
  );
}

function tagBars(stats) {
  const tags = stats.tags || [];
  if (!tags.length) return null;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tags-title' },
    h('h2', { id: 'tags-title' }, 'Tag ratings (1–5)'),
    h('ul', { class: 'hbars' }, tags.map((t) => h('li', null,
      h('span', { class: 'hbar-label' }, t.name),
      h('span', { class: 'hbar-track', 'aria-hidden': 'true' }, h('span', { class: 'hbar', style: `width:${t.average == null ? 0 : (t.average / 5) * 100}%` })),
      h('span', { class: 'hbar-value' }, t.average == null ? '—' : `${t.average.toFixed(2)} (${t.count.toLocaleString()})`)))),
  );
}

async function latestComments(survey, params) {
  const data = await api(`surveys/${survey.id}/responses${query({ from: params.from, to: params.to, band: params.band, limit: 50 })}`);
  const withComment = data.responses.filter((r) => r.comment).slice(0, 6);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title' }, 'Latest comments'),
    withComment.length
      ? h('ul', { class: 'comments' }, withComment.map((r) => h('li', null, h('span', { class: `score score-${band(r.score)}`, 'aria-label': `Score ${r.score}` }, String(r.score)), h('div', null, h('blockquote', { class: 'comment' }, r.comment), h('p', { class: 'muted' }, r.name || r.first_name || r.email, ' · ', formatTime(r.answered_at))))))
      : h('p', { class: 'empty-line' }, 'No comments in this period.'),
    h('a', { href: `#/surveys/${survey.id}/responses` }, 'All responses'),
  );
}

export async function dashboardPage(main, survey) {
  const period = h('select', null, PERIODS.map(([v, l]) => h('option', { value: v }, l)));
  period.value = '90';
  const interval = h('select', null, h('option', { value: 'week' }, 'By week'), h('option', { value: 'month' }, 'By month'), h('option', { value: 'day' }, 'By day'));
  const bandSelect = h('select', null, h('option', { value: '' }, 'All scores'), h('option', { value: 'promoter' }, 'Promoters'), h('option', { value: 'passive' }, 'Passives'), h('option', { value: 'detractor' }, 'Detractors'));
  const tag = h('select', null, h('option', { value: '' }, 'Any tag'), (survey.content.tags || []).map((t) => h('option', { value: t }, t)));
  const comment = h('select', null, h('option', { value: '' }, 'With or without'), h('option', { value: 'true' }, 'With a comment'), h('option', { value: 'false' }, 'Without'));
  const csv = h('a', { class: 'btn btn-small', download: '' }, 'Export CSV');
  const body = h('div', { class: 'stack', 'aria-live': 'polite' });
  let plot = null;

  const params = () => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(period.value) * 86400000);
    return { from: isoDay(from), interval: interval.value, band: bandSelect.value, tag: tag.value, has_comment: comment.value };
  };
  async function load() {
    const p = params();
    csv.href = `api/surveys/${survey.id}/responses.csv${query({ from: p.from, band: p.band, tag: p.tag, has_comment: p.has_comment })}`;
    let stats;
    try {
      stats = await api(`surveys/${survey.id}/stats${query(p)}`);
    } catch (e) {
      clear(body).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
      return;
    }
    if (plot) plot.destroy();
    const trendCard = h('section', { class: 'card', 'aria-labelledby': 'trend-title' }, h('h2', { id: 'trend-title' }, 'Trend'));
    const tags = tagBars(stats);
    clear(body).append(headline(stats), trendCard, tags ? h('div', { class: 'grid-2 grid-cards' }, distribution(stats), tags) : distribution(stats));
    const chart = trendChart(stats, Math.max(280, trendCard.clientWidth - 48));
    trendCard.append(chart);
    plot = chart.querySelector('.chart')?.plot || null;
    body.append(await latestComments(survey, p));
  }
  [period, interval, bandSelect, tag, comment].forEach((c) => c.addEventListener('change', load));
  // Drawn once the page is in the document, so the chart knows its width.
  load();
  const resize = () => {
    const card = body.querySelector('.chart');
    if (plot && card) plot.setSize({ width: Math.max(280, card.parentElement.parentElement.clientWidth - 48), height: 260 });
  };
  window.addEventListener('resize', resize);
  onLeave(() => {
    window.removeEventListener('resize', resize);
    if (plot) plot.destroy();
  });
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Dashboard'), h('p', { class: 'lead' }, survey.automation ? 'How your customers rate you.' : h('span', null, 'The automation is off: no surveys go out. ', h('a', { href: `#/surveys/${survey.id}/setup` }, 'Switch it on')))),
    h('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter the dashboard', onsubmit: (e) => e.preventDefault() },
      field('Period', period), field('Trend', interval), field('Score', bandSelect), field('Tag', tag), field('Comment', comment), csv),
    body,
    reportEmailCard(survey),
  );
}
