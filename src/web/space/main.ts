// « Mon espace »: every request of the citizen in one place, on a phone first. Not signed in: the
// sign-in (FranceConnect, or a code to an address we know). Signed in: their requests (#demande/REF opens
// one), a new request, their data. Only what the citizen asked for moves the focus.
import { ApiError, createApi } from '../shared/api.js';
import { byId, h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { PortalView } from '../portal/types.js';
import { myData } from './myData.js';
import { newRequestForm, requestList } from './requestList.js';
import { requestView } from './requestView.js';
import { franceConnectButton, signInForms } from './signIn.js';
import type { FranceConnectState, RequestLine, SessionView } from './types.js';

const state = byId('state');
const view = byId('view');
const api = createApi({ token: () => null, onUnauthorized: () => undefined });
let session: SessionView | null = null;

const announce = (text: string) => void (state.textContent = text);

async function start() {
  try {
    session = await api.get<SessionView>('/api/citizen/session');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) return announce(t('ui.portal.down'));
    session = null;
  }
  await route();
}

async function route() {
  if (!session) return showSignIn();
  const reference = /^#demande\/(.+)$/.exec(location.hash)?.[1];
  return reference ? showRequest(decodeURIComponent(reference)) : showHome();
}

async function showSignIn(linking = false) {
  const fc = linking ? null : await api.get<FranceConnectState>('/api/citizen/franceconnect').catch(() => ({ offered: false, available: false }));
  const outcome = new URLSearchParams(location.search).get('franceconnect');
  announce(outcome === 'failed' ? t('ui.space.fc_failed') : outcome === 'unavailable' ? t('ui.space.fc_unavailable') : '');
  replaceChildren(
    view,
    h(
      'section',
      { 'aria-labelledby': 'sign-in-title' },
      h('h2', { id: 'sign-in-title' }, linking ? t('ui.space.link_title') : t('ui.space.sign_in_title')),
      h('p', {}, linking ? t('ui.space.link_intro') : t('ui.space.intro')),
      fc ? franceConnectButton(fc) : null,
      signInForms({ api, linking, onSignedIn: () => void signedIn(linking) }),
    ),
  );
}

async function signedIn(linking: boolean) {
  session = await api.get<SessionView>('/api/citizen/session');
  history.replaceState(null, '', '/espace');
  await showHome();
  if (linking) announce(t('ui.space.link_done'));
  byId('welcome').focus();
}

function header() {
  return h(
    'div',
    { class: 'bar' },
    h('p', { id: 'welcome', tabindex: -1 }, session?.name ? t('ui.space.welcome', { name: session.name }) : t('ui.space.welcome_anonymous')),
    h('button', { type: 'button', id: 'sign-out', class: 'secondary', onclick: () => void signOut() }, t('ui.space.sign_out')),
  );
}

async function showHome() {
  announce('');
  document.title = t('ui.space.doc_title');
  if (session && !session.linked) {
    // A FranceConnect identity we cannot tie to anyone yet: an empty space, and the way to link it.
    await showSignIn(true);
    view.prepend(header());
    return;
  }
  let requests: RequestLine[];
  try {
    requests = (await api.get<{ requests: RequestLine[] }>('/api/citizen/requests')).requests;
  } catch (err) {
    return failed(err);
  }
  replaceChildren(
    view,
    header(),
    requestList(requests),
    newRequestForm({ api, categories: session?.categories ?? [], onDone: (reference) => {
      location.hash = `#demande/${encodeURIComponent(reference)}`;
      announce(t('ui.space.new_done', { reference }));
    } }),
    myData({ api }),
  );
}

async function showRequest(reference: string) {
  const base = `/api/citizen/requests/${encodeURIComponent(reference)}`;
  const scoped = { ...api, get: <T>(path: string) => api.get<T>(`${base}${path}`), post: <T>(path: string, body?: unknown) => api.post<T>(`${base}${path}`, body) };
  let detail: PortalView;
  try {
    detail = await scoped.get<PortalView>('');
  } catch (err) {
    return failed(err);
  }
  document.title = `${t('ui.space.request_title', { reference })} — ${t('ui.space.title')}`;
  const render = (current: PortalView) => {
    replaceChildren(view, header(), requestView(current, { api: scoped, reload: () => void scoped.get<PortalView>('').then(refresh, failed) }));
    byId('back').addEventListener('click', (event) => {
      event.preventDefault();
      location.hash = '';
    });
  };
  // After an action the thread is redrawn; what the citizen types elsewhere stays (forms are rebuilt only on navigation).
  const refresh = (current: PortalView) => {
    const fresh = requestView(current, { api: scoped, reload: () => void scoped.get<PortalView>('').then(refresh, failed) });
    byId('messages').replaceWith(fresh.querySelector('#messages')!);
    byId('status').textContent = fresh.querySelector('#status')!.textContent;
  };
  render(detail);
  byId('request-title').focus();
}

function failed(err: unknown) {
  if (err instanceof ApiError && err.status === 401) {
    session = null;
    announce(t('space.not_signed_in'));
    return showSignIn();
  }
  announce((err as Error).message);
}

async function signOut() {
  const { logoutUrl } = await api.delete<{ logoutUrl: string | null }>('/api/citizen/session').catch(() => ({ logoutUrl: null }));
  session = null;
  if (logoutUrl) return location.assign(logoutUrl);
  history.replaceState(null, '', '/espace');
  await showSignIn();
  announce(t('ui.space.signed_out'));
}

window.addEventListener('hashchange', () => {
  if (!session) return;
  void route().then(() => {
    if (!location.hash) byId('requests-title')?.focus();
  });
});
void start();
