// A call-back made from the console: Twilio calls the agent's phone, then bridges to the citizen. Its
// outcome is one thread entry, moved by Twilio's callbacks of both legs in any order, never backwards.
import { t } from '../i18n/catalogue.js';

export type DialState = 'initiated' | 'ringing' | 'agent_answered' | 'answered' | 'no_answer' | 'busy' | 'failed' | 'agent_unreachable';

const RANK: Record<DialState, number> = {
  initiated: 0, ringing: 1, agent_answered: 2, answered: 3, no_answer: 3, busy: 3, failed: 3, agent_unreachable: 3,
};
export const isFinal = (state: DialState) => RANK[state] === 3;

export interface DialRecord { state: DialState; durationSeconds: number | null }

/** A callback: the agent's leg (status callbacks, CallStatus) or the citizen's (the Dial action, DialCallStatus). */
export type DialEvent = { leg: 'agent' | 'citizen'; status: string; durationSeconds?: number | null };

function stateOf(event: DialEvent): DialState | null {
  if (event.leg === 'citizen') {
    return ({ completed: 'answered', answered: 'answered', busy: 'busy', 'no-answer': 'no_answer', failed: 'failed', canceled: 'failed' } as const)[event.status as 'busy'] ?? null;
  }
  return (
    ({ queued: 'initiated', initiated: 'initiated', ringing: 'ringing', 'in-progress': 'agent_answered', busy: 'agent_unreachable', 'no-answer': 'agent_unreachable', failed: 'agent_unreachable', canceled: 'agent_unreachable' } as const)[
      event.status as 'busy'
    ] ?? null
  );
}

/** The record after the event, or null when it brings nothing new (a retry, a late or earlier step). */
export function applyDialEvent(current: DialRecord, event: DialEvent): DialRecord | null {
  // The agent's leg ending after the bridge says nothing about the citizen: the Dial action does.
  if (event.leg === 'agent' && event.status === 'completed') {
    return RANK[current.state] < 2 ? { state: 'agent_unreachable', durationSeconds: null } : null;
  }
  const next = stateOf(event);
  if (!next || RANK[next] <= RANK[current.state]) return null;
  return { state: next, durationSeconds: next === 'answered' ? (event.durationSeconds ?? null) : null };
}

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} min ${String(seconds % 60).padStart(2, '0')} s` : `${seconds} s`;
}

/** The thread's words for the call, French first. */
export function dialText(record: DialRecord, phone: string): string {
  const detail = record.state === 'answered' && record.durationSeconds !== null ? t('call.duration', { duration: duration(record.durationSeconds) }) : '';
  return t(`call.state.${record.state}`, { phone, detail });
}
