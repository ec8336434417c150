// DOM building without markup strings: every value becomes a text node or
// an attribute, so a survey name or a comment holding "<script>" is shown
// as text. Nothing in the admin UI assigns innerHTML.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'indeterminate']);

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') {
      el.className = value;
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (PROPERTIES.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uniqueId = 0;
export function newId(prefix) {
  uniqueId += 1;
  return `${prefix}-${uniqueId}`;
}

// A labelled form control; `hint` is tied to it with aria-describedby.
export function field(label, control, hint) {
  if (!control.id) control.id = newId('f');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function button(label, onclick, props = {}) {
  return h('button', { type: 'button', class: props.class || 'btn', onclick, ...props }, label);
}

// The live region every page reports outcomes through.
let toastTimer = 0;
export function toast(message, kind = 'ok') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.className = `toast toast-${kind} visible`;
  el.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('visible'), kind === 'error' ? 9000 : 4000);
}

// A modal confirmation on the native <dialog>: focus is trapped and
// Escape cancels. Resolves true when confirmed.
export function confirmDialog({ title, body, confirm, danger }) {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('h2', { id: 'dialog-title' }, title),
      h('p', null, body),
      h(
        'div',
        { class: 'actions' },
        button('Cancel', () => dialog.close('cancel'), { class: 'btn btn-quiet' }),
        button(confirm, () => dialog.close('ok'), {
          class: danger ? 'btn btn-danger' : 'btn btn-primary',
        }),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
