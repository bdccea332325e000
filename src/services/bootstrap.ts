// First start on an empty store: the configured admin, and with DEMO the demo teams, agents and messages.
import type { Logger } from 'pino';
import type { Models } from '../store/index.js';
import type { AgentService } from './agents.js';
import { SYSTEM } from './audit.js';
import type { IngestInbound } from './ingestInbound.js';

export const DEMO_PASSWORD = 'gru-demo-2026';

export const DEMO_TEAMS = [
  { slug: 'accueil', name: 'Accueil et état civil', isDefault: true },
  { slug: 'urbanisme', name: 'Urbanisme et voirie', isDefault: false },
] as const;

export const DEMO_AGENTS = [
  { name: 'Camille Martin', email: 'camille.martin@mairie.example', role: 'agent', team: 'accueil' },
  { name: 'Julien Bernard', email: 'julien.bernard@mairie.example', role: 'agent', team: 'accueil' },
  { name: 'Sophie Petit', email: 'sophie.petit@mairie.example', role: 'agent', team: 'urbanisme' },
  { name: 'Nadia Lefèvre', email: 'nadia.lefevre@mairie.example', role: 'manager', team: 'accueil' },
] as const;

export interface BootstrapReport {
  adminCreated?: string;
  demoSeeded: boolean;
  demoLogins: { email: string; role: string }[];
}

export async function bootstrap(deps: {
  models: Models;
  agents: AgentService;
  ingestInbound: IngestInbound;
  log: Logger;
  now: () => Date;
  admin?: { email: string; password: string };
  demo: boolean;
}): Promise<BootstrapReport> {
  const { models, agents, log } = deps;
  const report: BootstrapReport = { demoSeeded: false, demoLogins: [] };
  const empty = (await models.agents.estimatedDocumentCount()) === 0 && (await models.agents.countDocuments()) === 0;

  if (empty && deps.admin) {
    await agents.create(SYSTEM, { name: 'Administrateur', email: deps.admin.email, password: deps.admin.password, role: 'admin' });
    report.adminCreated = deps.admin.email;
    log.info({ email: deps.admin.email }, 'first admin created');
  }

  if (deps.demo && empty) {
    const teamIds = new Map<string, string>();
    for (const team of DEMO_TEAMS) teamIds.set(team.slug, String((await models.teams.create(team))._id));
    for (const agent of DEMO_AGENTS) {
      await agents.create(SYSTEM, { name: agent.name, email: agent.email, password: DEMO_PASSWORD, role: agent.role, teamId: teamIds.get(agent.team) });
    }
    const minutesAgo = (m: number) => new Date(deps.now().getTime() - m * 60_000);
    await deps.ingestInbound({
      channel: 'sms', externalId: 'SMdemo0000000000000000000000000001', from: { address: '06 12 34 56 78' },
      text: "Bonjour, je voudrais un rendez-vous pour renouveler ma carte d'identité. Merci.",
      threadHints: {}, attachments: [], receivedAt: minutesAgo(95),
    });
    await deps.ingestInbound({
      channel: 'email', externalId: '<demo-1@citoyen.example>', from: { address: 'Luc.Moreau@citoyen.example', name: 'Luc Moreau' },
      subject: 'Acte de naissance', text: "Madame, Monsieur,\n\nPourriez-vous m'envoyer une copie intégrale de mon acte de naissance ?\n\nLuc Moreau",
      threadHints: { messageId: '<demo-1@citoyen.example>' }, attachments: [], receivedAt: minutesAgo(40),
    });
    await deps.ingestInbound({
      channel: 'chat', externalId: 'demo-chat-1', from: { address: 'demo-chat-session-1', name: 'Inès' },
      text: 'Bonjour, à quelle heure ouvre la mairie samedi ?', threadHints: {}, attachments: [], receivedAt: minutesAgo(5),
    });
    report.demoSeeded = true;
    log.info('demo data created');
  }

  if (deps.demo) {
    const demoAgents = await models.agents.find({ email: { $in: DEMO_AGENTS.map((a) => a.email) } }).lean();
    report.demoLogins = demoAgents.map((a) => ({ email: a.email, role: a.role }));
  }
  return report;
}
