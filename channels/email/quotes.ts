// Separates what the citizen wrote now from the quoted history mail clients append (Gmail, Outlook,
// Thunderbird, Apple Mail, in French and English), so the thread shows the new text first.
const HISTORY_MARKERS = [
  /^\s*(le|on)\s.{4,120}(a écrit|wrote)\s?:\s*$/im, // Gmail, Thunderbird, Apple Mail
  /^\s*-{2,}\s*(original message|message d'origine|message original|forwarded message|message transféré)\s*-{2,}\s*$/im,
  /^\s*(de|from)\s?:\s.+\n\s*(envoyé|sent|date)\s?:\s.+/im, // Outlook
  /^_{10,}\s*$/m, // Outlook's rule before the header block
];

export function splitQuoted(text: string): { fresh: string; quoted: string | null } {
  const normalised = text.replace(/\r\n/g, '\n');
  let cut = -1;
  for (const marker of HISTORY_MARKERS) {
    const match = marker.exec(normalised);
    if (match && (cut === -1 || match.index < cut)) cut = match.index;
  }
  // A trailing block of "> " lines is history too.
  const lines = normalised.split('\n');
  let firstQuoted = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*>/.test(lines[i]!) || (lines[i]!.trim() === '' && firstQuoted === i + 1)) firstQuoted = i;
    else break;
  }
  const quotedBlockStart = firstQuoted < lines.length ? lines.slice(0, firstQuoted).join('\n').length : -1;
  if (quotedBlockStart > 0 && (cut === -1 || quotedBlockStart < cut)) cut = quotedBlockStart;
  if (cut <= 0) return { fresh: normalised.trim(), quoted: null };
  return { fresh: normalised.slice(0, cut).trim(), quoted: normalised.slice(cut).trim() || null };
}
