// What the agents' routes share: the bearer security of their documentation, the acting agent, the id parameter.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../auth.js';
import { ObjectIdString } from '../schemas.js';

/** The fastify instance a TypeBox route plugin registers on. */
export type Routes = Parameters<FastifyPluginAsyncTypebox>[0];
export const security = [{ bearer: [] }];
export const actorOf = (request: Parameters<typeof principalOf>[0]) => ({ kind: 'agent' as const, id: principalOf(request).agentId });
export const IdParams = Type.Object({ id: ObjectIdString });
