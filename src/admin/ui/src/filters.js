// Filters that live in the URL's fragment after "?"
// (#/surveys/3/dashboard?trait.plan=pro&band=promoter), so that a view can
// be shared and Back restores it: a page reads them with hashParams() and
// changes them with setHashParams(), whose hashchange renders it again.
import { api } from './api.js';
import { field, h, newId } from './dom.js';

// The parameters in the current fragment, as a plain object.
export function hashParams() {
  const hash = location.hash;
  const q = hash.indexOf('?');
  const out = {};
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(hash.slice(q + 1))) {
    if (v !== '') out[k] = v;
  }
  return out;
}

// The fragment with `params` (empty values left out), the path kept.
export function hashWith(params) {
  const path = location.hash.replace(/\?.*$/, '') || '#/';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function setHashParams(params) {
  const next = hashWith(params);
  if (next !== location.hash) location.hash = next;
}

// The trait.NAME entries of `params`.
export function traitParams(params) {
  return Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith('trait.')));
}

// The survey's traits with their commonest values (api/surveys/{id}/traits),
// fetched once per page view; [] when the API cannot say.
export async function loadTraits(survey) {
  try {
    return (await api(`surveys/${survey.id}/traits`)).traits;
  } catch {
    return [];
  }
}

const BAND_OPTIONS = [
  ['', 'All scores'],
  ['promoter', 'Promoters (9–10)'],
  ['passive', 'Passives (7–8)'],
  ['detractor', 'Detractors (0–6)'],
];

export function bandSelect(params) {
  const select = h('select', null, BAND_OPTIONS.map(([v, l]) => h('option', { value: v }, l)));
  select.value = params.band || '';
  select.addEventListener('change', () => setHashParams({ ...params, band: select.value }));
  return select;
}

// Trait name, then one of its values: fields for a filter form. One trait
// at a time; further trait.* parameters in the URL are kept and applied.
export function traitFields(params, traits) {
  const [current] = Object.entries(traitParams(params));
  const currentName = current ? current[0].slice('trait.'.length) : '';
  const currentValue = current ? current[1] : '';
  const name = h(
    'select',
    null,
    h('option', { value: '' }, traits.length ? 'Any customer' : 'No traits yet'),
    traits.map((t) => h('option', { value: t.name }, t.name)),
  );
  if (currentName && !traits.some((t) => t.name === currentName)) {
    name.append(h('option', { value: currentName }, currentName));
  }
  name.value = currentName;
  name.disabled = !traits.length && !currentName;
  const value = h('select');
  const fillValues = (traitName, selected) => {
    value.replaceChildren();
    const trait = traits.find((t) => t.name === traitName);
    const values = trait ? trait.values : [];
    value.append(h('option', { value: '' }, traitName ? 'Choose a value' : '—'));
    values.forEach((v) => value.append(h('option', { value: v.value }, `${v.value} (${v.customers.toLocaleString()})`)));
    if (selected && !values.some((v) => v.value === selected)) value.append(h('option', { value: selected }, selected));
    value.value = selected || '';
    value.disabled = !traitName;
  };
  fillValues(currentName, currentValue);
  const withoutCurrent = () => {
    const next = { ...params };
    if (current) delete next[current[0]];
    return next;
  };
  name.addEventListener('change', () => {
    if (!name.value) {
      setHashParams(withoutCurrent());
      return;
    }
    fillValues(name.value, '');
    value.focus();
  });
  value.addEventListener('change', () => {
    if (!value.value) return;
    setHashParams({ ...withoutCurrent(), [`trait.${name.value}`]: value.value });
  });
  return [field('Customer trait', name), field('Trait value', value)];
}

const FILTER_LABELS = {
  band: (v) => ({ promoter: 'promoters', passive: 'passives', detractor: 'detractors' })[v] || v,
  from: (v) => `from ${v}`,
  to: (v) => `to ${v}`,
  tag: (v) => `rated ${v}`,
  has_comment: (v) => (v === 'true' ? 'with a comment' : 'without a comment'),
};

// A line saying which of `keys` and the traits filter the view, with a
// link that clears them; null when none does.
export function activeFilters(params, keys) {
  const on = Object.entries(params).filter(([k]) => k.startsWith('trait.') || keys.includes(k));
  if (!on.length) return null;
  const cleared = { ...params };
  on.forEach(([k]) => delete cleared[k]);
  const label = ([k, v]) => (k.startsWith('trait.') ? `${k.slice(6)} = ${v}` : (FILTER_LABELS[k] || ((x) => `${k} = ${x}`))(v));
  return h(
    'p',
    { class: 'active-filters' },
    'Filtered: ',
    on.map((entry, i) => [i ? ', ' : '', h('strong', null, label(entry))]),
    ' · ',
    h('a', { href: hashWith(cleared) }, 'Clear filters'),
  );
}

// Checkboxes choosing the CSV export's extra columns (user_id and
// traits); calls onChange with the columns parameter ("" for none).
export function csvColumnPicker(traits, onChange) {
  const boxes = [['user_id', 'User ID'], ...traits.map((t) => [`trait.${t.name}`, t.name])].map(([value, label]) => {
    const id = newId('col');
    const input = h('input', { type: 'checkbox', id, value });
    input.addEventListener('change', () => onChange(boxes.filter((b) => b.input.checked).map((b) => b.input.value).join(',')));
    return { input, el: h('li', null, input, h('label', { for: id }, label)) };
  });
  return h(
    'details',
    { class: 'csv-columns' },
    h('summary', null, 'CSV columns'),
    h('p', { class: 'hint' }, 'Added after the answer columns.'),
    h('ul', { class: 'checks' }, boxes.map((b) => b.el)),
  );
}
