// What the citizens' widget sends on the /chat namespace, as TypeBox schemas checked in one place
// (sockets validate like HTTP does); the events' types derive from them.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Field = Type.Optional(Type.String({ maxLength: 320 }));
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

/** Whether `payload` is what the event takes (extra properties are ignored, never read). */
export function isPayload<E extends keyof typeof ChatPayloads>(event: E, payload: unknown): payload is ChatPayload<E> {
  return checkers[event]!.Check(payload);
}
