// What the agents' API answers, as TypeBox schemas: the routes validate and document with them, and the
// pages read their types from them (Static), so a page never holds a hand-copied shape.
import { Type, type Static } from '@sinclair/typebox';
import { TICKET_STATUSES } from '../domain/ticket.js';
import type { StatsService } from '../services/stats.js';
import { Agent, CitizenView, DocumentsChecklist, NamedRef } from './schemas.js';

export const Status = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)));
export const ReplyChannel = Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('chat')]);
export const Priority = Type.Union([Type.Literal('low'), Type.Literal('normal'), Type.Literal('high'), Type.Literal('urgent')]);
const Ref = NamedRef;

export const TicketSummary = Type.Object(
  {
    id: Type.String(), reference: Type.String(), status: Status, channel: Type.String(), channels: Type.Array(Type.String()),
    subject: Type.String(), category: Type.Union([Type.String(), Type.Null()]), priority: Priority,
    citizen: Type.Object({ ...Ref.properties, contact: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'in lists: the number (as people write it: 06 23 45 67 89) or address the citizen last wrote from' })) }),
    assignee: Type.Union([Ref, Type.Null()]), unreadCount: Type.Integer(),
    lastMessageAt: Type.String({ format: 'date-time' }),
    firstResponseDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    responseDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the answer the citizen waits for is due; null when nothing is awaited (the inbox order)' }),
    firstRespondedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    atRisk: Type.Boolean({ description: 'the deadline is near (or past: see overdue)' }),
    overdue: Type.Boolean({ description: 'the deadline passed without an answer' }),
    businessMinutesLeft: Type.Union([Type.Integer(), Type.Null()], { description: 'opening-hours minutes until the answer is due (0 when overdue); null when nothing is due' }),
    version: Type.Integer({ description: 'moves at each change of status, category, priority or assignee: PATCH names the version it started from' }),
    callback: Type.Optional(Type.Union([Type.Object({ slot: Type.String(), label: Type.String(), phone: Type.String() }), Type.Null()], { description: 'the citizen asked to be called back in this half-day' })),
  },
  { $id: 'TicketSummary' },
);
export const Message = Type.Object(
  {
    id: Type.String(), ticketId: Type.String(),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('note'), Type.Literal('system')]),
    channel: Type.String(), kind: Type.Optional(Type.String()), text: Type.String(), html: Type.Optional(Type.String()), subject: Type.Optional(Type.String()),
    attachments: Type.Array(Type.Object({ filename: Type.Union([Type.String(), Type.Null()]), contentType: Type.String(), size: Type.Number(), ref: Type.String() })),
    createdAt: Type.String({ format: 'date-time' }),
    status: Type.Optional(Type.String()), statusReason: Type.Optional(Type.String()),
    author: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
    from: Type.Optional(Type.Object({ address: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) })),
    call: Type.Optional(Type.Object({ state: Type.String(), recordingUrl: Type.Union([Type.String(), Type.Null()]), durationSeconds: Type.Union([Type.Number(), Type.Null()]) })),
    callback: Type.Optional(Type.Object({ slot: Type.String(), label: Type.String(), phone: Type.String(), state: Type.String() }, { description: "kind 'callback_request': the half-day asked for" })),
    dial: Type.Optional(Type.Object({ state: Type.String(), durationSeconds: Type.Union([Type.Number(), Type.Null()]) }, { description: "kind 'call': initiated, ringing, agent_answered, answered, no_answer, busy, failed, agent_unreachable" })),
  },
  { $id: 'Message' },
);


/** A ticket's detail beyond its summary (the route answers them together, with its citizen and thread). */
export const TicketDetailFields = Type.Object({
  previousTicketId: Type.Union([Type.String(), Type.Null()]),
  documents: DocumentsChecklist,
  satisfaction: Type.Union([Type.Object({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Union([Type.String(), Type.Null()]), at: Type.String({ format: 'date-time' }), channel: Type.String() }), Type.Null()], { description: 'the citizen’s answer to the satisfaction question' }),
  hasEarlier: Type.Boolean(),
});

/** The logged-in agent, and the workspace settings the console follows (GET /api/me). */
export const Me = Type.Object({
  ...Agent.properties,
  workspace: Type.Object({
    teamVisibility: Type.Boolean({ description: "agents see their team's tickets too (TEAM_VISIBILITY)" }),
    browserCalls: Type.Boolean({ description: 'live calls may ring the console (the Twilio Voice SDK is configured)' }),
  }),
});
/** An agent in the list (emails and phones to managers and admins only). */
export const AgentListItem = Type.Object({
  ...Agent.properties,
  email: Type.Optional(Type.String({ description: 'managers and admins only' })),
  phone: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'managers and admins only' })),
  openTickets: Type.Integer(),
  citizens: Type.Integer({ description: 'the citizens whose usual agent they are' }),
});

/** A canned answer: shared (the service's or a team's) or personal, with the pieces it asks for. */
export const CannedAnswer = Type.Object({ id: Type.String(), title: Type.String(), body: Type.String(), teamId: Type.Union([Type.String(), Type.Null()]), personal: Type.Boolean(), documents: Type.Array(Type.String()) }, { $id: 'CannedAnswer' });

/** A ticket as its citizen sees it on the portal: public messages only. */
export const PortalView = Type.Object({
  serviceName: Type.Union([Type.String(), Type.Null()], { description: 'how the service names itself (SERVICE_NAME)' }),
  reference: Type.String(), status: Type.String(), agentFirstName: Type.Union([Type.String(), Type.Null()]),
  expectedBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  messages: Type.Array(Type.Object({
    id: Type.String(), direction: Type.String(), channel: Type.String(), text: Type.String(), createdAt: Type.String(), author: Type.Union([Type.String(), Type.Null()]),
    files: Type.Array(Type.Object({ filename: Type.String(), size: Type.Integer() }), { description: 'documents the message carries (not downloadable here)' }),
  })),
  documents: DocumentsChecklist,
  maxFileBytes: Type.Integer({ description: 'largest document accepted (PORTAL_MAX_FILE_BYTES)' }),
  satisfaction: Type.Object({ asked: Type.Boolean({ description: 'the question is open (the request is resolved)' }), score: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]) }),
  callback: Type.Union([Type.Object({ slot: Type.String(), label: Type.String() }), Type.Null()], { description: 'the call-back asked for, until a call reaches the citizen' }),
  callbackSlots: Type.Array(Type.Object({ slot: Type.String(), label: Type.String() }), { description: 'half-days that may be chosen for a call-back (empty when call-backs are off or the request is closed)' }),
  callbackPhone: Type.Union([Type.String(), Type.Null()], { description: 'the number we know, masked; null: the citizen must give one' }),
});

/** One line of a ticket's history. */
export const HistoryItem = Type.Object({
  at: Type.String({ format: 'date-time' }), action: Type.String(),
  actor: Type.Object({ kind: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]),
  changes: Type.Array(
    Type.Object({ field: Type.String({ description: 'status, category, priority, assignee…' }), from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }),
    { description: 'the fields the event changed, with their values before and after (an assignee by name)' },
  ),
});

/** A webhook to the back-office, with its last error. */
export const Webhook = Type.Object({
  id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), active: Type.Boolean(), createdAt: Type.String({ format: 'date-time' }),
  lastDeliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'the last failed try (HTTP status or network error); retried with backoff' }),
  lastErrorAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  pending: Type.Integer({ description: 'deliveries not yet accepted by the endpoint' }),
});

/** An API key of a back-office system (its secret shown once, at creation). */
export const ApiKey = Type.Object({ id: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]) });

/** A team, with how many agents it has. */
export const Team = Type.Object({ id: Type.String(), name: Type.String(), isDefault: Type.Boolean(), members: Type.Integer() });

/** Demo only: a message the sandbox received from the service instead of a real SMS or email. */
export const SandboxDelivery = Type.Object({
  id: Type.String(), channel: Type.String(), to: Type.String(), subject: Type.Union([Type.String(), Type.Null()]), text: Type.String(), attachments: Type.Array(Type.String()), at: Type.String(),
});

/** The types the pages read. */
export type TicketSummaryAnswer = Static<typeof TicketSummary>;
export type MessageAnswer = Static<typeof Message>;
export type CitizenAnswer = Static<typeof CitizenView>;
export type TicketDetailAnswer = TicketSummaryAnswer & Static<typeof TicketDetailFields> & { citizen: CitizenAnswer; messages: MessageAnswer[] };
export type MeAnswer = Static<typeof Me>;
export type AgentListAnswer = Static<typeof AgentListItem>;
export type CannedAnswerView = Static<typeof CannedAnswer>;
export type PortalViewAnswer = Static<typeof PortalView>;
export type HistoryItemAnswer = Static<typeof HistoryItem>;
export type WebhookAnswer = Static<typeof Webhook>;
export type ApiKeyAnswer = Static<typeof ApiKey>;
export type TeamAnswer = Static<typeof Team>;
export type SandboxDeliveryAnswer = Static<typeof SandboxDelivery>;
/** GET /api/stats answers the figures as computed (no schema of their own): their type is the use case's. */
export type StatsAnswer = Awaited<ReturnType<StatsService['compute']>>;
