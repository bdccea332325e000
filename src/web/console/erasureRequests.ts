// For managers: the erasures citizens asked for from their space, the oldest first, each with the date
// it is due (a month, RGPD article 12.3) and the request to open to carry it out; late ones said so.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

type ErasureRequest = { citizenId: string; name: string | null; at: string; dueBy: string; reference: string | null };
const day = (iso: string) => new Date(iso).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

export function erasureRequests(deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const list = h('ul', { id: 'erasure-requests' });
  const section = h('section', { class: 'admin', 'aria-labelledby': 'erasure-requests-title' }, h('h2', { id: 'erasure-requests-title' }, t('ui.erasure_requests.title')), list);
  const load = async () => {
    try {
      const { requests } = await deps.api.get<{ requests: ErasureRequest[] }>('/api/citizens/erasure-requests');
      const now = Date.now();
      replaceChildren(
        list,
        ...(requests.length
          ? requests.map((r) => h('li', {}, `${t('ui.erasure_requests.item', { name: [r.name, r.reference].filter(Boolean).join(', ') || r.citizenId, at: day(r.at), due: day(r.dueBy) })}${new Date(r.dueBy).getTime() < now ? ` — ${t('ui.erasure_requests.late')}` : ''}`))
          : [h('li', {}, t('ui.erasure_requests.none'))]),
      );
    } catch (err) {
      deps.announce((err as Error).message, true);
    }
  };
  void load();
  return { element: section, refresh: load };
}
