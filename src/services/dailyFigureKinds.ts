// What the statistics count per day (src/services/dailyFigures.ts keeps it): inbound messages, the
// promise of the tickets opened (settled, on time, minutes to the first answer), satisfaction answers;
// each per team and agent as they were when counted.
import type { Types } from 'mongoose';
import type { FiguresStore } from '../store/repositories/figures.js';

/** The team and agent of the ticket, as they were when the day was counted. */
export type Scope = { teamId: string | null; assigneeId: string | null };
/** Inbound messages. */
export type VolumeRow = Scope & { channel: string; n: number };
/** Tickets opened: how many had their promise settled (answered, or past their deadline), how many on time, and the minutes to each first answer. */
export type PromiseRow = Scope & { opened: number; settled: number; onTime: number; minutes: number[] };
/** Satisfaction answers: how many and the sum of their scores, per channel of the request. */
export type RatingRow = Scope & { channel: string; n: number; sum: number };

/** What a ticket's promise figures are made of. */
export const promiseFields = { openedAt: 1, firstRespondedAt: 1, firstResponseDueAt: 1, teamId: 1, assigneeId: 1 } as const;
export type PromiseDoc = { _id: Types.ObjectId; openedAt?: Date | null; firstRespondedAt?: Date | null; firstResponseDueAt?: Date | null; teamId?: Types.ObjectId | null; assigneeId?: Types.ObjectId | null };
/** Every open ticket, read by the caller just now with the promise's fields: not read again here. */
export type OpenTickets = Map<string, PromiseDoc>;

export interface Kind<Row> {
  name: 'inbound' | 'tickets' | 'ratings';
  /**
   * The rows of [from, to); `pending` are documents whose figures may still change: read live at each
   * use. `open` is given for a live count only (a count that is kept reads everything itself: a ticket
   * that changed status since the open ones were read would be counted twice or missed, for good).
   */
  count(from: Date, to: Date, open: OpenTickets | null): Promise<{ rows: Row[]; pending: { id: Types.ObjectId; row: Row }[] }>;
  /** The rows of documents kept as pending, as they are now. */
  recount(ids: Types.ObjectId[], open: OpenTickets): Promise<Row[]>;
}

export const scopeOf = (doc: { teamId?: Types.ObjectId | null; assigneeId?: Types.ObjectId | null }): Scope => ({
  teamId: doc.teamId ? String(doc.teamId) : null,
  assigneeId: doc.assigneeId ? String(doc.assigneeId) : null,
});

/** Adds `row` into `rows`, merged with the row of the same group (`key`). */
function addTo<Row extends Scope>(rows: Map<string, Row>, key: string, row: Row, merge: (into: Row, row: Row) => void) {
  const into = rows.get(key);
  if (into) merge(into, row);
  else rows.set(key, structuredClone(row));
}


/** Inbound messages of a period, per channel. */
export function inboundKind(store: FiguresStore): Kind<VolumeRow> {
  return {
  name: 'inbound',
  async count(from, to, open) {
    const messages = await store.inboundBetween(from, to);
    // The team and agent of each message's ticket: the open ones are known, the others read.
    const ticketIds = [...new Set(messages.map((m) => String(m.ticketId)))].filter((id) => !open?.has(id));
    const tickets = await store.scopesOf(ticketIds);
    const scopes = new Map([...tickets, ...(open?.values() ?? [])].map((t) => [String(t._id), scopeOf(t)]));
    const rows = new Map<string, VolumeRow>();
    for (const m of messages) {
      const scope = scopes.get(String(m.ticketId)) ?? { teamId: null, assigneeId: null };
      addTo(rows, `${m.channel}|${scope.teamId}|${scope.assigneeId}`, { channel: m.channel, ...scope, n: 1 }, (into, row) => (into.n += row.n));
    }
    return { rows: [...rows.values()], pending: [] };
  },
  recount: async () => [],
};
}

/** Two promise rows summed into the first. */
export const mergePromise = (into: PromiseRow, row: PromiseRow) => {
  into.opened += row.opened;
  into.settled += row.settled;
  into.onTime += row.onTime;
  into.minutes.push(...row.minutes);
};

/** The promise of the tickets opened in a period; those not yet answered are kept pending, read live. */
export function ticketsKind(store: FiguresStore, now: () => Date): Kind<PromiseRow> {
  /** One ticket's row, as of now. */
  const promiseRow = (t: PromiseDoc): PromiseRow => {
    const answered = t.firstRespondedAt && t.openedAt ? t.firstRespondedAt : null;
    const due = t.firstResponseDueAt ?? null;
    return {
      ...scopeOf(t),
      opened: 1,
      // A ticket counts once its promise is settled: answered, or its deadline passed unanswered.
      settled: answered || (due && due <= now()) ? 1 : 0,
      onTime: answered && due && answered <= due ? 1 : 0,
      minutes: answered ? [(answered.getTime() - t.openedAt!.getTime()) / 60_000] : [],
    };
  };
  return {
    name: 'tickets',
    async count(from, to, open) {
      // Counted live: the open tickets are known, only the others are read (by status and date, one index).
      const opened = open
        ? [
            ...(await store.openedBetween<PromiseDoc>(from, to, promiseFields, true)),
            ...[...open.values()].filter((t) => t.openedAt && t.openedAt >= from && t.openedAt < to),
          ]
        : await store.openedBetween<PromiseDoc>(from, to, promiseFields, false);
      // Answered: final (the first answer is dated once). Not yet: pending, read again at each use.
      const rows = new Map<string, PromiseRow>();
      const pending = [];
      for (const t of opened) {
        const row = promiseRow(t);
        if (t.firstRespondedAt) addTo(rows, `${row.teamId}|${row.assigneeId}`, row, mergePromise);
        else pending.push({ id: t._id, row });
      }
      return { rows: [...rows.values()], pending };
    },
    async recount(ids, open) {
      // Mostly among the open tickets: only the others are read.
      const unknown = ids.filter((id) => !open.has(String(id)));
      const read = await store.ticketsById<PromiseDoc>(unknown, promiseFields);
      return [...ids.map((id) => open.get(String(id))).filter((t): t is PromiseDoc => !!t), ...read].map(promiseRow);
    },
  };
}

/** Satisfaction answers of a period, per channel of the request. */
export function ratingsKind(store: FiguresStore): Kind<RatingRow> {
  return {
  name: 'ratings',
  async count(from, to) {
    const rated = await store.ratedBetween(from, to);
    const rows = new Map<string, RatingRow>();
    for (const t of rated) {
      const row = { ...scopeOf(t), channel: t.channel, n: 1, sum: t.satisfaction!.score };
      addTo(rows, `${row.channel}|${row.teamId}|${row.assigneeId}`, row, (into, r) => {
        into.n += r.n;
        into.sum += r.sum;
      });
    }
    return { rows: [...rows.values()], pending: [] };
  },
  recount: async () => [],
};
}
