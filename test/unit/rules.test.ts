import { describe, expect, it } from 'vitest';
import { findReference, formatReference } from '../../src/domain/reference.js';
import { chooseRecurringAgent, handlingAgentId } from '../../src/domain/routing.js';
import { chooseThread } from '../../src/domain/threading.js';

describe('references', () => {
  it('formats with the year and six digits', () => {
    expect(formatReference(2026, 123)).toBe('GRU-2026-000123');
    expect(formatReference(2026, 1234567)).toBe('GRU-2026-1234567');
  });
  it('finds a reference in an edited subject', () => {
    expect(findReference('RE: TR: mon permis [GRU-2026-000123] (suite)')).toBe('GRU-2026-000123');
    expect(findReference('Re: rien')).toBeUndefined();
    expect(findReference('XGRU-2026-000123')).toBeUndefined();
  });
});

describe('routing', () => {
  const agent = (id: string, openTickets: number, availability: 'available' | 'away' = 'available', coverAgentId: string | null = null) => ({ id, openTickets, availability, coverAgentId });

  it('picks the available agent with the fewest open tickets', () => {
    expect(chooseRecurringAgent([agent('a', 3), agent('b', 1), agent('c', 0, 'away')])?.id).toBe('b');
  });
  it('breaks ties by id so the choice is stable', () => {
    expect(chooseRecurringAgent([agent('b', 1), agent('a', 1)])?.id).toBe('a');
  });
  it('returns nothing when everyone is away', () => {
    expect(chooseRecurringAgent([agent('a', 0, 'away')])).toBeUndefined();
  });
  it('hands a thread to the cover while the agent is away, following a chain of covers', () => {
    const agents = new Map([
      ['a', agent('a', 0, 'away', 'b')],
      ['b', agent('b', 0, 'away', 'c')],
      ['c', agent('c', 0)],
    ]);
    expect(handlingAgentId('a', agents)).toBe('c');
    expect(handlingAgentId('c', agents)).toBe('c');
  });
  it('never loops on covers that cover each other', () => {
    const agents = new Map([
      ['a', agent('a', 0, 'away', 'b')],
      ['b', agent('b', 0, 'away', 'a')],
    ]);
    expect(handlingAgentId('a', agents)).toBe('a');
  });
  it('keeps an away agent without cover', () => {
    expect(handlingAgentId('a', new Map([['a', agent('a', 0, 'away')]]))).toBe('a');
  });
});

describe('threading', () => {
  const now = new Date('2026-03-10T10:00:00Z');
  const t = (id: string, status: 'new' | 'open' | 'pending' | 'resolved' | 'closed', citizenId = 'c1', resolvedDaysAgo?: number) => ({
    id,
    citizenId,
    status,
    resolvedAt: resolvedDaysAgo === undefined ? null : new Date(now.getTime() - resolvedDaysAgo * 86_400_000),
  });
  const base = { citizenId: 'c1', now, reopenWindowDays: 7 };

  it('opens a new thread for a request the citizen opens on purpose, even beside an open one', () => {
    expect(chooseThread({ ...base, newRequest: true, open: t('open', 'open'), last: t('open', 'open') })).toEqual({ kind: 'new' });
  });
  it('prefers the explicit reference over the open ticket', () => {
    expect(chooseThread({ ...base, referenced: t('ref', 'pending'), open: t('open', 'open') })).toEqual({ kind: 'existing', ticketId: 'ref', reopen: false });
  });
  it('ignores a reference to another citizen ticket', () => {
    expect(chooseThread({ ...base, referenced: t('ref', 'open', 'c2'), open: t('open', 'open') })).toEqual({ kind: 'existing', ticketId: 'open', reopen: false });
    expect(chooseThread({ ...base, referenced: t('ref', 'open', 'c2') })).toEqual({ kind: 'new' });
  });
  it('reopens a referenced ticket resolved within the window, else opens a linked one', () => {
    expect(chooseThread({ ...base, referenced: t('ref', 'resolved', 'c1', 3) })).toEqual({ kind: 'existing', ticketId: 'ref', reopen: true });
    expect(chooseThread({ ...base, referenced: t('ref', 'resolved', 'c1', 8) })).toEqual({ kind: 'new', previousTicketId: 'ref' });
    expect(chooseThread({ ...base, referenced: t('ref', 'closed', 'c1', 1) })).toEqual({ kind: 'new', previousTicketId: 'ref' });
  });
  it('continues the open ticket, then the recently resolved last one', () => {
    expect(chooseThread({ ...base, open: t('open', 'pending') })).toEqual({ kind: 'existing', ticketId: 'open', reopen: false });
    expect(chooseThread({ ...base, last: t('last', 'resolved', 'c1', 2) })).toEqual({ kind: 'existing', ticketId: 'last', reopen: true });
    expect(chooseThread({ ...base, last: t('last', 'closed', 'c1', 2) })).toEqual({ kind: 'new', previousTicketId: 'last' });
    expect(chooseThread(base)).toEqual({ kind: 'new' });
  });
});
