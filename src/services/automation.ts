// The automation settings: acknowledgement templates, keyword rules (category and team at ingest),
// closing resolved tickets and reminding citizens on pending ones. Read often, written by admins.
import { Invalid, NotFound } from '../domain/errors.js';
import { acknowledgement, AUTOMATION_VARIABLES, DEFAULT_CLOSING, DEFAULT_REMINDER, matchCategoryRule, unknownAutomationVariables } from '../domain/templates.js';
import type { Models } from '../store/index.js';
import { automationSettings } from '../store/repositories/settings.js';
import { teamsStore } from '../store/repositories/teams.js';
import type { Actor, Audit } from './audit.js';
import { reusedRead } from './reusedRead.js';

/** How long the hot paths reuse the settings before reading them again (another instance's change). */
const SETTINGS_TTL_MS = 5_000;

export interface AutomationView {
  acknowledgements: { sms: string | null; email: string | null; chat: string | null };
  categoryRules: { keywords: string[]; category: string; teamId: string | null }[];
  voiceMenu: { key: string; label: string; teamId: string }[];
  retentionByCategory: { category: string; days: number }[];
  autoCloseAfterDays: number | null;
  closingMessage: string | null;
  reminderAfterDays: number | null;
  reminderMessage: string | null;
}

export function createAutomationService(deps: { models: Models; audit: Audit }) {
  const { audit } = deps;
  const settings = automationSettings(deps.models);

  /** What every inbound message reads (keyword rules, acknowledgement templates), shared for a few seconds. */
  const current = reusedRead(SETTINGS_TTL_MS, () => get());

  async function get(): Promise<AutomationView> {
    // First read: the defaults of the model, stored once.
    const doc = await settings.read();
    return {
      acknowledgements: { sms: doc.acknowledgements?.sms ?? null, email: doc.acknowledgements?.email ?? null, chat: doc.acknowledgements?.chat ?? null },
      categoryRules: (doc.categoryRules ?? []).map((r) => ({ keywords: r.keywords, category: r.category, teamId: r.teamId ? String(r.teamId) : null })),
      voiceMenu: (doc.voiceMenu ?? []).map((m) => ({ key: m.key, label: m.label, teamId: String(m.teamId) })),
      retentionByCategory: (doc.retentionByCategory ?? []).map((r) => ({ category: r.category, days: r.days })),
      autoCloseAfterDays: doc.autoCloseAfterDays ?? null,
      closingMessage: doc.closingMessage ?? null,
      reminderAfterDays: doc.reminderAfterDays ?? null,
      reminderMessage: doc.reminderMessage ?? null,
    };
  }

  return {
    get,
    /** The settings as read at most SETTINGS_TTL_MS ago (or since a change made here): for the hot paths. */
    recent: () => current.get(),

    async update(actor: Actor, change: Partial<AutomationView>): Promise<AutomationView> {
      const templates = [...Object.values(change.acknowledgements ?? {}), change.closingMessage, change.reminderMessage].filter((t): t is string => !!t);
      const unknown = templates.flatMap(unknownAutomationVariables);
      if (unknown.length) throw new Invalid('template.unknown_variable', { unknown: unknown.map((v) => `{{${v}}}`).join(', '), known: AUTOMATION_VARIABLES.map((v) => `{{${v}}}`).join(', ') });
      for (const rule of [...(change.categoryRules ?? []), ...(change.voiceMenu ?? [])]) {
        if (rule.teamId && !(await teamsStore(deps.models).exists(rule.teamId))) throw new NotFound('automation.team_not_found', { teamId: rule.teamId });
      }
      const keys = (change.voiceMenu ?? []).map((m) => m.key);
      if (new Set(keys).size !== keys.length) throw new Invalid('automation.menu_key_twice');
      const before = await get();
      await settings.write(change);
      current.forget();
      await audit(actor, 'automation.updated', {}, { from: before, to: change });
      return get();
    },

    /** What is sent when a text is left empty, written with its variables (shown on the automation page). */
    defaults() {
      const sample = { reference: '{{ticket.reference}}', agentFirstName: '{{agent.firstName}}', promiseHours: '{{promise.hours}}', serviceName: '{{service.name}}', portalLink: '{{portal.link}}', spaceLink: '{{space.link}}' };
      return {
        acknowledgements: { sms: acknowledgement('sms', sample).text, email: acknowledgement('email', sample).text, chat: acknowledgement('chat', sample).text },
        reminderMessage: DEFAULT_REMINDER,
        closingMessage: DEFAULT_CLOSING,
      };
    },

    /** The rule of the category a citizen chose (their space), else the keyword rule that applies to a new request's text, if any. */
    async classify(text: string, category?: string): Promise<{ category: string; teamId: string | null } | undefined> {
      const { categoryRules } = await current.get();
      const chosen = category ? categoryRules.find((r) => r.category === category) : undefined;
      if (chosen) return { category: chosen.category, teamId: chosen.teamId };
      return categoryRules.length ? matchCategoryRule(text, categoryRules) : undefined;
    },
    /** The categories a citizen may choose when opening a request: those of the routing rules. */
    async categories(): Promise<string[]> {
      return [...new Set((await current.get()).categoryRules.map((r) => r.category))];
    },
  };
}
export type AutomationService = ReturnType<typeof createAutomationService>;
