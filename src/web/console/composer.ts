// The reply form: the channel to answer on, an SMS counter while typing, canned answers inserted by
// typing "/" and a few letters (a listbox the keyboard drives), a file for an email reply; and the
// internal note form beside it.
import { smsLength } from '../../domain/sms.js';
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { channelLabel, t } from '../shared/i18n.js';
import type { CannedAnswer, TicketDetail } from './types.js';
import { replyVia, type ChannelName } from '../../../channels/registry.js';

const KINDS: Record<string, string> = { phone: 'sms', email: 'email', chat: 'chat' };

export function composer(ticket: TicketDetail, deps: { api: Api; canned: CannedAnswer[]; announce: (text: string, error?: boolean) => void; onSent: () => void; onTyping: () => void }) {
  const { api } = deps;
  const channels = [...new Set(ticket.citizen.identities.map((i) => KINDS[i.kind]).filter((c): c is string => !!c))];
  const text = h('textarea', { id: 'reply-text', rows: 4, 'aria-describedby': 'reply-counter', 'aria-autocomplete': 'list', 'aria-controls': 'canned-list' });
  const channel = h('select', { id: 'reply-channel' }, ...channels.map((c) => h('option', { value: c }, channelLabel(c))));
  const usual = replyVia(ticket.channel as ChannelName);
  channel.value = channels.includes(usual) ? usual : (channels[0] ?? '');
  const counter = h('p', { id: 'reply-counter', class: 'meta' });
  const file = h('input', { id: 'reply-file', type: 'file' });
  const fileRow = h('p', {}, h('label', { for: 'reply-file' }, t('ui.reply.attach')), file);
  const suggestions = h('ul', { id: 'canned-list', role: 'listbox', 'aria-label': t('ui.reply.canned_list'), hidden: true });
  let active = -1;
  let matches: CannedAnswer[] = [];

  const refresh = () => {
    fileRow.hidden = channel.value !== 'email';
    if (channel.value === 'sms') {
      const length = smsLength(text.value);
      counter.textContent = t('ui.reply.sms_counter', { chars: text.value.length, segments: length.segments, encoding: length.encoding });
    } else counter.textContent = '';
  };
  /** "/hor" at the end of the text: the canned answers whose title starts so. */
  const slashWord = () => /(?:^|\s)\/([\p{L}\d-]*)$/u.exec(text.value.slice(0, text.selectionStart ?? text.value.length));
  const showSuggestions = () => {
    const word = slashWord();
    matches = word ? deps.canned.filter((a) => a.title.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').startsWith(word[1]!.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''))).slice(0, 8) : [];
    suggestions.textContent = '';
    active = matches.length ? 0 : -1;
    if (!word) return closeSuggestions();
    if (!matches.length) suggestions.append(h('li', { role: 'option', 'aria-disabled': 'true', id: 'canned-none' }, t('ui.reply.canned_none')));
    matches.forEach((answer, i) => suggestions.append(h('li', { role: 'option', id: `canned-${i}`, 'aria-selected': String(i === active), onmousedown: (e: Event) => { e.preventDefault(); void insert(answer); } }, answer.title)));
    suggestions.hidden = false;
    if (active >= 0) text.setAttribute('aria-activedescendant', `canned-${active}`);
  };
  const closeSuggestions = () => {
    suggestions.hidden = true;
    text.removeAttribute('aria-activedescendant');
  };
  // A canned answer with "pièces à fournir" goes with the reply, so its pieces join the ticket's checklist.
  let withPieces: string | null = null;
  const insert = async (answer: CannedAnswer) => {
    if (answer.documents?.length) withPieces = answer.id;
    const rendered = await api.get<{ text: string }>(`/api/tickets/${ticket.id}/canned-answers/${answer.id}`);
    const word = slashWord();
    const caret = text.selectionStart ?? text.value.length;
    const start = word ? caret - word[1]!.length - 1 : caret;
    text.value = text.value.slice(0, start) + rendered.text + text.value.slice(caret);
    closeSuggestions();
    text.focus();
    refresh();
  };

  text.addEventListener('input', () => {
    refresh();
    showSuggestions();
    deps.onTyping();
  });
  text.addEventListener('keydown', (event) => {
    if (suggestions.hidden || !matches.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      suggestions.querySelectorAll('[role=option]').forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
      text.setAttribute('aria-activedescendant', `canned-${active}`);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      void insert(matches[active]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeSuggestions();
    }
  });
  channel.addEventListener('change', refresh);
  refresh();

  const send = async (event: Event) => {
    event.preventDefault();
    try {
      const attachments: string[] = [];
      if (channel.value === 'email' && file.files?.[0]) {
        const form = new FormData();
        form.append('file', file.files[0]);
        attachments.push((await api.post<{ id: string }>(`/api/tickets/${ticket.id}/attachments`, form)).id);
      }
      await api.post(`/api/tickets/${ticket.id}/replies`, { text: text.value, channel: channel.value || undefined, ...(attachments.length ? { attachments } : {}), ...(withPieces ? { cannedAnswerId: withPieces } : {}) });
      withPieces = null;
      text.value = '';
      file.value = '';
      refresh();
      deps.announce(t('ui.reply.sent'));
      deps.onSent();
    } catch (err) {
      deps.announce((err as Error).message, true);
    }
  };
  const reply = h(
    'form',
    { class: 'composer', 'aria-labelledby': 'reply-title', onsubmit: send },
    h('h3', { id: 'reply-title' }, t('ui.reply.title')),
    h('label', { for: 'reply-text' }, t('ui.reply.text')),
    text,
    suggestions,
    counter,
    h('div', { class: 'row' }, h('span', {}, h('label', { for: 'reply-channel' }, t('ui.reply.channel')), channel), h('button', { type: 'submit' }, t('ui.reply.send'))),
    fileRow,
  );

  const noteText = h('textarea', { id: 'note-text', rows: 2 });
  const note = h(
    'form',
    {
      class: 'note',
      'aria-labelledby': 'note-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api.post(`/api/tickets/${ticket.id}/notes`, { text: noteText.value });
          noteText.value = '';
          deps.announce(t('ui.note.added'));
          deps.onSent();
        } catch (err) {
          deps.announce((err as Error).message, true);
        }
      },
    },
    h('h3', { id: 'note-title' }, h('label', { for: 'note-text' }, t('ui.note.title'))),
    noteText,
    h('button', { type: 'submit', class: 'secondary' }, t('ui.note.add')),
  );
  return h('div', {}, reply, note);
}
