// How figures and times read in the admin.

export function band(score) {
  if (score <= 6) return 'detractor';
  return score <= 8 ? 'passive' : 'promoter';
}

export const BAND_LABELS = { detractor: 'Detractor', passive: 'Passive', promoter: 'Promoter' };

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

export function days(n) {
  return n === 1 ? '1 day' : `${n} days`;
}

export function plural(n, one, many) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function percent(fraction) {
  return fraction == null ? '—' : `${(fraction * 100).toFixed(1)}%`;
}

// YYYY-MM-DD of a Date, in UTC, for date inputs and API filters.
export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}
