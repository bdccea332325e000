// Live calls in the console: who is calling the agent as it rings (a screen pop with their open
// request, said politely, never taking the focus), and the calls waiting for the agent's team, each
// with « Prendre l'appel ». The phone or the browser rings; what happens appears in the thread.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { Softphone } from './softphone.js';

type Caller = { callSid: string; ticketId: string; reference: string; citizen: { id: string; name: string | null }; from: string };

export function liveCallsPanel(deps: { api: Api; announce: (text: string, error?: boolean) => void; onOpenTicket: (ticketId: string) => void; phone: Softphone | null }) {
  const ringing = h('div', { id: 'call-incoming', 'aria-live': 'polite' });
  const waitingList = h('ul', { class: 'calls-list', id: 'calls-waiting', 'aria-labelledby': 'calls-waiting-title' });
  const waitingTitle = h('h2', { id: 'calls-waiting-title', class: 'visually-hidden' }, t('ui.calls.waiting_title'));
  const waiting = new Map<string, HTMLLIElement>();
  const element = h('section', { class: 'calls', 'aria-label': t('ui.calls.title'), hidden: true }, ringing, waitingTitle, waitingList);
  const show = () => (element.hidden = !ringing.childElementCount && !waiting.size);
  const who = (call: Caller) => call.citizen.name ?? call.from;
  let caller: Caller | null = null;
  const button = (label: 'ui.calls.accept' | 'ui.calls.decline' | 'ui.calls.hang_up', act: () => unknown) => h('button', { type: 'button', class: 'secondary', onclick: () => act() }, t(label));

  return {
    element,
    /** Rings now at this agent: who calls, and their request one key press away. */
    incoming(call: Caller) {
      caller = call;
      const phone = deps.phone;
      replaceChildren(ringing, h('p', { class: 'badge ringing' },
        t(phone ? 'ui.calls.incoming_browser' : 'ui.calls.incoming', { who: who(call), reference: call.reference }), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => deps.onOpenTicket(call.ticketId) }, t('ui.calls.open_request')),
        ...(phone ? [' ', button('ui.calls.accept', () => phone.accept()), ' ', button('ui.calls.decline', () => phone.decline())] : [])));
      show();
    },
    /** This agent's call: on it (mute, hang up), or over. Said politely; the focus stays where it is. */
    state(update: { callSid: string; state: 'connected' | 'ended' }) {
      if (update.state === 'ended') {
        replaceChildren(ringing);
        caller = null;
        deps.announce(t('ui.calls.ended'));
        return show();
      }
      const phone = deps.phone;
      const mute = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, t('ui.calls.mute'));
      mute.addEventListener('click', () => {
        const on = mute.getAttribute('aria-pressed') !== 'true';
        phone?.mute(on);
        mute.setAttribute('aria-pressed', String(on));
      });
      replaceChildren(ringing, h('p', { class: 'badge on-call' }, t('ui.calls.on_call', { who: caller ? who(caller) : '' }), ...(phone ? [' ', mute, ' ', button('ui.calls.hang_up', () => phone.hangUp())] : [])));
      show();
    },
    /** A call waits for the team: listed until taken, left or hung up. */
    queued(call: Caller) {
      if (waiting.has(call.callSid)) return;
      const take = h('button', { type: 'button', class: 'secondary' }, t('ui.calls.take'));
      take.addEventListener('click', async () => {
        try {
          await deps.api.post(`/api/calls/${call.callSid}/answer`);
          deps.announce(t('ui.calls.taken'));
        } catch (err) {
          deps.announce((err as Error).message, true);
        }
      });
      const item = h('li', {}, t('ui.calls.waiting', { who: who(call), reference: call.reference }), ' ', take);
      waiting.set(call.callSid, item);
      waitingList.append(item);
      show();
    },
    dequeued(callSid: string) {
      waiting.get(callSid)?.remove();
      waiting.delete(callSid);
      if (ringing.textContent && !waiting.size) replaceChildren(ringing);
      show();
    },
  };
}
