// The outbox: a reply is stored first (queued), then delivered by the dispatcher through the channel's
// adapter. Status changes only move forward and are pushed as domain events.
// One use case per file beside this one.
import { replyVia } from '../../../channels/registry.js';
import type { InboundChannel } from '../../../channels/types.js';
import { bindAll } from '../bind.js';
import { outboxQueue } from '../../store/repositories/outboxQueue.js';
import type { OutboxContext, OutboxDeps } from './context.js';
import { queue } from './queue.js';
import { advanceStatus } from './status.js';
import { toOutbound } from './toOutbound.js';

export { messageIdOfOurs, ourMessageId, type ChannelAdapters, type QueueInput } from './context.js';

export function createOutbox(deps: OutboxDeps) {
  const ctx: OutboxContext = { ...deps, wake: { nudge: () => undefined }, store: outboxQueue(deps.models) };
  return {
    /** The dispatcher registers here to be woken when a message is queued. */
    onQueued(callback: () => void) {
      ctx.wake.nudge = callback;
    },
    adapterFor: (channel: InboundChannel) => deps.adapters.get(replyVia(channel)),
    ...bindAll(ctx, { queue, advanceStatus, toOutbound }),
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
