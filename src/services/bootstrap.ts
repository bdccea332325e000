// First start on an empty store: the configured admin, and with DEMO the demo teams, agents and messages.
import type { Logger } from 'pino';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { cannedAnswersStore } from '../store/repositories/cannedAnswers.js';
import { teamsStore } from '../store/repositories/teams.js';
import type { AgentService } from './agents/index.js';
import { SYSTEM } from './audit.js';
import type { IngestInbound } from './ingest/index.js';

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
  // An admin too, so a newcomer can try every screen (teams, integrations) without wiping the demo.
  { name: 'Alex Durand', email: 'admin@mairie.example', role: 'admin', team: 'accueil' },
] as const;

/** The demo's canned answers: written for SMS too (GSM-7, two parts at most with a portal link). */
export const DEMO_CANNED = [
  { title: 'Horaires', body: 'Bonjour {{citizen.firstName}}, la mairie est ouverte du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30, et le samedi de 9 h à 12 h. {{agent.firstName}}' },
  // Its pieces join the request's checklist, which the portal shows with an upload for each.
  {
    title: 'Pièces à fournir',
    body: 'Bonjour {{citizen.firstName}}, pour compléter votre demande {{ticket.reference}}, merci de nous transmettre les pièces demandées depuis votre espace de suivi : {{portal.link}} {{agent.firstName}}',
    documents: ['Justificatif de domicile de moins de trois mois', 'Pièce d\'identité'],
  },
  { title: 'Signalement pris en compte', body: 'Bonjour, merci pour votre signalement : il est transmis aux services techniques, qui interviendront dans les meilleurs délais. {{agent.firstName}}' },
];

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
  const empty = await agentsStore(models).isEmpty();

  if (empty && deps.admin) {
    await agents.create(SYSTEM, { name: 'Administrateur', email: deps.admin.email, password: deps.admin.password, role: 'admin' });
    report.adminCreated = deps.admin.email;
    log.info({ email: deps.admin.email }, 'first admin created');
  }

  if (deps.demo && empty) {
    const teamIds = new Map<string, string>();
    for (const team of DEMO_TEAMS) teamIds.set(team.slug, String((await teamsStore(models).create(team))._id));
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
    // A week of requests, so the inbox, its deadlines and the dashboard show something true.
    const week: { channel: 'sms' | 'email'; from: string; name?: string; subject?: string; text: string; hoursAgo: number }[] = [
      { channel: 'sms', from: '06 23 45 67 89', text: 'Bonjour, la poubelle jaune de la rue des Lilas n’a pas été ramassée lundi.', hoursAgo: 150 },
      { channel: 'email', from: 'claire.petit@citoyen.example', name: 'Claire Petit', subject: 'Inscription cantine', text: 'Bonjour,\n\nComment inscrire ma fille à la cantine pour la rentrée ?\n\nClaire Petit', hoursAgo: 120 },
      { channel: 'sms', from: '06 98 76 54 32', text: 'Un lampadaire est éteint devant le 12 avenue Jean Jaurès depuis une semaine.', hoursAgo: 96 },
      { channel: 'email', from: 'paul.nguyen@citoyen.example', name: 'Paul Nguyen', subject: 'Permis de construire', text: 'Bonjour,\n\nOù en est l’instruction de mon permis de construire déposé le mois dernier ?\n\nPaul Nguyen', hoursAgo: 72 },
      { channel: 'sms', from: '07 11 22 33 44', text: 'Bonjour, peut-on réserver la salle des fêtes pour un anniversaire en juin ?', hoursAgo: 50 },
      { channel: 'email', from: 'sophie.martin@citoyen.example', name: 'Sophie Martin', subject: 'Recensement citoyen', text: 'Bonjour,\n\nMon fils a 16 ans : quels papiers pour le recensement ?\n\nSophie Martin', hoursAgo: 30 },
      { channel: 'sms', from: '06 55 44 33 22', text: 'Le parc municipal est-il ouvert le dimanche ?', hoursAgo: 20 },
      { channel: 'email', from: 'marc.dubois@citoyen.example', name: 'Marc Dubois', subject: 'Stationnement résidentiel', text: 'Bonjour,\n\nComment obtenir une carte de stationnement résident ?\n\nMarc Dubois', hoursAgo: 8 },
      { channel: 'sms', from: '07 66 55 44 33', text: 'Bonjour, je souhaite signaler un nid-de-poule rue Victor Hugo.', hoursAgo: 3 },
    ];
    for (const [i, request] of week.entries()) {
      const id = `week${String(i).padStart(2, '0')}`;
      await deps.ingestInbound({
        channel: request.channel,
        externalId: request.channel === 'sms' ? `SMdemo${id.padStart(28, '0')}` : `<demo-${id}@citoyen.example>`,
        from: { address: request.from, name: request.name },
        subject: request.subject,
        text: request.text,
        threadHints: request.channel === 'email' ? { messageId: `<demo-${id}@citoyen.example>` } : {},
        attachments: [],
        receivedAt: minutesAgo(request.hoursAgo * 60),
      });
    }
    await cannedAnswersStore(models).createMany([...DEMO_CANNED]);
    report.demoSeeded = true;
    log.info('demo data created');
  }

  if (deps.demo) {
    const demoAgents = await agentsStore(models).byEmails(DEMO_AGENTS.map((a) => a.email));
    report.demoLogins = demoAgents.map((a) => ({ email: a.email, role: a.role }));
  }
  return report;
}
