// The survey's NPS over a period: the headline with its margin of error
// and the change against the previous period (marked only when it exceeds
// the combined margin), the split, the trend with the margin as a band,
// the 0-10 distribution, tag ratings and the latest comments. Each chart
// has a data table beside it for screen readers. Filtered by a band, it
// shows that band's share of all answers instead of an NPS. The filters
// live in the URL (filters.js).
import uPlot from 'uplot';

import { api, query } from '../api.js';
import { clear, field, h } from '../dom.js';
import { activeFilters, bandSelect, csvColumnPicker, hashParams, loadTraits, setHashParams, traitFields, traitParams } from '../filters.js';
import { mayAct, onLeave } from '../state.js';
import { BAND_LABELS, band, formatDate, formatTime, isoDay, percent } from '../format.js';
import { reportEmailCard } from './report_email.js';
import { alertsCard } from './alerts.js';

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

// A duration in seconds as the owner reads it: "40 min", "5 h", "3 days".
function duration(seconds) {
  if (seconds == null) return '—';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

// The inbox's stat boxes (follow-ups/summary), when the API answered.
function followUpStats(survey, f) {
  if (!f) return null;
  return [
    h('div', { class: 'stat' }, h('dt', null, 'Open follow-ups'), h('dd', null, h('a', { href: `#/surveys/${survey.id}/inbox` }, f.open.toLocaleString()))),
    h('div', { class: 'stat' }, h('dt', null, 'Median time to close'), h('dd', null, duration(f.median_seconds_to_close))),
  ];
}

function headline(stats, followUps = null) {
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
      stats.margin_of_error != null && c.answers > 1 ? h('span', { class: 'nps-margin' }, `± ${stats.margin_of_error.toFixed(1)}`, h('span', { class: 'sr-only' }, ' (95% margin of error)')) : null),
    change || h('p', { class: 'muted' }, 'No answers in the previous period to compare with.'),
    h('dl', { class: 'stats' },
      h('div', { class: 'stat' }, h('dt', null, 'Answers'), h('dd', null, (c.answers || 0).toLocaleString())),
      h('div', { class: 'stat' }, h('dt', null, 'Response rate'), h('dd', null, percent(stats.response_rate))),
      h('div', { class: 'stat' }, h('dt', null, 'Comment rate'), h('dd', null, percent(stats.comment_rate))),
      // Promoters who followed the thank-you page's review invitation.
      c.review_clicks ? h('div', { class: 'stat' }, h('dt', null, 'Review clicks'), h('dd', null, c.review_clicks.toLocaleString())) : null,
      // Invitations of the period answered after their reminder went out.
      c.reminders_sent ? h('div', { class: 'stat' }, h('dt', null, 'Answered after a reminder'), h('dd', null, c.answered_after_reminder.toLocaleString(), h('span', { class: 'hint' }, `of ${c.reminders_sent.toLocaleString()} reminded`))) : null,
      followUps),
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

// A band's share of all answers: the headline when a band filter is on.
// `all` is the same report without the band.
function shareHeadline(stats, all, bandName) {
  const share = (part, whole) => (whole ? (part / whole) * 100 : null);
  const n = (stats.counts || {}).answers || 0;
  const total = (all.counts || {}).answers || 0;
  const now = share(n, total);
  const prevTotal = ((all.previous || {}).counts || {}).answers || 0;
  const before = share(((stats.previous || {}).counts || {}).answers || 0, prevTotal);
  const label = `${BAND_LABELS[bandName]}s`;
  return h(
    'section',
    { class: 'card headline', 'aria-labelledby': 'nps-title' },
    h('h2', { id: 'nps-title', class: 'sr-only' }, `Share of ${label.toLowerCase()}`),
    h('div', { class: 'nps' },
      h('span', { class: 'nps-label' }, label),
      h('span', { class: 'nps-value' }, now == null ? '—' : `${now.toFixed(1)}%`),
      h('span', { class: 'nps-margin' }, `${n.toLocaleString()} of ${total.toLocaleString()} answers`)),
    h('p', { class: 'muted' }, before == null ? 'No answers in the previous period to compare with.' : `${before.toFixed(1)}% in the previous period. The NPS is not shown while one band is filtered.`),
    h('dl', { class: 'stats' },
      h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, n.toLocaleString())),
      h('div', { class: 'stat' }, h('dt', null, 'All answers'), h('dd', null, total.toLocaleString())),
      h('div', { class: 'stat' }, h('dt', null, 'Comment rate'), h('dd', null, percent(stats.comment_rate)))),
    splitBar(all.counts || {}),
  );
}

// Fewer periods with answers than this: no trend line, a sentence instead.
const MIN_TREND_POINTS = 2;
// The y axis spans at least this many points, so that noise looks small.
const MIN_Y_SPAN = 20;

// The y range for `points` with their intervals, within `limits`.
function yRange(points, limits) {
  let lo = Math.min(...points.map((p) => p.lower));
  let hi = Math.max(...points.map((p) => p.upper));
  if (hi - lo < MIN_Y_SPAN) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_Y_SPAN / 2;
    hi = mid + MIN_Y_SPAN / 2;
  }
  lo = Math.max(limits[0], Math.floor((lo - 2) / 5) * 5);
  hi = Math.min(limits[1], Math.ceil((hi + 2) / 5) * 5);
  return [lo, hi];
}

// The trend: `points` ({start, answers, value, lower, upper}) per interval
// of the period, the 95% interval as a shaded band; a sentence while fewer than
// MIN_TREND_POINTS intervals have answers.
function trendChart(stats, points, { what, limits, unit }, width) {
  const filled = points.filter((p) => p.answers > 0);
  const interval = stats.interval || 'week';
  const table = srTable(`${what} by ${interval}`, ['Period', 'Answers', what, '95% interval'], filled.map((p) => [formatDate(p.start), String(p.answers), `${p.value.toFixed(1)}${unit}`, `${p.lower.toFixed(1)} to ${p.upper.toFixed(1)}`]));
  if (filled.length === 0) return h('div', null, h('p', { class: 'empty-line' }, 'No answers in this period yet.'), table);
  if (filled.length < MIN_TREND_POINTS) {
    const p = filled[0];
    return h('div', null,
      h('p', { class: 'empty-line trend-empty' }, `Not enough answers for a trend yet: ${p.answers === 1 ? 'the only answer falls' : `all ${p.answers.toLocaleString()} answers fall`} in the ${interval} of ${formatDate(p.start)}. A trend needs answers in at least ${MIN_TREND_POINTS} ${interval}s.`),
      table);
  }
  const box = h('div', { class: 'chart', 'aria-hidden': 'true' });
  // Every bucket of the period, empty ones bridged, so the axis is the period.
  const value = (p, f) => (p.answers > 0 ? f(p) : null);
  const xs = points.map((p) => Date.parse(p.start) / 1000);
  const data = [
    xs,
    points.map((p) => value(p, (q) => q.value)),
    points.map((p) => value(p, (q) => Math.min(limits[1], q.upper))),
    points.map((p) => value(p, (q) => Math.max(limits[0], q.lower))),
  ];
  const range = [Date.parse(stats.from) / 1000, Date.parse(stats.to) / 1000];
  const y = yRange(filled, limits);
  const plot = new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true, range: () => range }, y: { range: () => y } },
      series: [
        {},
        { label: what, stroke: '#4f46e5', width: 2, spanGaps: true, points: { show: true, size: 7, fill: '#4f46e5' } },
        { label: 'Upper', stroke: 'rgba(79,70,229,0.35)', width: 1, dash: [4, 4], spanGaps: true, points: { show: false } },
        { label: 'Lower', stroke: 'rgba(79,70,229,0.35)', width: 1, dash: [4, 4], spanGaps: true, points: { show: false } },
      ],
      bands: [{ series: [2, 3], fill: 'rgba(79,70,229,0.14)' }],
      axes: [{ stroke: '#6b7280', grid: { stroke: '#eef0f4' } }, { stroke: '#6b7280', grid: { stroke: '#eef0f4' }, values: (u, vals) => vals.map((v) => `${v}${unit}`) }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    },
    data,
    box,
  );
  box.plot = plot;
  return h('div', null, box, h('p', { class: 'hint' }, `The shaded band is each point’s 95% confidence interval; ${interval}s without answers are bridged.`), table);
}

// The 95% Wilson interval of `part` in `n`, in percent: unlike value ±
// margin it is not empty at 0% or 100% of a few answers.
function wilson(part, n) {
  if (!n) return [0, 0];
  const z = 1.96;
  const p = part / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half) * 100, Math.min(1, centre + half) * 100];
}

// The NPS trend, or with a band filter that band's share of each period.
function trendPoints(stats, all) {
  if (!all) return (stats.trend || []).map((p) => ({ start: p.start, answers: p.answers, value: p.nps, lower: p.nps - p.margin_of_error, upper: p.nps + p.margin_of_error }));
  return (all.trend || []).map((p, i) => {
    const part = ((stats.trend || [])[i] || {}).answers || 0;
    const [lower, upper] = wilson(part, p.answers);
    return { start: p.start, answers: p.answers, value: p.answers ? (part / p.answers) * 100 : 0, lower, upper };
  });
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
  const data = await api(`surveys/${survey.id}/responses${query({ from: params.from, band: params.band, ...traitParams(params), limit: 50 })}`);
  const withComment = data.responses.filter((r) => r.comment).slice(0, 6);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title' }, 'Latest comments'),
    withComment.length
      ? h('ul', { class: 'comments' }, withComment.map((r) => h('li', null, h('span', { class: `score score-${band(r.score)}`, 'aria-label': `Score ${r.score}` }, String(r.score)), h('div', null, h('blockquote', { class: 'comment' }, r.comment), h('p', { class: 'muted' }, h('a', { href: `#/surveys/${survey.id}/customers/${r.customer_id}` }, r.name || r.first_name || r.email), ' · ', formatTime(r.answered_at))))))
      : h('p', { class: 'empty-line' }, 'No comments in this period.'),
    h('a', { href: `#/surveys/${survey.id}/responses${query({ band: params.band, ...traitParams(params) })}` }, 'All responses'),
  );
}

export async function dashboardPage(main, survey) {
  const params = hashParams();
  const traits = await loadTraits(survey);
  const select = (key, options, fallback) => {
    const el = h('select', null, options.map(([v, l]) => h('option', { value: v }, l)));
    el.value = options.some(([v]) => v === params[key]) ? params[key] : fallback;
    el.addEventListener('change', () => setHashParams({ ...params, [key]: el.value === fallback ? '' : el.value }));
    return el;
  };
  const period = select('days', PERIODS, '90');
  const interval = select('interval', [['week', 'By week'], ['month', 'By month'], ['day', 'By day']], 'week');
  const tag = select('tag', [['', 'Any tag'], ...(survey.content.tags || []).map((t) => [t, t])], '');
  const comment = select('has_comment', [['', 'Any'], ['true', 'With a comment'], ['false', 'Without one']], '');
  const to = new Date();
  const from = isoDay(new Date(to.getTime() - Number(period.value) * 86400000));
  const filter = { from, interval: interval.value, band: params.band, tag: tag.value, has_comment: comment.value, ...traitParams(params) };
  const csv = h('a', { class: 'btn btn-small', download: '' }, 'Export CSV');
  const setCsv = (columns) => {
    csv.href = `api/surveys/${survey.id}/responses.csv${query({ ...filter, interval: '', columns })}`;
  };
  setCsv('');
  const body = h('div', { class: 'stack', 'aria-live': 'polite' });
  let plot = null;

  async function load() {
    let stats;
    let all = null;
    try {
      // With a band filter, the same report without it gives the whole.
      [stats, all] = await Promise.all([
        api(`surveys/${survey.id}/stats${query(filter)}`),
        filter.band ? api(`surveys/${survey.id}/stats${query({ ...filter, band: '' })}`) : null,
      ]);
    } catch (e) {
      clear(body).append(h('p', { class: 'notice notice-error', role: 'alert' }, e.message));
      return;
    }
    const trendTitle = all ? `Share of ${BAND_LABELS[filter.band].toLowerCase()}s` : 'Trend';
    const trendCard = h('section', { class: 'card', 'aria-labelledby': 'trend-title' }, h('h2', { id: 'trend-title' }, trendTitle));
    const tags = tagBars(stats);
    const followUps = await api(`surveys/${survey.id}/follow-ups/summary${query({ from })}`).catch(() => null);
    clear(body).append(all ? shareHeadline(stats, all, filter.band) : headline(stats, followUpStats(survey, followUps)), trendCard, tags ? h('div', { class: 'grid-2 grid-cards' }, distribution(stats), tags) : distribution(stats));
    const chart = trendChart(stats, trendPoints(stats, all), all ? { what: 'Share', limits: [0, 100], unit: '%' } : { what: 'NPS', limits: [-100, 100], unit: '' }, Math.max(260, trendCard.clientWidth - 40));
    trendCard.append(chart);
    plot = chart.querySelector('.chart')?.plot || null;
    body.append(await latestComments(survey, filter));
  }
  // Drawn after the first await, once the page is in the document, so the
  // chart knows its width.
  load();
  const resize = () => {
    const card = body.querySelector('.chart');
    if (plot && card) plot.setSize({ width: Math.max(260, card.parentElement.parentElement.clientWidth - 40), height: 260 });
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
      field('Period', period), field('Trend', interval), field('Score', bandSelect(params)), traitFields(params, traits), field('Tag', tag), field('Comment', comment),
      // The export holds personal data: a viewer is not offered it (the API says 403).
      mayAct('editor') ? h('div', { class: 'export' }, csv, csvColumnPicker(traits, setCsv)) : null),
    activeFilters(params, ['band', 'tag', 'has_comment']),
    body,
    reportEmailCard(survey),
    alertsCard(survey),
  );
}
