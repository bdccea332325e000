// What a caller hears, in French: the service's name, a different message when closed, the offer of a
// call-back (key 1), then voicemail transcribed in real time in the service's language. And the TwiML
// of a call-back: the agent's phone is called first, then bridged to the citizen.
import twilio from 'twilio';

const VOICE = { language: 'fr-FR' as const, voice: 'Polly.Lea' as const };
type Response = InstanceType<typeof twilio.twiml.VoiceResponse>;

export interface VoicemailSettings { recordingUrl: string; transcriptionUrl: string; transcriptionLanguage: string; maxSeconds: number }

export function incomingCallTwiml(input: VoicemailSettings & { serviceName: string; open: boolean; callbackUrl: string | null }): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, `Bonjour, vous êtes bien à ${input.serviceName}.`);
  const situation = input.open ? 'Nos agents ne peuvent pas vous répondre pour le moment.' : 'Nos services sont actuellement fermés.';
  const leave = input.open
    ? "Laissez-nous un message après le bip, en précisant votre nom et l'objet de votre appel : votre interlocuteur habituel vous recontactera."
    : "Laissez-nous un message après le bip, en précisant votre nom et l'objet de votre appel : il sera traité dès la réouverture.";
  if (input.callbackUrl) {
    // A key pressed during the message goes to the call-back; silence falls through to the voicemail.
    const gather = response.gather({ numDigits: 1, action: input.callbackUrl, method: 'POST', timeout: 2, actionOnEmptyResult: false });
    gather.say(VOICE, `${situation} Pour être rappelé, tapez 1. Sinon, ${leave.charAt(0).toLowerCase()}${leave.slice(1)}`);
  } else {
    response.say(VOICE, `${situation} ${leave}`);
  }
  voicemail(response, input);
  return response.toString();
}

/** Within opening hours: the caller's usual agent is rung (their phone or their browser) while the caller waits. */
export function ringAgentTwiml(input: { serviceName: string; target: { number: string } | { client: string }; ringSeconds: number; actionUrl: string; statusUrl: string; recordingUrl?: string | null }): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, `Bonjour, vous êtes bien à ${input.serviceName}. Nous vous mettons en relation avec votre interlocuteur habituel.`);
  const dial = response.dial({ timeout: input.ringSeconds, action: input.actionUrl, method: 'POST', answerOnBridge: true, ...recording(response, input.recordingUrl) });
  const leg = { statusCallback: input.statusUrl, statusCallbackEvent: ['answered' as const, 'completed' as const], statusCallbackMethod: 'POST' as const };
  if ('number' in input.target) dial.number(leg, input.target.number);
  else dial.client(leg, input.target.client);
  return response.toString();
}

/** Nobody to ring or nobody answered: the call waits in the team's queue (its wait music is ours, in French). */
export function enqueueTwiml(input: { queue: string; waitUrl: string; actionUrl: string; notice: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, input.notice);
  response.enqueue({ waitUrl: input.waitUrl, waitUrlMethod: 'POST', action: input.actionUrl, method: 'POST' }, input.queue);
  return response.toString();
}

/** What the caller hears while waiting, again and again: their position; beyond the longest wait, the voicemail. */
export function queueWaitTwiml(input: { position: number | null; waitedSeconds: number; maxSeconds: number; callbackUrl: string | null }): string {
  const response = new twilio.twiml.VoiceResponse();
  if (input.waitedSeconds >= input.maxSeconds) {
    response.leave();
    return response.toString();
  }
  const position = input.position && input.position > 1 ? `Vous êtes en position ${input.position}. ` : 'Vous êtes le prochain. ';
  const text = `Tous nos agents sont en ligne. ${position}Merci de patienter, nous allons vous répondre.`;
  // About once a minute (the message, then a pause; Twilio asks again): the call-back offered, key 1.
  if (input.callbackUrl) {
    const gather = response.gather({ numDigits: 1, action: input.callbackUrl, method: 'POST', timeout: 40, actionOnEmptyResult: false });
    gather.say(VOICE, `${text} Pour être rappelé plutôt que d'attendre, tapez 1.`);
  } else {
    response.say(VOICE, text);
    response.pause({ length: 40 });
  }
  return response.toString();
}

/** VOICE_RECORD_CALLS: the caller is told first, then the conversation (from the answer) is recorded. */
export function recording(response: Response, recordingUrl: string | null | undefined) {
  if (!recordingUrl) return {};
  response.say(VOICE, 'Cet appel est enregistré pour le suivi de votre demande.');
  return { record: 'record-from-answer-dual' as const, recordingStatusCallback: recordingUrl, recordingStatusCallbackMethod: 'POST' as const, recordingStatusCallbackEvent: ['completed' as const] };
}

/** A first-time caller chooses a team by key (silence or another key: the default team). */
export function voiceMenuTwiml(input: { serviceName: string; menu: { key: string; label: string }[]; actionUrl: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({ numDigits: 1, action: input.actionUrl, method: 'POST', timeout: 5 });
  gather.say(VOICE, `Bonjour, vous êtes bien à ${input.serviceName}. ${input.menu.map((m) => `Pour ${m.label}, tapez ${m.key}.`).join(' ')}`);
  response.redirect({ method: 'POST' }, input.actionUrl);
  return response.toString();
}

/** The caller and the agent said goodbye. */
export const callEndedTwiml = (): string => sayAndHangUp('Merci de votre appel. Au revoir.');

/** Back to the voicemail (a key other than 1, or a hidden number that cannot be called back). */
export function voicemailTwiml(input: VoicemailSettings & { notice?: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  if (input.notice) response.say(VOICE, input.notice);
  voicemail(response, input);
  return response.toString();
}

function voicemail(response: Response, input: VoicemailSettings) {
  // Real-time transcription of the caller's side only, in the service's language; its callbacks are
  // gathered into the call's one thread entry. Started here, so the greeting's silence is not in it.
  response.start().transcription({
    name: 'voicemail',
    statusCallbackUrl: input.transcriptionUrl,
    languageCode: input.transcriptionLanguage,
    track: 'inbound_track',
    partialResults: false,
  });
  response.record({ action: input.recordingUrl, method: 'POST', maxLength: input.maxSeconds, playBeep: true, finishOnKey: '#' });
  // Reached only when nothing was recorded.
  response.say(VOICE, 'Nous n\'avons pas reçu de message. Au revoir.');
  response.hangup();
}

export function sayAndHangUp(text: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, text);
  response.hangup();
  return response.toString();
}

/** Key 1 pressed: the call-back is noted for that half-day. */
export const callbackNotedTwiml = (slotLabel: string): string => sayAndHangUp(`C'est noté : nous vous rappellerons ${slotLabel}, au numéro qui nous appelle. Au revoir.`);
/** The agent answered a call-back that no longer exists. */
export const callGoneTwiml = (): string => sayAndHangUp('Cet appel n’est plus disponible. Au revoir.');
/** What the agent hears when the citizen did not pick up. */
export const citizenNoAnswerTwiml = (): string => sayAndHangUp('L’usager n’a pas répondu. Au revoir.');

export function afterRecordingTwiml(): string {
  return sayAndHangUp('Merci, votre message a bien été enregistré. Au revoir.');
}

/** The agent answered their phone: tell them whom they call, then dial the citizen showing the service's number. */
export function bridgeTwiml(input: { reference: string; citizenPhone: string; callerId: string; dialUrl: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, `Rappel de l'usager, dossier ${input.reference.split('').join(' ')}. Mise en relation.`);
  const dial = response.dial({ callerId: input.callerId, action: input.dialUrl, method: 'POST', timeout: 30, answerOnBridge: true });
  dial.number(input.citizenPhone);
  return response.toString();
}

export const emptyTwiml = (): string => new twilio.twiml.MessagingResponse().toString();
export const emptyVoiceTwiml = (): string => new twilio.twiml.VoiceResponse().toString();
