// Schema validation failures (ajv, through fastify) told in the catalogue's languages: which field, and
// what is expected of it. English keeps ajv's own wording.
import type { Locale } from './catalogue.js';

export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const TYPES_FR: Record<string, string> = { string: 'un texte', integer: 'un nombre entier', number: 'un nombre', boolean: 'vrai ou faux', object: 'un objet', array: 'une liste', null: 'vide' };

/** "body/email" for the field `email` of the body; the part of the request itself when the issue is about it. */
const fieldOf = (context: string, issue: ValidationIssue) => `${context}${issue.instancePath}`.replace(/^(body|querystring|params|headers)\//, '').replace(/\//g, '.') || context;

export function describeValidation(issue: ValidationIssue, context: string, locale: Locale): string {
  const field = fieldOf(context, issue);
  const p = issue.params;
  if (locale === 'en') return `${context}${issue.instancePath} ${issue.message ?? 'is invalid'}`.trim();
  switch (issue.keyword) {
    case 'required': return `le champ « ${String(p.missingProperty)} » est obligatoire`;
    case 'additionalProperties': return `le champ « ${String(p.additionalProperty)} » n’est pas attendu`;
    case 'type': return `« ${field} » doit être ${String(p.type).split(',').map((t) => TYPES_FR[t] ?? t).join(' ou ')}`;
    case 'minLength': return Number(p.limit) <= 1 ? `« ${field} » ne peut pas être vide` : `« ${field} » doit compter au moins ${String(p.limit)} caractères`;
    case 'maxLength': return `« ${field} » doit compter au plus ${String(p.limit)} caractères`;
    case 'pattern':
    case 'format': return `« ${field} » n’a pas le format attendu`;
    case 'minimum': return `« ${field} » doit valoir au moins ${String(p.limit)}`;
    case 'maximum': return `« ${field} » doit valoir au plus ${String(p.limit)}`;
    case 'minItems': return `« ${field} » doit compter au moins ${String(p.limit)} élément(s)`;
    case 'maxItems': return `« ${field} » doit compter au plus ${String(p.limit)} éléments`;
    case 'minProperties': return `indiquez au moins une modification`;
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf': return `« ${field} » n’est pas une valeur permise`;
    default: return `« ${field} » n’est pas valide`;
  }
}
