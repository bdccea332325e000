// The citizen portal: a request followed at any hour from the link in the acknowledgement, on a phone
// first. The summary and the thread are refreshed after each action; what the citizen types stays.
import { ApiError, createApi } from '../shared/api.js';
import { byId, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { callbackForm } from './callbackForm.js';
import { documentsForm } from './documentsForm.js';
import { satisfactionForm } from './satisfactionForm.js';
import { threadItems } from './thread.js';
import type { PortalView } from './types.js';

const token = location.pathname.split('/').pop() ?? '';
const base = `/api/portal/${encodeURIComponent(token)}`;
const http = createApi({ token: () => null, onUnauthorized: () => undefined });
/** The portal's own calls, relative to its link. */
const api = { ...http, get: <T>(path: string) => http.get<T>(`${base}${path}`), post: <T>(path: string, body?: unknown) => http.post<T>(`${base}${path}`, body) };

const when = (iso: string) => new Date(iso).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
// The console's words for a status, the citizen addressed as « vous ».
const STATES = { new: 'ui.status.new', open: 'ui.status.open', pending: 'ui.portal.state.pending', resolved: 'ui.status.resolved', closed: 'ui.status.closed' } as const;

const state = byId('state');
const section = byId('ticket');
const extras = byId('extras');
let documents: ReturnType<typeof documentsForm> | null = null;

async function load() {
  let view: PortalView;
  try {
    view = await api.get<PortalView>('');
  } catch (err) {
    section.hidden = true;
    state.textContent = err instanceof ApiError && err.status === 404 ? t('ui.portal.not_found') : t('ui.portal.down');
    return;
  }
  render(view);
}

function render(view: PortalView) {
  document.title = t('ui.portal.doc_title', { reference: view.reference });
  byId('title').textContent = t('ui.portal.heading', { reference: view.reference });
  byId('service').textContent = view.serviceName ? t('ui.portal.service_name', { service: view.serviceName.charAt(0).toLocaleUpperCase('fr-FR') + view.serviceName.slice(1) }) : '';
  state.textContent = '';
  byId('reference').textContent = view.reference;
  byId('status').textContent = t(STATES[view.status as keyof typeof STATES]) ?? view.status;
  byId('agent').textContent = view.agentFirstName ?? t('ui.portal.agent_unknown');
  byId('expected').textContent = view.expectedBy ? t('ui.portal.expected_by', { date: when(view.expectedBy) }) : view.status === 'pending' ? t('ui.portal.expected_after_you') : '—';
  replaceChildren(byId('messages'), ...threadItems(view));
  // Built once: a later refresh must not reset a choice being made; the checklist is updated in place.
  if (!documents) {
    documents = documentsForm(view, { api, onDone: () => void load() });
    replaceChildren(extras, satisfactionForm(view, { api }), documents.element, callbackForm(view, { api, onDone: () => void load() }));
  } else documents.update(view);
  section.hidden = false;
}

byId('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = byId('text') as HTMLTextAreaElement;
  const text = input.value.trim();
  if (!text) return;
  const notice = byId('notice');
  notice.hidden = false;
  try {
    await api.post('/messages', { text, clientId: `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}` });
    input.value = '';
    notice.className = 'notice ok';
    notice.textContent = t('ui.portal.added');
    await load();
  } catch (err) {
    notice.className = 'notice error';
    notice.textContent = t('ui.portal.not_sent', { reason: (err as Error).message });
  }
});

void load();
