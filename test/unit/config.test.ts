import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicBaseUrl: 'http://localhost:3000',
      store: { uri: undefined, dataDir: '.data' },
      bootstrap: { demo: true },
      rules: { slaFirstResponseHours: 48, timeZone: 'Europe/Paris', defaultPhoneRegion: 'FR', reopenWindowDays: 7 },
    });
    expect(config.email).toBeUndefined();
    expect(config.twilio).toBeUndefined();
    expect(Object.isFrozen(config) && Object.isFrozen(config.rules)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'mongodb://db/gru' }, 'JWT_SECRET'],
    [{ MONGODB_URI: 'postgres://db', JWT_SECRET: 'x'.repeat(32) }, 'MONGODB_URI'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ADMIN_EMAIL: 'admin@mairie.fr' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-pw' }, 'ADMIN_EMAIL'],
    [{ IMAP_HOST: 'imap.mairie.fr' }, 'SMTP_HOST'],
    [{ IMAP_HOST: 'imap', SMTP_HOST: 'smtp', MAIL_FROM: 'a@b.fr' }, 'IMAP_USER'],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_AUTH_TOKEN'],
    [{ DEMO: 'maybe' }, 'DEMO'],
    [{ TZ: 'Mars/Olympus' }, 'TZ'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, 'PUBLIC_BASE_URL'],
    [{ OPENING_HOURS: 'lundi 9h-17h' }, 'OPENING_HOURS'],
    [{ SMS_MAX_SEGMENTS: '0' }, 'SMS_MAX_SEGMENTS'],
    [{ WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, intranet' }, 'WEBHOOK_ALLOWED_NETWORKS'],
    [{ CALLBACK_REGIONS: 'France' }, 'CALLBACK_REGIONS'],
  ])('stops on %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  it('turns a channel on when its variables are set', () => {
    const config = loadConfig({
      IMAP_HOST: 'imap.mairie.fr', IMAP_USER: 'u', IMAP_PASSWORD: 'p', IMAP_TLS: 'no',
      SMTP_HOST: 'smtp.mairie.fr', SMTP_PORT: '2525', MAIL_FROM: 'Mairie <contact@mairie.fr>',
      TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_PHONE_NUMBER: '+33100000000',
      PUBLIC_BASE_URL: 'https://gru.mairie.fr/',
    });
    expect(config.email?.imap).toMatchObject({ host: 'imap.mairie.fr', port: 993, tls: false, mailbox: 'INBOX' });
    expect(config.email?.smtp.port).toBe(2525);
    expect(config.twilio?.phoneNumber).toBe('+33100000000');
    expect(config.publicBaseUrl).toBe('https://gru.mairie.fr');
  });

  it('turns the demo off by default with an external store', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/gru', JWT_SECRET: 'x'.repeat(32) }).bootstrap.demo).toBe(false);
    expect(loadConfig({ DEMO: '0' }).bootstrap.demo).toBe(false);
  });
});
