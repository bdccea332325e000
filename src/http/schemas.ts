// Shared TypeBox schemas: they validate input and write the OpenAPI document at /docs.
import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'stable machine code: invalid, not_found, conflict, handover_required…' }),
        message: Type.String({ description: 'in French (English with Accept-Language: en)' }),
        current: Type.Optional(Type.Unknown({ description: 'conflict: the values as they are now, and who changed them' })),
        counts: Type.Optional(Type.Unknown({ description: 'handover_required: the open tickets and citizens to hand over' })),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error', description: 'Every error answer' },
);
export const errorRef = Type.Ref('Error');
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorRef]));

export const ObjectIdString = Type.String({ pattern: '^[0-9a-fA-F]{24}$', description: 'id' });
/** Someone named in an answer: an agent, a citizen (whose name may be unknown). */
export const NamedRef = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) });

/** "Pièces à fournir": what the citizen was asked for, and when each was provided from the portal. */
export const DocumentsChecklist = Type.Array(
  Type.Object({ id: Type.String(), label: Type.String(), requestedAt: Type.String({ format: 'date-time' }), providedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) }),
  { description: '"pièces à fournir": the checklist' },
);

export const Agent = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.Literal('agent'), Type.Literal('manager'), Type.Literal('admin')]),
    teamId: Type.Union([Type.String(), Type.Null()]),
    availability: Type.Union([Type.Literal('available'), Type.Literal('away')]),
    coverAgentId: Type.Union([Type.String(), Type.Null()]),
    awayUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    active: Type.Boolean(),
    voiceDevice: Type.Optional(Type.Union([Type.Literal('phone'), Type.Literal('browser')], { description: 'where live calls ring' })),
    phone: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Agent' },
);
export const agentRef = Type.Ref('Agent');

/** Answers that are not JSON, declared with their real media type. */
export const textAnswer = (mediaType: string, description: string) => ({ description, content: { [mediaType]: { schema: { type: 'string' } } } });
export const fileAnswer = (description: string) => ({ description, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } });
export const noContent = (description: string) => ({ description, type: 'null' });

/** A citizen as agents see them (the ticket's detail and the citizens' routes answer it). */
export const CitizenView = Type.Object(
  {
    id: Type.String(), name: Type.Union([Type.String(), Type.Null()]),
    identities: Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), display: Type.Optional(Type.String({ description: 'as people write it (06 23 45 67 89)' })) })),
    recurringAgent: Type.Union([NamedRef, Type.Null()]),
    unreachable: Type.Optional(Type.Union([Type.Literal('hidden'), Type.Literal('alphanumeric'), Type.Literal('app'), Type.Null()], { description: 'why the phone channels cannot answer this citizen (hidden number, a name for a sender, an app caller)' })),
    claims: Type.Optional(Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), verified: Type.Boolean() }), { description: 'addresses typed in the chat; unverified unless they are already the citizen’s' })),
    teamId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    anonymisedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    erasureRequest: Type.Optional(Type.Union([Type.Object({ at: Type.String(), dueBy: Type.String() }), Type.Null()], { description: 'the citizen asked for erasure from their space: to be done before dueBy' })),
    tickets: Type.Array(Type.Object({ id: Type.String(), reference: Type.String(), status: Type.String(), subject: Type.String(), createdAt: Type.String() })),
  },
  { $id: 'Citizen' },
);
