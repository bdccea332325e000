// A ticket's status, priority and category, as a small form shared with colleagues: what they change
// shows up live (the fields the agent is editing stay as typed), a save sends only what the agent
// changed with the version it started from, and a conflict says who changed what and offers to reapply.
import type { Api } from '../shared/api.js';
import { ApiError } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { PRIORITIES, priorityLabel, STATUSES, statusLabel, t } from '../shared/i18n.js';
import { describeChange, type FieldChange } from './changes.js';
import type { TicketDetail } from './types.js';

type Values = { status: string; priority: string; category: string | null; version: number };
type Edit = Partial<Record<'status' | 'priority' | 'category', string | null>>;
type Current = Values & { changedBy: string | null; changes: FieldChange[] };

/** Status, priority and category of the ticket; `update` brings a colleague's change in. */
export function ticketFields(initial: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void; onSaved?: () => void }) {
  const { api } = deps;
  let base: Values = { status: initial.status, priority: initial.priority, category: initial.category ?? null, version: initial.version };
  const status = h('select', { id: 'ticket-status' }, ...STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
  const priority = h('select', { id: 'ticket-priority' }, ...PRIORITIES.map((p) => h('option', { value: p }, priorityLabel(p))));
  const category = h('input', { id: 'ticket-category', type: 'text', maxlength: 80 });
  // Said once through the page's live region (announce); kept here to read again and act on.
  const notice = h('div', { class: 'conflict' });
  const read = (): Edit => ({ status: status.value, priority: priority.value, category: category.value.trim() || null });
  /** What the agent changed from the values last read. */
  const edited = (): Edit => Object.fromEntries(Object.entries(read()).filter(([field, value]) => value !== base[field as keyof Edit])) as Edit;

  function show(values: Values, keep: Edit = {}) {
    base = values;
    if (!('status' in keep)) status.value = values.status;
    if (!('priority' in keep)) priority.value = values.priority;
    if (!('category' in keep)) category.value = values.category ?? '';
  }
  show(base);

  async function save(edit: Edit) {
    if (!Object.keys(edit).length) return deps.announce(t('ui.ticket.nothing_changed'));
    try {
      const saved = await api.patch<Values>(`/api/tickets/${initial.id}`, { ...edit, version: base.version });
      replaceChildren(notice);
      show(saved);
      deps.announce(t('ui.ticket.saved'));
      deps.onSaved?.();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'conflict' && err.details.current) return conflict(err.details.current as Current, edit);
      deps.announce((err as Error).message, true);
    }
  }

  /** Someone saved first: their values shown, ours kept in the form, and a button to reapply ours. */
  function conflict(current: Current, mine: Edit) {
    show(current, mine);
    const theirs = current.changes.map(describeChange).join(' ; ') || '—';
    const ours = Object.entries(mine).map(([field, to]) => describeChange({ field, from: current[field as keyof Edit] ?? null, to: to ?? null })).join(' ; ');
    const text = t('ui.ticket.conflict', { name: current.changedBy ?? t('ui.ticket.conflict_someone'), changes: theirs, mine: ours });
    replaceChildren(notice, h('p', {}, text), h('button', { type: 'button', class: 'secondary', onclick: () => void save(edited()) }, t('ui.ticket.reapply')));
    deps.announce(text, true);
  }

  const element = h(
    'form',
    { class: 'fields row', 'aria-label': t('ui.inbox.status'), onsubmit: (event: Event) => (event.preventDefault(), void save(edited())) },
    h('span', {}, h('label', { for: 'ticket-status' }, t('ui.inbox.status')), status),
    h('span', {}, h('label', { for: 'ticket-priority' }, t('ui.priority')), priority),
    h('span', {}, h('label', { for: 'ticket-category' }, t('ui.inbox.category')), category),
    h('button', { type: 'submit', class: 'secondary' }, t('ui.ticket.save')),
    notice,
  );
  return {
    element,
    /** A newer reading of the ticket: fields the agent has not touched take its values. Answers whether anything moved. */
    update(detail: TicketDetail): boolean {
      if (detail.version === base.version) return false;
      show({ status: detail.status, priority: detail.priority, category: detail.category ?? null, version: detail.version }, edited());
      return true;
    },
  };
}
