// SMS length rules: GSM-7 text fits 160 characters (153 per part when split); anything else, such as
// "ê" or an emoji, switches the whole message to UCS-2 with 70 (67 per part).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENDED.has(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  // UCS-2 counts UTF-16 code units: an emoji takes two.
  const units = text.length;
  return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Opt-out and opt-in keywords, in French and English, as a whole message. */
export function consentKeyword(text: string): 'stop' | 'start' | null {
  const word = text.trim().toUpperCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[.!]+$/, '');
  if (['STOP', 'ARRET', 'STOPALL', 'UNSUBSCRIBE', 'DESINSCRIPTION'].includes(word)) return 'stop';
  if (['START', 'UNSTOP', 'DEMARRER', 'REPRISE'].includes(word)) return 'start';
  return null;
}
