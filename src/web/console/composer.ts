// The reply form: the channel to answer on, an SMS counter while typing, canned answers inserted by
// typing "/" and a few letters (a listbox the keyboard drives), a file for an email reply; and the
// internal note form beside it.
import { smsLength, toGsm7 } from '../../domain/sms.js';
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { channelLabel, t } from '../shared/i18n.js';
import type { CannedAnswer, TicketDetail } from './types.js';
import { replyVia, type ChannelName } from '../../../channels/registry.js';

const KINDS: Record<string, string> = { phone: 'sms', email: 'email', chat: 'chat' };

type Deps = { api: Api; canned: CannedAnswer[]; announce: (text: string, error?: boolean) => void; onSent: () => void; onTyping: () => void };

export function composer(ticket: TicketDetail, deps: Deps) {
  const { api } = deps;
  const channels = [...new Set(ticket.citizen.identities.map((i) => KINDS[i.kind]).filter((c): c is string => !!c))];
  const text = h('textarea', { id: 'reply-text', rows: 3, 'aria-describedby': 'reply-counter', 'aria-autocomplete': 'list', 'aria-controls': 'canned-list' });
  const channel = h('select', { id: 'reply-channel' }, ...channels.map((c) => h('option', { value: c }, channelLabel(c))));
  const usual = replyVia(ticket.channel as ChannelName);
  channel.value = channels.includes(usual) ? usual : (channels[0] ?? '');
  const counter = h('p', { id: 'reply-counter', class: 'meta' });
  const file = h('input', { id: 'reply-file', type: 'file' });
  const fileRow = h('p', {}, h('label', { for: 'reply-file' }, t('ui.reply.attach')), file);
  const refresh = () => {
    fileRow.hidden = channel.value !== 'email';
    if (channel.value === 'sms') {
      const length = smsLength(text.value);
      counter.textContent = t('ui.reply.sms_counter', { chars: toGsm7(text.value).length, limit: length.limit, segments: length.segments, encoding: length.encoding });
    } else counter.textContent = '';
  };
  // A canned answer with "pièces à fournir" goes with the reply, so its pieces join the ticket's checklist.
  let withPieces: string | null = null;
  const insert = async (answer: CannedAnswer) => {
    if (answer.documents?.length) withPieces = answer.id;
    const rendered = await api.get<{ text: string }>(`/api/tickets/${ticket.id}/canned-answers/${answer.id}`);
    const word = slashWord(text);
    const caret = text.selectionStart ?? text.value.length;
    const start = word ? caret - word[1]!.length - 1 : caret;
    text.value = text.value.slice(0, start) + rendered.text + text.value.slice(caret);
    canned.close();
    text.focus();
    refresh();
  };
  const canned = cannedSuggestions(text, deps.canned, (answer) => void insert(answer));

  text.addEventListener('input', () => {
    refresh();
    canned.show();
    deps.onTyping();
  });
  text.addEventListener('keydown', (event) => canned.onKey(event));
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
    // Above the text: the composer sits at the bottom of the window, and the list must be seen.
    canned.element,
    text,
    counter,
    h('div', { class: 'row' }, h('span', {}, h('label', { for: 'reply-channel' }, t('ui.reply.channel')), channel), h('button', { type: 'submit' }, t('ui.reply.send'))),
    fileRow,
  );

  return h('div', { class: 'composers' }, reply, noteForm(ticket, deps));
}

/** An internal note: for agents only, never sent to the citizen. */
function noteForm(ticket: TicketDetail, deps: Deps) {
  const { api } = deps;
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
  return note;
}

/** "/hor" at the end of the text before the caret: the word typed after the slash. */
const slashWord = (text: HTMLTextAreaElement) => /(?:^|\s)\/([\p{L}\d-]*)$/u.exec(text.value.slice(0, text.selectionStart ?? text.value.length));
const folded = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** The canned answers whose title starts with the word typed after "/", as a listbox the keyboard drives. */
function cannedSuggestions(text: HTMLTextAreaElement, answers: CannedAnswer[], pick: (answer: CannedAnswer) => void) {
  const suggestions = h('ul', { id: 'canned-list', role: 'listbox', 'aria-label': t('ui.reply.canned_list'), hidden: true });
  let active = -1;
  let matches: CannedAnswer[] = [];
  const close = () => {
    suggestions.hidden = true;
    text.removeAttribute('aria-activedescendant');
  };
  const show = () => {
    const word = slashWord(text);
    matches = word ? answers.filter((a) => folded(a.title).startsWith(folded(word[1]!))).slice(0, 8) : [];
    suggestions.textContent = '';
    active = matches.length ? 0 : -1;
    if (!word) return close();
    if (!matches.length) suggestions.append(h('li', { role: 'option', 'aria-disabled': 'true', id: 'canned-none' }, t('ui.reply.canned_none')));
    matches.forEach((answer, i) => suggestions.append(h('li', { role: 'option', id: `canned-${i}`, 'aria-selected': String(i === active), onmousedown: (e: Event) => { e.preventDefault(); pick(answer); } }, answer.title)));
    suggestions.hidden = false;
    if (active >= 0) text.setAttribute('aria-activedescendant', `canned-${active}`);
  };
  const onKey = (event: KeyboardEvent) => {
    if (suggestions.hidden || !matches.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      suggestions.querySelectorAll('[role=option]').forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
      text.setAttribute('aria-activedescendant', `canned-${active}`);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      pick(matches[active]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };
  return { element: suggestions, show, close, onKey };
}
