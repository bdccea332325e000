// The managers' dashboard: the promise kept, response times, load per agent and team, volume per
// channel and backlog age, over a chosen period, for the service, a team or an agent; exported as CSV
// and refreshed live. Same login and catalogue as the console.
import type { StatsAnswer } from '../../http/answers.js';
import { createApi } from '../shared/api.js';
import { byId, h, replaceChildren } from '../shared/dom.js';
import { channelLabel, t } from '../shared/i18n.js';
import { mountLogin } from '../console/login.js';
import { barChart, type Bar } from './charts.js';

declare const io: (namespace: string, options: Record<string, unknown>) => { on(event: string, handler: (payload: unknown) => void): void };

type Stats = StatsAnswer;
const decimal = (n: number) => String(n).replace('.', ',');

const session = { token: () => sessionStorage.getItem('gru-token') };
const api = createApi({ token: session.token, onUnauthorized: () => (sessionStorage.removeItem('gru-token'), location.reload()) });
const main = byId('main');
const status = byId('status');
const alerts = byId('alert');
const dateInput = (date: Date) => date.toISOString().slice(0, 10);

async function start() {
  if (!session.token()) return mountLogin(main, { api, notice: null, onLoggedIn: (token) => (sessionStorage.setItem('gru-token', token), void start()) });
  const me = await api.get<{ role: string }>('/api/me');
  if (me.role === 'agent') {
    alerts.textContent = t('ui.dashboard.managers_only');
    return;
  }
  const [teams, agents] = await Promise.all([
    api.get<{ items: { id: string; name: string }[] }>('/api/teams').then((r) => r.items),
    api.get<{ items: { id: string; name: string }[] }>('/api/agents').then((r) => r.items),
  ]);
  const to = new Date();
  const from = h('input', { id: 'from', type: 'date', value: dateInput(new Date(to.getTime() - 30 * 86_400_000)) });
  const until = h('input', { id: 'to', type: 'date', value: dateInput(to) });
  const team = h('select', { id: 'team' }, h('option', { value: '' }, t('ui.dashboard.all')), ...teams.map((x) => h('option', { value: x.id }, x.name)));
  const agent = h('select', { id: 'agent' }, h('option', { value: '' }, t('ui.dashboard.all')), ...agents.map((x) => h('option', { value: x.id }, x.name)));
  const board = h('div', { class: 'board', 'aria-live': 'off' });
  const updated = h('p', { class: 'meta' });
  let last: Stats | null = null;

  const exportCsv = () => last && downloadCsv(board, `tableau-de-bord-${from.value}-${until.value}.csv`);
  const exportRequests = () => void downloadRequests(query(), `demandes-${from.value}-${until.value}.csv`).catch((err: Error) => (alerts.textContent = err.message));
  const query = () => {
    const params = new URLSearchParams({ from: new Date(`${from.value}T00:00:00`).toISOString(), to: new Date(`${until.value}T23:59:59`).toISOString() });
    if (team.value) params.set('teamId', team.value);
    if (agent.value) params.set('agentId', agent.value);
    return params;
  };

  replaceChildren(
    main,
    h('form', { class: 'filters row', 'aria-label': t('ui.dashboard.filters'), onsubmit: (e: Event) => (e.preventDefault(), void load()) },
      h('span', {}, h('label', { for: 'from' }, t('ui.dashboard.from')), from),
      h('span', {}, h('label', { for: 'to' }, t('ui.dashboard.to')), until),
      h('span', {}, h('label', { for: 'team' }, t('ui.dashboard.team')), team),
      h('span', {}, h('label', { for: 'agent' }, t('ui.dashboard.agent')), agent),
      h('button', { type: 'submit' }, t('ui.dashboard.apply')),
      h('button', { type: 'button', class: 'secondary', onclick: exportCsv }, t('ui.dashboard.export')),
      h('button', { type: 'button', class: 'secondary', onclick: exportRequests }, t('ui.dashboard.export_requests')),
    ),
    updated,
    board,
  );

  async function load() {
    try {
      const stats = await api.get<Stats>(`/api/stats?${query()}`);
      last = stats;
      renderBoard(board, stats);
      updated.textContent = t('ui.dashboard.updated', { time: new Date().toLocaleTimeString('fr-FR', { timeStyle: 'short' }) });
    } catch (err) {
      alerts.textContent = (err as Error).message;
    }
  }

  await load();
  // Live: figures follow the tickets' events, at most every few seconds.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const socket = io('/agents', { auth: { token: session.token() } });
  for (const event of ['ticket:created', 'ticket:updated', 'ticket:assigned', 'message:created']) {
    socket.on(event, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 3_000);
    });
  }
  status.textContent = '';
}

/** The board: the promise kept, the median first answer, load, volume, backlog and satisfaction. */
function renderBoard(board: HTMLElement, stats: Stats) {
  const share = stats.promise.share === null ? '—' : `${Math.round(stats.promise.share * 100)} %`;
  const minutes = stats.medianFirstResponseMinutes;
  const median = minutes === null ? '—' : minutes < 120 ? t('ui.dashboard.minutes', { n: Math.round(minutes) }) : t('ui.dashboard.hours', { n: (minutes / 60).toFixed(1).replace('.', ',') });
  const perChannel = new Map<string, number>();
  for (const row of stats.volumePerChannelPerDay) perChannel.set(row.channel, (perChannel.get(row.channel) ?? 0) + row.count);
  replaceChildren(
    board,
    h('section', { class: 'card', 'aria-labelledby': 'promise-title' }, h('h2', { id: 'promise-title' }, t('ui.dashboard.promise')), h('p', { class: 'big' }, share), h('p', { id: 'promise-detail' }, t('ui.dashboard.promise_detail', { onTime: stats.promise.onTime, settled: stats.promise.settled }))),
    h('section', { class: 'card', 'aria-labelledby': 'median-title' }, h('h2', { id: 'median-title' }, t('ui.dashboard.median')), h('p', { class: 'big' }, median)),
    barChart('agents', t('ui.dashboard.per_agent'), stats.openPerAgent.map((r): Bar => ({ label: r.agentId ? r.name : t('ui.dashboard.unassigned'), value: r.open }))),
    barChart('teams', t('ui.dashboard.per_team'), stats.openPerTeam.map((r): Bar => ({ label: r.teamId ? r.name : t('ui.dashboard.no_team'), value: r.open }))),
    barChart('channels', t('ui.dashboard.per_channel'), [...perChannel.entries()].sort().map(([channel, count]) => ({ label: channelLabel(channel), value: count }))),
    barChart('backlog', t('ui.dashboard.backlog'), stats.backlogAge.map((r) => ({ label: t(`ui.dashboard.backlog.${r.key}` as 'ui.dashboard.backlog.lt1d'), value: r.count }))),
    h('section', { class: 'card', 'aria-labelledby': 'satisfaction-title' },
      h('h2', { id: 'satisfaction-title' }, t('ui.dashboard.satisfaction')),
      h('p', { class: 'big' }, stats.satisfaction.average === null ? '—' : t('ui.dashboard.satisfaction_value', { average: decimal(stats.satisfaction.average) })),
      h('p', { id: 'satisfaction-detail' }, t('ui.dashboard.satisfaction_detail', { count: stats.satisfaction.count }))),
    barChart('satisfaction-teams', t('ui.dashboard.satisfaction_per_team'), stats.satisfaction.perTeam.map((g) => ({ label: g.key ? g.name : t('ui.dashboard.no_team'), value: g.average }))),
    barChart('satisfaction-agents', t('ui.dashboard.satisfaction_per_agent'), stats.satisfaction.perAgent.map((g) => ({ label: g.key ? g.name : t('ui.dashboard.unassigned'), value: g.average }))),
    barChart('satisfaction-channels', t('ui.dashboard.satisfaction_per_channel'), stats.satisfaction.perChannel.map((g) => ({ label: channelLabel(g.name), value: g.average }))),
    callsCard(stats.calls),
    barChart('calls-agents', t('ui.dashboard.calls_per_agent'), stats.calls.perAgent.map((a) => ({ label: a.name, value: a.answered }))),
  );
}

/** The phone: calls offered, answered (and by the usual agent), abandoned, the wait for the team. */
function callsCard(calls: Stats['calls']) {
  const seconds = (n: number | null) => (n === null ? '—' : t('ui.dashboard.seconds', { n: Math.round(n) }));
  const share = calls.usualAgentShare === null ? '—' : `${Math.round(calls.usualAgentShare * 100)} %`;
  return h('section', { class: 'card', 'aria-labelledby': 'calls-title' },
    h('h2', { id: 'calls-title' }, t('ui.dashboard.calls')),
    h('p', { class: 'big' }, String(calls.offered)),
    h('p', { id: 'calls-detail' }, t('ui.dashboard.calls_detail', { answered: calls.answered, share, abandoned: calls.abandoned, median: seconds(calls.waitMedianSeconds), p90: seconds(calls.waitP90Seconds) })));
}

/** The board as a CSV a spreadsheet opens (semicolons, BOM), downloaded: the headline figures, then the tables. */
function downloadCsv(board: HTMLElement, filename: string) {
  const lines = [[t('ui.dashboard.col_measure'), t('ui.dashboard.col_label'), t('ui.dashboard.col_value')]];
  for (const card of board.querySelectorAll('section.card')) {
    const big = card.querySelector('p.big');
    if (big) lines.push([card.querySelector('h2')?.textContent ?? '', '', big.textContent ?? '']);
  }
  for (const table of board.querySelectorAll('table')) {
    const measure = table.querySelector('caption')?.textContent ?? '';
    for (const row of table.querySelectorAll('tbody tr')) lines.push([measure, row.querySelector('th')?.textContent ?? '', row.querySelector('td')?.textContent ?? '']);
  }
  const csv = lines.map((cells) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(';')).join('\r\n');
  save(new Blob([`\ufeff${csv}`], { type: 'text/csv;charset=utf-8' }), filename);
}

/** The period's requests, one line each, as the server writes them (GET /api/stats/requests.csv). */
async function downloadRequests(params: URLSearchParams, filename: string) {
  const res = await fetch(`/api/stats/requests.csv?${params}`, { headers: { authorization: `Bearer ${session.token()}`, 'accept-language': 'fr' } });
  if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? t('ui.error.network'));
  save(await res.blob(), filename);
}

function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

start().catch((err: Error) => (alerts.textContent = err.message));
