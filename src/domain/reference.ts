// Ticket references: GRU-2026-000123, human-readable, from an atomic per-year counter.
const REFERENCE = /\bGRU-(\d{4})-(\d{6,})\b/;

export function formatReference(year: number, sequence: number): string {
  return `GRU-${year}-${String(sequence).padStart(6, '0')}`;
}

/** The first reference found in a text such as a subject "Re: permis [GRU-2026-000123]". */
export function findReference(text: string | undefined): string | undefined {
  const match = text ? REFERENCE.exec(text) : null;
  return match ? match[0] : undefined;
}

export const referenceCounterName = (year: number): string => `ticket-reference-${year}`;
