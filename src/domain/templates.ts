// Citizen-facing texts, in French. One function per message, so a template change is one place.
import type { Channel } from './ticket.js';
import { replyVia } from '../../channels/registry.js';

export interface AcknowledgementInput {
  reference: string;
  agentFirstName?: string | null;
  /** A number, or a template variable ("{{promise.hours}}") when the text is shown as a template. */
  promiseHours: number | string;
  serviceName: string;
  portalLink?: string | null;
  /** The citizen's space, where all their requests are (/espace). */
  spaceLink?: string | null;
  citizenName?: string | null;
}

export function acknowledgement(channel: Channel, input: AcknowledgementInput): { subject?: string; text: string } {
  const who = input.agentFirstName ? `${input.agentFirstName}, votre interlocuteur habituel,` : 'Un agent';
  const space = input.spaceLink ? ` Toutes vos demandes : ${input.spaceLink}` : '';
  const portal = `${input.portalLink ? ` Suivez votre demande : ${input.portalLink}` : ''}${space}`;
  if (replyVia(channel) === 'sms') {
    return {
      text: `Bonjour, votre demande est enregistrée sous la référence ${input.reference}. ${who} vous répondra sous ${input.promiseHours} h.${portal}`,
    };
  }
  if (channel === 'chat') {
    return {
      text: `Merci, votre demande est enregistrée sous la référence ${input.reference}. ${who} vous répondra ici sous ${input.promiseHours} h : vous pouvez fermer cette fenêtre, la réponse vous attendra.${portal}`,
    };
  }
  const greeting = input.citizenName ? `Bonjour ${input.citizenName},` : 'Bonjour,';
  const lines = [
    greeting,
    '',
    `Nous avons bien reçu votre demande. Elle est enregistrée sous la référence ${input.reference}.`,
    `${who} vous répondra dans un délai de ${input.promiseHours} heures.`,
  ];
  if (input.portalLink) lines.push('', `Vous pouvez suivre votre demande à tout moment : ${input.portalLink}`);
  if (input.spaceLink) lines.push(`Toutes vos demandes sont réunies dans votre espace : ${input.spaceLink}`);
  lines.push('', `Pour compléter votre demande, répondez simplement à ce message en conservant la référence ${input.reference}.`, '', `${capitalise(input.serviceName)}`);
  return { subject: `Votre demande ${input.reference} a bien été reçue`, text: lines.join('\n') };
}

export const firstName = (name: string | null | undefined): string | null => name?.trim().split(/\s+/)[0] ?? null;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The variables a canned answer may use. */
export const CANNED_VARIABLES = ['citizen.firstName', 'citizen.name', 'ticket.reference', 'agent.firstName', 'agent.name', 'portal.link'] as const;
export type CannedVariables = Partial<Record<(typeof CANNED_VARIABLES)[number], string | null>>;

const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

/** Variables used in a body that are not known: refused when the answer is saved. */
export function unknownVariables(body: string): string[] {
  return [...body.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !(CANNED_VARIABLES as readonly string[]).includes(name));
}

/** Fills {{variables}}; a missing value becomes an empty string, never the raw placeholder. */
export function renderCanned(body: string, values: CannedVariables): string {
  return body.replace(VARIABLE, (_all, name: string) => values[name as keyof CannedVariables] ?? '').replace(/[ \t]+([,.])/g, '$1');
}

/** Variables of automatic messages (acknowledgements, reminders, closings): the canned ones and more. */
export const AUTOMATION_VARIABLES = [...CANNED_VARIABLES, 'promise.hours', 'service.name', 'space.link'] as const;

export function unknownAutomationVariables(body: string): string[] {
  return [...body.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !(AUTOMATION_VARIABLES as readonly string[]).includes(name));
}

export function renderAutomation(body: string, values: Partial<Record<(typeof AUTOMATION_VARIABLES)[number], string | null>>): string {
  return body.replace(VARIABLE, (_all, name: string) => values[name as keyof typeof values] ?? '').replace(/[ \t]+([,.])/g, '$1');
}

export const DEFAULT_CLOSING = 'Bonjour, sans nouvelles de votre part, nous clôturons votre demande {{ticket.reference}}. Vous pouvez nous écrire à tout moment pour une nouvelle demande.';
export const DEFAULT_REMINDER = 'Bonjour, nous attendons votre réponse pour poursuivre votre demande {{ticket.reference}}. Répondez simplement à ce message.';

/** Keyword rules: the first rule with a keyword found in the text (case and accents ignored) wins. */
export function matchCategoryRule<R extends { keywords: string[] }>(text: string, rules: readonly R[]): R | undefined {
  const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const haystack = ` ${fold(text).replace(/[^a-z0-9]+/g, ' ')} `;
  return rules.find((rule) => rule.keywords.some((k) => k.trim() && haystack.includes(` ${fold(k).replace(/[^a-z0-9]+/g, ' ').trim()} `)));
}
