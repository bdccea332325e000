// The one message catalogue: every text a person reads (error messages shown to agents and citizens,
// pages, widget) by a stable key, French first, English second. Machine error codes stay apart and
// never change; only the words do. Placeholders are {name}.
const fr = {
  // Authentication and accounts
  'auth.missing_token': 'Connectez-vous (jeton manquant).',
  'auth.not_authenticated': 'Vous n’êtes pas connecté.',
  'auth.token_expired': 'Votre session a expiré : reconnectez-vous.',
  'auth.token_invalid': 'Session invalide : reconnectez-vous.',
  'auth.wrong_credentials': 'Adresse e-mail ou mot de passe incorrect.',
  'auth.account_inactive': 'Ce compte est désactivé.',
  'auth.too_many_attempts_address': 'Trop de tentatives de connexion depuis cette adresse : patientez une minute.',
  'auth.too_many_failures_account': 'Trop d’échecs de connexion pour ce compte : patientez avant de réessayer.',
  'auth.role_needed': 'Cette action est réservée au rôle {roles}.',
  'auth.current_password_wrong': 'Le mot de passe actuel est incorrect.',
  'auth.password_too_short': 'Le mot de passe doit compter au moins {min} caractères.',
  // Agents and teams
  'agent.not_found': 'Agent introuvable.',
  'agent.cover_not_found': 'Agent remplaçant introuvable.',
  'agent.cover_self': 'Un agent ne peut pas se remplacer lui-même.',
  'agent.email_invalid': 'Cette adresse e-mail n’est pas valide.',
  'agent.email_taken': 'Un agent utilise déjà cette adresse e-mail.',
  'agent.admin_self_lockout': 'Un administrateur ne peut ni se désactiver ni changer son propre rôle.',
  'agent.admin_only_account': 'Seul un administrateur peut changer le nom, le rôle, l’équipe ou l’activation d’un agent.',
  'agent.admin_only_phone': 'Seul un administrateur peut changer le téléphone d’un autre agent.',
  'agent.own_availability_only': 'Un agent ne peut changer que sa propre disponibilité.',
  'agent.admin_only_password': 'Seul un administrateur peut réinitialiser le mot de passe d’un autre agent.',
  'agent.handover_same': 'Choisissez un autre agent pour la passation.',
  'team.not_found': 'Équipe introuvable.',
  'team.name_taken': 'Une équipe porte déjà ce nom.',
  // Tickets and replies
  'ticket.not_found': 'Demande introuvable.',
  'ticket.closed': 'Cette demande est close.',
  'ticket.closed_stays_closed': 'Une demande close le reste : le prochain message de l’usager ouvrira une nouvelle demande.',
  'ticket.changed_meanwhile': 'La demande a changé entre-temps : rechargez-la.',
  'ticket.scope_all_managers': 'La vue « toutes » est réservée aux responsables : choisissez « mes usagers » ou « mon équipe ».',
  'ticket.team_visibility_off': 'La visibilité par équipe est désactivée : choisissez « mes usagers ».',
  'ticket.cursor_invalid': 'Ce curseur de pagination n’a pas été donné par l’API.',
  'ticket.before_invalid': '« before » doit être l’identifiant d’un message.',
  'reply.empty': 'Une réponse a besoin d’un texte ou d’une réponse type.',
  'reply.channel_unavailable': 'Impossible de répondre à cet usager par {channel}.',
  'reply.channel_unavailable_use': 'Impossible de répondre à cet usager par {channel} : utilisez {available}.',
  'reply.channel_off': 'Le canal {channel} n’est pas configuré : aucun message ne peut partir par ce canal.',
  'reply.attachments_email_only': 'Les pièces jointes ne partent que par e-mail, pas par {channel}.',
  'reply.sms_stop': 'Cet usager a répondu STOP à nos SMS : répondez par un autre canal.',
  'reply.sms_empty': 'Un SMS ne peut pas être vide.',
  'reply.sms_too_long': 'Ce SMS ferait {segments} segments ({encoding}), la limite est {max} : raccourcissez-le ou répondez par un autre canal.',
  'message.empty': 'Un message vide ne peut pas être envoyé.',
  'attachment.not_found': 'Pièce jointe introuvable.',
  'attachment.empty': 'Le fichier est vide.',
  'attachment.not_added': 'Une pièce jointe n’a pas été ajoutée à cette demande : ajoutez-la d’abord.',
  'attachment.multipart_expected': 'Envoyez le fichier en multipart/form-data.',
  'attachment.no_file': 'Aucun fichier dans le formulaire.',
  'attachment.one_file_only': 'Envoyez un seul fichier, sans autre champ.',
  'attachment.unreadable': 'Le formulaire envoyé est illisible (délimiteur absent ou envoi interrompu).',
  // Citizens
  'citizen.not_found': 'Usager introuvable.',
  'citizen.merge_self': 'Un usager ne peut pas être fusionné avec lui-même.',
  'citizen.identity_taken': 'Ce {kind} appartient déjà à un autre usager.',
  'identity.invalid': 'Ce {kind} n’est pas valide : « {value} ».',
  // Canned answers, automation, statistics
  'canned.not_found': 'Réponse type introuvable.',
  'template.unknown_variable': 'Variable inconnue {unknown} : utilisez {known}.',
  'automation.team_not_found': 'Équipe {teamId} introuvable.',
  'stats.range_invalid': 'La date de début doit précéder la date de fin.',
  // Portal and chat
  'portal.not_found': 'Lien introuvable ou expiré.',
  'portal.too_many_messages': 'Trop de messages : patientez une minute avant d’envoyer à nouveau.',
  'chat.email_invalid': 'Cette adresse e-mail n’est pas valide.',
  'chat.phone_invalid': 'Ce numéro de téléphone n’est pas valide.',
  'chat.unknown_session': 'Discussion inconnue.',
  'chat.session_expired': 'Votre discussion a expiré : une nouvelle discussion commence.',
  'chat.origin_refused': 'Ce site ne peut pas ouvrir la discussion (son adresse n’est pas autorisée).',
  'chat.no_session': 'Commencez d’abord une discussion.',
  'chat.message_invalid': 'Message illisible : il lui faut un identifiant et un texte.',
  'chat.message_too_long': 'Un message est limité à {max} caractères.',
  'chat.too_many_messages': 'Trop de messages : patientez quelques secondes avant d’envoyer à nouveau.',
  'chat.too_many_sessions': 'Trop de discussions ouvertes depuis cette adresse : patientez quelques minutes.',
  'chat.unavailable': 'La discussion est momentanément indisponible : envoyez à nouveau dans un instant.',
  'chat.internal': 'Erreur interne : envoyez à nouveau dans un instant.',
  // Twilio webhooks (read by operators in logs and by Twilio's debugger)
  'twilio.signature_invalid': 'Signature Twilio invalide.',
  'twilio.field_missing': 'Webhook Twilio sans {name}.',
  'twilio.id_invalid': '{name} n’est pas un identifiant Twilio.',
  'twilio.status_unknown': 'MessageStatus inconnu « {status} ».',
  // Generic refusals made by the HTTP layer
  'http.route_not_found': 'Aucune route {method} {path}.',
  'http.invalid_input': 'Requête invalide : {detail}',
  'http.uri_too_long': 'Une partie de l’adresse est trop longue.',
  'http.url_invalid': 'L’adresse demandée n’est pas valide.',
  'http.headers_too_large': 'Les en-têtes de la requête sont trop volumineux.',
  'http.timeout': 'La requête a mis trop de temps à arriver.',
  'http.unreadable': 'La requête est illisible.',
  'http.body_too_large': 'Le contenu envoyé est trop volumineux.',
  'http.unsupported_media_type': 'Ce type de contenu n’est pas accepté.',
  'http.unavailable': 'Service momentanément indisponible : réessayez dans un instant.',
  'http.internal': 'Erreur interne (requête {requestId}).',
} as const;

export type MessageKey = keyof typeof fr;
export type Locale = 'fr' | 'en';

const en: Record<MessageKey, string> = {
  'auth.missing_token': 'Log in (missing bearer token).',
  'auth.not_authenticated': 'You are not logged in.',
  'auth.token_expired': 'Your session expired: log in again.',
  'auth.token_invalid': 'Invalid token: log in again.',
  'auth.wrong_credentials': 'Wrong email or password.',
  'auth.account_inactive': 'This account is no longer active.',
  'auth.too_many_attempts_address': 'Too many login attempts from this address: wait a minute.',
  'auth.too_many_failures_account': 'Too many failed logins for this account: wait before trying again.',
  'auth.role_needed': 'This action needs the role {roles}.',
  'auth.current_password_wrong': 'The current password is wrong.',
  'auth.password_too_short': 'The password must have at least {min} characters.',
  'agent.not_found': 'Agent not found.',
  'agent.cover_not_found': 'Cover agent not found.',
  'agent.cover_self': 'An agent cannot cover for themselves.',
  'agent.email_invalid': 'This email address is not valid.',
  'agent.email_taken': 'An agent with this email already exists.',
  'agent.admin_self_lockout': 'An admin cannot deactivate themselves or change their own role.',
  'agent.admin_only_account': 'Only an admin may change a name, role, team or activation.',
  'agent.admin_only_phone': "Only an admin may change another agent's phone.",
  'agent.own_availability_only': 'An agent may only change their own availability.',
  'agent.admin_only_password': "Only an admin may reset another agent's password.",
  'agent.handover_same': 'Hand over to another agent.',
  'team.not_found': 'Team not found.',
  'team.name_taken': 'A team with this name already exists.',
  'ticket.not_found': 'Ticket not found.',
  'ticket.closed': 'This ticket is closed.',
  'ticket.closed_stays_closed': "A closed ticket stays closed: the citizen's next message opens a new one.",
  'ticket.changed_meanwhile': 'The ticket changed meanwhile: reload it.',
  'ticket.scope_all_managers': 'scope=all is for managers: use mine or team.',
  'ticket.team_visibility_off': 'Team visibility is off: use scope=mine.',
  'ticket.cursor_invalid': 'This cursor was not given by the API.',
  'ticket.before_invalid': 'before must be a message id.',
  'reply.empty': 'A reply needs a text or a canned answer.',
  'reply.channel_unavailable': 'This citizen cannot be answered by {channel}.',
  'reply.channel_unavailable_use': 'This citizen cannot be answered by {channel}: use {available}.',
  'reply.channel_off': 'The {channel} channel is off: no message can be sent on it.',
  'reply.attachments_email_only': 'Attachments can only be sent by email, not by {channel}.',
  'reply.sms_stop': 'This citizen answered STOP to our SMS: reply on another channel.',
  'reply.sms_empty': 'An SMS cannot be empty.',
  'reply.sms_too_long': 'This SMS would take {segments} segments ({encoding}), the limit is {max}: shorten it or reply on another channel.',
  'message.empty': 'An empty message cannot be sent.',
  'attachment.not_found': 'Attachment not found.',
  'attachment.empty': 'The file is empty.',
  'attachment.not_added': 'An attachment was not added to this ticket: add it first.',
  'attachment.multipart_expected': 'Send the file as multipart/form-data.',
  'attachment.no_file': 'No file in the form.',
  'attachment.one_file_only': 'Send one file and nothing else in the form.',
  'attachment.unreadable': 'The multipart body cannot be read (boundary missing or body cut short).',
  'citizen.not_found': 'Citizen not found.',
  'citizen.merge_self': 'A citizen cannot be merged with themselves.',
  'citizen.identity_taken': 'This {kind} already belongs to another citizen.',
  'identity.invalid': 'Not a valid {kind}: "{value}".',
  'canned.not_found': 'Canned answer not found.',
  'template.unknown_variable': 'Unknown variable {unknown}: use {known}.',
  'automation.team_not_found': 'Team {teamId} not found.',
  'stats.range_invalid': 'from must be before to.',
  'portal.not_found': 'Link not found or expired.',
  'portal.too_many_messages': 'Too many messages: wait a minute and send again.',
  'chat.email_invalid': 'This email address is not valid.',
  'chat.phone_invalid': 'This phone number is not valid.',
  'chat.unknown_session': 'Unknown chat session.',
  'chat.session_expired': 'Your chat session expired: a new chat starts.',
  'chat.origin_refused': 'This website may not open the chat (its origin is not allowed).',
  'chat.no_session': 'Start a chat first.',
  'chat.message_invalid': 'A message needs a clientId (letters, digits, - or _) and a text.',
  'chat.message_too_long': 'A message is limited to {max} characters.',
  'chat.too_many_messages': 'Too many messages: wait a few seconds and send again.',
  'chat.too_many_sessions': 'Too many chats started from this address: wait a few minutes.',
  'chat.unavailable': 'Chat temporarily unavailable: send again in a moment.',
  'chat.internal': 'Internal error: send again in a moment.',
  'twilio.signature_invalid': 'Invalid Twilio signature.',
  'twilio.field_missing': 'Twilio webhook without {name}.',
  'twilio.id_invalid': '{name} is not a Twilio id.',
  'twilio.status_unknown': 'Unknown MessageStatus "{status}".',
  'http.route_not_found': 'No route {method} {path}.',
  'http.invalid_input': 'Invalid request: {detail}',
  'http.uri_too_long': 'A part of the URL is too long.',
  'http.url_invalid': 'The URL is not valid.',
  'http.headers_too_large': 'The request headers are too large.',
  'http.timeout': 'The request took too long to arrive.',
  'http.unreadable': 'The request cannot be read.',
  'http.body_too_large': 'The request body is too large.',
  'http.unsupported_media_type': 'This content type is not accepted.',
  'http.unavailable': 'Service temporarily unavailable: retry in a moment.',
  'http.internal': 'Internal error (request {requestId}).',
};

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { fr, en };
export type MessageParams = Record<string, string | number>;

/** The text of `key` in `locale` (French by default), with its {placeholders} filled. */
export function t(key: MessageKey, params: MessageParams = {}, locale: Locale = 'fr'): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** French unless the caller prefers English (Accept-Language), the one other locale we have. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'fr';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => /^q=([\d.]+)$/.exec(r.trim())?.[1]).find(Boolean);
      return { lang: (tag ?? '').split('-')[0], q: q ? Number(q) : 1 };
    })
    .filter((p) => p.lang === 'fr' || p.lang === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.lang === 'en' ? 'en' : 'fr';
}

export const isMessageKey = (key: string): key is MessageKey => key in fr;
