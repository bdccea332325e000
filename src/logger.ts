// pino, with the secrets that travel in URLs (portal tokens) and headers kept out of the logs.
import { pino, type Logger, type LoggerOptions } from 'pino';

export const redactUrl = (url: string | undefined) => url?.replace(/\/portal\/[^/?#]+/g, '/portal/[token]');

export const logSerializers: LoggerOptions['serializers'] = {
  req: (req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
    method: req.method,
    url: redactUrl(req.url),
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'gru' },
    serializers: logSerializers,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'password', '*.password', 'token', '*.token', 'sessionToken', '*.sessionToken'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
