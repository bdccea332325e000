// An in-process SMTP relay (smtp-server) on a loopback port: it keeps what it accepted (envelope, parsed
// mail, raw bytes) and answers as the test scripts it: accept, 451 (try later) or 550 (refused). It can
// be stopped and started again on the same port, like a relay that goes down and comes back.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  rcptTo: string[];
  mail: ParsedMail;
  raw: string;
}

export async function startSmtpPeer() {
  const received: ReceivedMail[] = [];
  let answer: 'ok' | '451' | '550' = 'ok';
  let server: SMTPServer | null = null;
  let port = 0;

  const listen = () => {
    const smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (answer === '451') return done(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          if (answer === '550') return done(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          const raw = Buffer.concat(chunks);
          received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail: await simpleParser(raw), raw: raw.toString() });
          done();
        });
      },
    });
    server = smtp;
    return new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', () => {
      port = (smtp.server.address() as { port: number }).port;
      resolve();
    }));
  };
  await listen();

  return {
    get port() {
      return port;
    },
    received,
    /** The parsed mails accepted so far. */
    mails: () => received.map((r) => r.mail),
    answer(value: 'ok' | '451' | '550') {
      answer = value;
    },
    /** Stops listening (the relay is down); start() brings it back on the same port. */
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    start: listen,
  };
}
export type SmtpPeer = Awaited<ReturnType<typeof startSmtpPeer>>;
