// In-process, typed publish/subscribe of domain events. A subscriber's failure is logged, never
// propagated: the event is emitted after its data is stored.
import type { Logger } from 'pino';
import type { DomainEventMap, DomainEventName } from '../domain/events.js';

type Handler<K extends DomainEventName> = (event: DomainEventMap[K]) => void | Promise<void>;

export class EventBus {
  private readonly handlers = new Map<DomainEventName, Set<Handler<never>>>();
  constructor(private readonly log: Logger) {}

  on<K extends DomainEventName>(name: K, handler: Handler<K>): () => void {
    const set = this.handlers.get(name) ?? new Set();
    set.add(handler as Handler<never>);
    this.handlers.set(name, set);
    return () => set.delete(handler as Handler<never>);
  }

  /** Emits, and resolves once every subscriber is done (failures logged): for an answer that promises their work. */
  async emitSettled<K extends DomainEventName>(name: K, event: DomainEventMap[K]): Promise<void> {
    await Promise.all([...(this.handlers.get(name) ?? [])].map((handler) =>
      Promise.resolve()
        .then(() => (handler as Handler<K>)(event))
        .catch((err: unknown) => this.log.error({ err, event: name }, 'event subscriber failed')),
    ));
  }

  emit<K extends DomainEventName>(name: K, event: DomainEventMap[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      Promise.resolve()
        .then(() => (handler as Handler<K>)(event))
        .catch((err: unknown) => this.log.error({ err, event: name, ticketId: (event as { ticketId?: string }).ticketId }, 'event subscriber failed'));
    }
  }
}
