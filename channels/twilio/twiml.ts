// What a caller hears, in French: the service's name, a different message when closed, then voicemail.
import twilio from 'twilio';

const VOICE = { language: 'fr-FR' as const, voice: 'Polly.Lea' as const };

export function incomingCallTwiml(input: { serviceName: string; open: boolean; recordingUrl: string; transcriptionUrl: string; maxSeconds: number }): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, `Bonjour, vous êtes bien à ${input.serviceName}.`);
  response.say(
    VOICE,
    input.open
      ? "Nos agents ne peuvent pas vous répondre pour le moment. Laissez-nous un message après le bip, en précisant votre nom et l'objet de votre appel : votre interlocuteur habituel vous recontactera."
      : 'Nos services sont actuellement fermés. Laissez-nous un message après le bip, en précisant votre nom et l\'objet de votre appel : il sera traité dès la réouverture.',
  );
  response.record({
    action: input.recordingUrl,
    method: 'POST',
    maxLength: input.maxSeconds,
    playBeep: true,
    finishOnKey: '#',
    transcribe: true,
    transcribeCallback: input.transcriptionUrl,
  });
  // Reached only when nothing was recorded.
  response.say(VOICE, 'Nous n\'avons pas reçu de message. Au revoir.');
  response.hangup();
  return response.toString();
}

export function afterRecordingTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(VOICE, 'Merci, votre message a bien été enregistré. Au revoir.');
  response.hangup();
  return response.toString();
}

export const emptyTwiml = (): string => new twilio.twiml.MessagingResponse().toString();
