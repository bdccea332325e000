import { describe, expect, it } from 'vitest';
import { createTokens } from '../../src/services/tokens.js';

describe('agent tokens', () => {
  const secret = 'unit-test-secret-0123456789abcdef0123';
  it('round-trips a principal and expires after its lifetime', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const tokens = createTokens({ secret, ttlMinutes: 10, now: () => now });
    const { token, expiresAt } = await tokens.sign({ agentId: 'a1', role: 'manager' });
    expect(expiresAt.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    await expect(tokens.verify(token)).resolves.toEqual({ agentId: 'a1', role: 'manager', expiresAt, sessionVersion: 0 });
    // The agent's session version travels with the token (auth refuses it once the agent's has moved on).
    await expect(tokens.verify((await tokens.sign({ agentId: 'a1', role: 'manager' }, 3)).token)).resolves.toMatchObject({ sessionVersion: 3 });
    now = new Date('2026-01-01T00:10:01Z');
    await expect(tokens.verify(token)).rejects.toMatchObject({ key: 'auth.token_expired' });
  });
  it('refuses a token signed with another secret (after a JWT_SECRET rotation)', async () => {
    const now = () => new Date();
    const old = createTokens({ secret, ttlMinutes: 10, now });
    const rotated = createTokens({ secret: `${secret}-rotated`, ttlMinutes: 10, now });
    const { token } = await old.sign({ agentId: 'a1', role: 'agent' });
    await expect(rotated.verify(token)).rejects.toMatchObject({ key: 'auth.token_invalid' });
    await expect(rotated.verify('garbage')).rejects.toMatchObject({ key: 'auth.token_invalid' });
  });
});
