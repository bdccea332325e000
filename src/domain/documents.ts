// What a citizen may send as a document: a PDF or a photo (JPEG, PNG, HEIC from phones), recognised by
// its content, not its name; not empty, not over the size limit, and no image whose pixels would
// explode when opened (a few kilobytes claiming 30 000 × 30 000).
import { Invalid, TooLarge } from './errors.js';
import { withoutBidi } from './text.js';

export const DOCUMENT_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
};
/** 50 megapixels: any phone photo, never a decompression bomb. */
export const MAX_PIXELS = 50_000_000;

/**
 * The type of a document read from its first bytes only, for the types we accept; anything else
 * (archives, office files, scripts) is undefined. Nothing is parsed past the signature, and nothing is
 * ever decompressed to decide: a ZIP whose entries would inflate to gigabytes costs a few comparisons.
 */
export function sniffDocument(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  // ISO base media (HEIF): a first box "ftyp" whose major brand names the kind of image.
  if (ascii(4, 8) === 'ftyp') return HEIF_BRANDS[ascii(8, 12)];
  return undefined;
}
const HEIF_BRANDS: Record<string, string | undefined> = { heic: 'image/heic', heix: 'image/heic', heim: 'image/heic', heis: 'image/heic', mif1: 'image/heif' };

export interface Inspected {
  /** The type read from the leading bytes (sniffDocument), if any. */
  sniffed: string | undefined;
  size: number;
  /** For images: what their header claims. */
  dimensions?: { width: number; height: number };
}

/** The content type to store, or a refusal the citizen can act on. */
export function acceptDocument(file: Inspected & { filename: string }, maxBytes: number): string {
  if (file.size === 0) throw new Invalid('document.empty', { name: file.filename });
  if (file.size > maxBytes) throw new TooLarge('document.too_large', { name: file.filename, max: sizeLabel(maxBytes) });
  if (!file.sniffed || !(file.sniffed in DOCUMENT_TYPES)) throw new Invalid('document.type_refused', { name: file.filename });
  if (file.sniffed.startsWith('image/')) {
    const pixels = file.dimensions ? file.dimensions.width * file.dimensions.height : NaN;
    if (!(pixels > 0) || pixels > MAX_PIXELS) throw new Invalid('document.image_too_large', { name: file.filename });
  }
  return file.sniffed;
}

/** "10 Mo", "64 Ko": a limit as citizens read it. */
export const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} Mo` : `${Math.max(1, Math.floor(bytes / 1024))} Ko`);

/** A file name safe to keep and to offer as a download, with the extension its content has. */
export function documentName(filename: string, contentType: string): string {
  const base = withoutBidi(filename).replace(/[\u0000-\u001f\u007f"\\/:*?<>|]+/g, '_').replace(/\.[A-Za-z0-9]{1,5}$/, '').trim().slice(0, 150) || 'document';
  return `${base}.${DOCUMENT_TYPES[contentType] ?? 'bin'}`;
}

/** "Justificatif de domicile" → a stable short id for the checklist. */
export function checklistId(label: string): string {
  const slug = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return slug || 'piece';
}
