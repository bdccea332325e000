// What a citizen's file is, read from its first bytes only: the four kinds we accept, nothing else.
import { describe, expect, it } from 'vitest';
import { sniffDocument } from '../../src/domain/documents.js';
import { heic, jpeg, pdf, png, scriptAsPdf } from '../fixtures/documents.js';

describe('sniffDocument', () => {
  it('recognises PDF, JPEG, PNG and HEIC by their signature', () => {
    expect([pdf(), jpeg(), png(), heic()].map(sniffDocument)).toEqual(['application/pdf', 'image/jpeg', 'image/png', 'image/heic']);
  });

  it('knows nothing else: archives, office files, scripts, empty or cut-short files', () => {
    const zip = Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00[Content_Types].xml', 'latin1');
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(12)]);
    for (const bytes of [zip, ole, gzip, mp4, scriptAsPdf(), Buffer.alloc(0), Buffer.from([0xff, 0xd8]), Buffer.from('%PD')]) {
      expect(sniffDocument(bytes)).toBeUndefined();
    }
  });
});
