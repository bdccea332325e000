// A real Dovecot IMAP server for a test file: its own config in a temp dir, a free loopback port, one
// mailbox user; delivery like a real MTA with dovecot-lda. Nothing under /etc is touched.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './processes.js';

export async function startDovecot(user = 'mairie@example.test', password = 'secret') {
  const dir = mkdtempSync(join(tmpdir(), 'gru-dovecot-'));
  // Dovecot's auth process (user dovecot) reads the users file: the folder must be traversable.
  chmodSync(dir, 0o755);
  const port = await freePort();
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}:65534:65534::${dir}/mail/%u\n`);
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  chownSync(join(dir, 'mail'), 65534, 65534);
  const conf = join(dir, 'dovecot.conf');
  // The master daemonizes: no pipes to it, or waiting for them would never end.
  const started = spawnSync('/usr/sbin/dovecot', ['-c', conf], { stdio: 'ignore', timeout: 10_000 });
  if (started.status !== 0) throw new Error(`dovecot did not start (exit ${started.status}): ${existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : ''}`);
  await waitForPort(port);

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    /** Delivers a raw message into the mailbox, as an MTA would. */
    deliver(raw: string | Buffer, from = 'sender@example.test'): Promise<void> {
      return new Promise((resolve, reject) => {
        const lda = spawn('/usr/lib/dovecot/dovecot-lda', ['-c', conf, '-d', user, '-f', from], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        lda.stderr.on('data', (c: Buffer) => (err += c.toString()));
        lda.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot-lda exited ${code}: ${err}`))));
        lda.stdin.end(raw);
      });
    },
    async stop() {
      const pidFile = join(dir, 'run', 'master.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        for (let i = 0; i < 40; i++) {
          try {
            process.kill(pid, 0);
            await new Promise((r) => setTimeout(r, 50));
          } catch {
            break;
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment that points the app at this Dovecot and at an SMTP peer on a loopback port. */
export function emailEnv(dovecot: { host: string; port: number; user: string; password: string }, smtpPort: number): Record<string, string> {
  return {
    IMAP_HOST: dovecot.host, IMAP_PORT: String(dovecot.port), IMAP_USER: dovecot.user, IMAP_PASSWORD: dovecot.password, IMAP_TLS: 'no',
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_TLS: 'no', MAIL_FROM: 'Mairie <contact@mairie.example>',
  };
}
