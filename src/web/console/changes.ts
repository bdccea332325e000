// A change of a ticket's field in words: "Priorité : Normale → Urgente" (history, conflict notices).
import { priorityLabel, statusLabel, t } from '../shared/i18n.js';

export type FieldChange = { field: string; from: string | null; to: string | null };

const FIELD_KEYS = {
  status: 'ui.change.status', priority: 'ui.change.priority', category: 'ui.change.category', assignee: 'ui.change.assignee', recurringAgent: 'ui.change.recurringAgent',
} as const;

function valueOf(field: string, value: string | null): string {
  if (value === null || value === '') return t('ui.change.none');
  if (field === 'status') return statusLabel(value);
  if (field === 'priority') return priorityLabel(value);
  return value;
}

/** "Priorité : Normale → Urgente". */
export function describeChange(change: FieldChange): string {
  const key = FIELD_KEYS[change.field as keyof typeof FIELD_KEYS];
  const name = key ? t(key) : change.field;
  return t('ui.change.line', { field: name, from: valueOf(change.field, change.from), to: valueOf(change.field, change.to) });
}
