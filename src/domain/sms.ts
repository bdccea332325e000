// SMS length rules: GSM-7 text fits 160 characters (153 per part when split); anything else, such as
// "ê" or an emoji, switches the whole message to UCS-2 with 70 (67 per part).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** How many characters the segments counted hold (160, 306… in GSM-7; 70, 134… in UCS-2). */
  limit: number;
}

/**
 * Typographic look-alikes that would switch a whole SMS to UCS-2 (less than half the characters per
 * part), written as their GSM-7 equivalents, as Twilio's "smart encoding" does: curly quotes and
 * apostrophes, guillemets, dashes, ellipsis, non-breaking spaces. Letters keep their accents.
 */
const GSM7_EQUIVALENTS: Record<string, string> = {
  '\u2019': "'", '\u2018': "'", '\u201a': "'", '\u2032': "'", '\u02bc': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u00ab': '"', '\u00bb': '"', '\u2033': '"',
  '\u2013': '-', '\u2014': '-', '\u2010': '-', '\u2011': '-', '\u2212': '-',
  '\u2026': '...', '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u2007': ' ', '\u200b': '',
};
const LOOKALIKES = new RegExp(`[${Object.keys(GSM7_EQUIVALENTS).join('')}]`, 'gu');

/** The text as it is sent by SMS: look-alikes replaced by their GSM-7 equivalents. */
export const toGsm7 = (text: string): string => text.replace(LOOKALIKES, (c) => GSM7_EQUIVALENTS[c] ?? c);

/** Parts and encoding of the text as it will be sent (after toGsm7). */
export function smsLength(raw: string): SmsLength {
  const text = toGsm7(raw);
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
  if (gsm) {
    const segments = septets <= 160 ? 1 : Math.ceil(septets / 153);
    return { encoding: 'GSM-7', segments, limit: segments === 1 ? 160 : segments * 153 };
  }
  // UCS-2 counts UTF-16 code units: an emoji takes two.
  const units = text.length;
  const segments = units <= 70 ? 1 : Math.ceil(units / 67);
  return { encoding: 'UCS-2', segments, limit: segments === 1 ? 70 : segments * 67 };
}

/** Opt-out and opt-in keywords, in French and English, as a whole message. */
export function consentKeyword(text: string): 'stop' | 'start' | null {
  const word = text.trim().toUpperCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[.!]+$/, '');
  if (['STOP', 'ARRET', 'STOPALL', 'UNSUBSCRIBE', 'DESINSCRIPTION'].includes(word)) return 'stop';
  if (['START', 'UNSTOP', 'DEMARRER', 'REPRISE'].includes(word)) return 'start';
  return null;
}
