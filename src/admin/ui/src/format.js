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

// A size in bytes as people read it: "812 bytes", "4.2 KB", "37 MB",
// "1.5 GB" (units of 1024, as the logo limit's "512 KB").
export function formatBytes(n) {
  if (n == null || !Number.isFinite(n)) return '—';
  const units = ['KB', 'MB', 'GB', 'TB'];
  if (n < 1024) return plural(n, 'byte', 'bytes');
  let value = n / 1024;
  let unit = 0;
  while (value >= 1023.5 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[unit]}`;
}

export function percent(fraction) {
  return fraction == null ? '—' : `${(fraction * 100).toFixed(1)}%`;
}

// YYYY-MM-DD of a Date, in UTC, for date inputs and API filters.
export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}
