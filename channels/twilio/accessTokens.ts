// Access tokens for the agents' browser softphone (Twilio Voice SDK in the console): identity
// "agent-<agentId>" (the <Client> a live call rings), a voice grant for incoming calls and for the
// TwiML app of outgoing ones, one hour.
import twilio from 'twilio';

export const VOICE_TOKEN_TTL_SECONDS = 3600;

export function createVoiceTokens(settings: { accountSid: string; apiKeySid: string; apiKeySecret: string; twimlAppSid: string }, now: () => Date) {
  return {
    issue(agentId: string): { token: string; identity: string; expiresAt: string } {
      const identity = `agent-${agentId}`;
      const token = new twilio.jwt.AccessToken(settings.accountSid, settings.apiKeySid, settings.apiKeySecret, { identity, ttl: VOICE_TOKEN_TTL_SECONDS });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: settings.twimlAppSid, incomingAllow: true }));
      return { token: token.toJwt(), identity, expiresAt: new Date(now().getTime() + VOICE_TOKEN_TTL_SECONDS * 1000).toISOString() };
    },
  };
}
export type VoiceTokens = ReturnType<typeof createVoiceTokens>;
