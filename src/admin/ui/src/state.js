// What the pages share: whether the current page has unsaved changes, what
// to run when it is left, and the installation's facts (api/installation).

export const appState = { dirty: false, hash: '', cleanup: null, installation: null };

export function setDirty(dirty) {
  appState.dirty = dirty;
  const title = document.title.replace(/^• /, '');
  document.title = dirty ? `• ${title}` : title;
}

export function onLeave(fn) {
  appState.cleanup = fn;
}

export function installation() {
  return appState.installation || {};
}
