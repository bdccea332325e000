// What the citizens' widget sends on the /chat namespace, as TypeBox schemas checked in one place
// (sockets validate like HTTP does); the events' types derive from them.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

// Names and addresses are checked and cut where they are used (the whole frame is at most 64 KiB).
const Field = Type.Optional(Type.String());
export const ChatPayloads = {
  'chat:start': Type.Object({ name: Field, email: Field, phone: Field, topic: Field, consent: Type.Optional(Type.Boolean()) }),
  // A text over the limit is refused with its own code (too_large): its length is checked apart.
  'chat:message': Type.Object({ clientId: Type.String({ pattern: '^[\\w-]{1,100}$' }), text: Type.String() }),
  'chat:verify': Type.Object({ channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]) }),
  'chat:confirm': Type.Object({ code: Type.String({ maxLength: 20 }) }),
  'chat:satisfaction': Type.Object({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String()) }),
};
export type ChatPayload<E extends keyof typeof ChatPayloads> = Static<(typeof ChatPayloads)[E]>;

const checkers = Object.fromEntries(Object.entries(ChatPayloads).map(([event, schema]) => [event, TypeCompiler.Compile(schema as TSchema)]));

/**
 * What the widget gave at the start, its optional fields of the wrong type left out (ignored, never
 * queried: `{ name: { $ne: null } }` starts an anonymous chat); other events are taken as sent.
 */
export function lenient(event: keyof typeof ChatPayloads, payload: unknown): unknown {
  if (event !== 'chat:start') return payload;
  const given = typeof payload === 'object' && payload ? (payload as Record<string, unknown>) : {};
  const fields = ChatPayloads['chat:start'].properties;
  return Object.fromEntries(Object.entries(given).filter(([key, value]) => key in fields && (key === 'consent' ? typeof value === 'boolean' : typeof value === 'string')));
}

/** Whether `payload` is what the event takes (extra properties are ignored, never read). */
export function isPayload<E extends keyof typeof ChatPayloads>(event: E, payload: unknown): payload is ChatPayload<E> {
  return checkers[event]!.Check(payload);
}
