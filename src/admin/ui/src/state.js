// What the pages share: whether the current page has unsaved changes, what
// to run when it is left, the installation's facts (api/installation) and
// who is signed in with which role (api/me).

export const appState = { dirty: false, hash: '', cleanup: null, installation: null, me: null };

const ROLE_RANK = { viewer: 0, editor: 1, owner: 2 };

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

// Whether the signed-in user's role is `role` or above ('viewer' <
// 'editor' < 'owner'). Pages leave out the controls a role may not use; the
// API enforces the same rules with a 403.
export function mayAct(role) {
  const mine = appState.me ? appState.me.role : 'owner';
  return (ROLE_RANK[mine] ?? 0) >= ROLE_RANK[role];
}
