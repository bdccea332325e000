// The agent's own availability: available, or away until a date with a colleague who covers.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { AgentWithLoad, Me } from './types.js';

export function availabilityForm(me: Me & { availability?: string; coverAgentId?: string | null; awayUntil?: string | null; phone?: string | null }, deps: { api: Api; colleagues: AgentWithLoad[]; announce: (text: string, error?: boolean) => void }) {
  const state = h('select', { id: 'availability' }, h('option', { value: 'available' }, t('ui.availability.available')), h('option', { value: 'away' }, t('ui.availability.away')));
  state.value = me.availability ?? 'available';
  const until = h('input', { id: 'away-until', type: 'datetime-local' });
  if (me.awayUntil) until.value = me.awayUntil.slice(0, 16);
  const cover = h('select', { id: 'cover-agent' }, h('option', { value: '' }, t('ui.availability.no_cover')), ...deps.colleagues.filter((a) => a.id !== me.id).map((a) => h('option', { value: a.id }, a.name)));
  cover.value = me.coverAgentId ?? '';
  const awayFields = h('span', { class: 'row' }, h('span', {}, h('label', { for: 'away-until' }, t('ui.availability.until')), until), h('span', {}, h('label', { for: 'cover-agent' }, t('ui.availability.cover')), cover));
  // The phone rung first when this agent calls a citizen back.
  const phone = h('input', { id: 'agent-phone', type: 'tel', autocomplete: 'tel', maxlength: 40, value: me.phone ?? '' });
  // Where live calls ring: offered only when the browser phone is configured.
  const device = h('select', { id: 'voice-device' }, h('option', { value: 'phone' }, t('ui.availability.voice_phone')), h('option', { value: 'browser' }, t('ui.availability.voice_browser')));
  device.value = me.voiceDevice ?? 'phone';
  const sync = () => (awayFields.hidden = state.value !== 'away');
  state.addEventListener('change', sync);
  sync();
  return h(
    'form',
    {
      class: 'availability row',
      'aria-labelledby': 'availability-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const away = state.value === 'away';
          await deps.api.patch(`/api/agents/${me.id}`, {
            availability: state.value,
            coverAgentId: away && cover.value ? cover.value : null,
            until: away && until.value ? new Date(until.value).toISOString() : null,
            phone: phone.value.trim() || null,
            ...(me.workspace.browserCalls ? { voiceDevice: device.value } : {}),
          });
          deps.announce(t('ui.availability.saved'));
        } catch (err) {
          deps.announce((err as Error).message, true);
        }
      },
    },
    h('h2', { id: 'availability-title', class: 'visually-hidden' }, t('ui.availability.title')),
    h('span', {}, h('label', { for: 'availability' }, t('ui.availability.title')), state),
    awayFields,
    h('span', {}, h('label', { for: 'agent-phone' }, t('ui.availability.phone')), phone),
    me.workspace.browserCalls ? h('span', {}, h('label', { for: 'voice-device' }, t('ui.availability.voice_device')), device) : null,
    h('button', { type: 'submit', class: 'secondary' }, t('ui.availability.save')),
  );
}
