// Twilio error codes an agent may meet, with a readable reason and whether trying again can help.
export const TWILIO_ERRORS: Record<number, { reason: string; retryable: boolean }> = {
  20003: { reason: 'Twilio refused our credentials (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)', retryable: true },
  20429: { reason: 'Twilio is limiting our request rate', retryable: true },
  21211: { reason: 'the phone number is not valid', retryable: false },
  21408: { reason: 'SMS to this country is not enabled on our Twilio account', retryable: false },
  21610: { reason: 'the citizen answered STOP to our SMS: reply on another channel', retryable: false },
  21612: { reason: 'this number cannot receive SMS from our number', retryable: false },
  21614: { reason: 'the number is not a mobile phone and cannot receive SMS', retryable: false },
  21617: { reason: 'the message is too long', retryable: false },
  30003: { reason: 'the phone is switched off or out of reach', retryable: false },
  30004: { reason: 'the citizen blocked messages from our number', retryable: false },
  30005: { reason: 'the number does not exist or is no longer in service', retryable: false },
  30006: { reason: 'the number is a landline or its carrier cannot receive SMS', retryable: false },
  30007: { reason: 'the carrier filtered the message', retryable: false },
  30008: { reason: 'the carrier reported an unknown error', retryable: false },
};

export function twilioReason(code: number | string | null | undefined, fallback?: string): string {
  const known = code === null || code === undefined ? undefined : TWILIO_ERRORS[Number(code)];
  if (known) return `${known.reason} (Twilio ${code})`;
  if (code) return `${fallback ?? 'Twilio refused the message'} (Twilio ${code})`;
  return fallback ?? 'Twilio refused the message';
}
