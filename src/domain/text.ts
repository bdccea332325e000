// Texts that show on one line: a person's name, a subject, a file name. Control characters and the
// Unicode direction overrides (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C) are
// taken out: "facture\u202Efdp.exe" would otherwise read "facture exe.pdf" on an agent's screen.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** The text without direction overrides. */
export const withoutBidi = (text: string) => text.replace(BIDI_CONTROLS, '');

/** One line of at most `max` characters, or undefined when nothing is left. */
export function oneLine(text: string | undefined, max: number): string | undefined {
  const line = text === undefined ? undefined : withoutBidi(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, max);
  return line || undefined;
}
