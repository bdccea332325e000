// Webhook signing secrets, kept sealed with the server's secret (AES-256-GCM): shown once at creation,
// read back only to sign a delivery.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export function createSealer(serverSecret: string) {
  const sealKey = createHmac('sha256', serverSecret).update('gru webhook secrets').digest();
  return {
    seal(plain: string) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
    },
    unseal(sealed: string) {
      const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', sealKey, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
    },
  };
}
export type Sealer = ReturnType<typeof createSealer>;
