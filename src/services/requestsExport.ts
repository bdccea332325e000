// The per-request export of the dashboard: one line per request opened in the period (reference,
// channel, opened, first answer, on time, agent, team, status, satisfaction), as a CSV a spreadsheet
// opens in French (semicolons, a byte-order mark, dates in the service's time zone).
import { t } from '../i18n/catalogue.js';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { figuresStore } from '../store/repositories/figures.js';
import { teamsStore } from '../store/repositories/teams.js';

/** More lines than this: the period is too long for one file (the answer says so in its last line). */
export const EXPORT_MAX_ROWS = 50_000;

const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;

export function createRequestsExport(deps: { models: Models; now: () => Date; timeZone: string }) {
  const date = (d: Date | null | undefined) => (d ? d.toLocaleString('fr-FR', { timeZone: deps.timeZone, dateStyle: 'short', timeStyle: 'short' }) : '');
  return {
    async csv(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string } = {}): Promise<string> {
      const [rows, agents, teams] = await Promise.all([
        figuresStore(deps.models).requestsOpenedBetween(period.from, period.to, scope, EXPORT_MAX_ROWS + 1),
        agentsStore(deps.models).allNames(),
        teamsStore(deps.models).namesOf(),
      ]);
      const onTime = (r: (typeof rows)[number]) => {
        const due = r.firstResponseDueAt;
        if (r.firstRespondedAt) return due && r.firstRespondedAt > due ? t('export.no') : t('export.yes');
        return due && due <= deps.now() ? t('export.no') : t('export.pending');
      };
      const header = ['reference', 'channel', 'opened', 'first_answer', 'on_time', 'agent', 'team', 'status', 'satisfaction'].map((c) => t(`export.col.${c}` as 'export.col.reference'));
      const lines = rows.slice(0, EXPORT_MAX_ROWS).map((r) => [
        r.reference, t(`ui.channel.${r.channel}` as 'ui.channel.sms'), date(r.openedAt), date(r.firstRespondedAt), onTime(r),
        r.assigneeId ? (agents.get(String(r.assigneeId)) ?? '') : '', r.teamId ? (teams.get(String(r.teamId)) ?? '') : '',
        t(`ui.status.${r.status}` as 'ui.status.new'), r.satisfaction?.score ? String(r.satisfaction.score) : '',
      ]);
      if (rows.length > EXPORT_MAX_ROWS) lines.push([t('export.truncated', { max: EXPORT_MAX_ROWS })]);
      return `\ufeff${[header, ...lines].map((cells) => cells.map(cell).join(';')).join('\r\n')}\r\n`;
    },
  };
}
export type RequestsExport = ReturnType<typeof createRequestsExport>;
