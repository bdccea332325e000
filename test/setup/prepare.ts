// Run by `npm test` before vitest: installs or builds what the real peers need, once per machine.
// Debian packages are installed with apt-get when missing (the machines are Debian and we are root).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureEmbeddedStoreBinary } from '../../src/store/embedded.js';
import { ensureSchemathesis } from '../helpers/schemathesis.js';

const say = (msg: string) => process.stdout.write(`prepare: ${msg}\n`);

const PACKAGES: { binary: string; pkg: string; why: string }[] = [
  { binary: '/usr/bin/chromium', pkg: 'chromium', why: 'browser tests' },
  { binary: '/usr/sbin/dovecot', pkg: 'dovecot-imapd', why: 'the IMAP server of the email tests' },
  { binary: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the Socket.IO adapter of the several-instances tests' },
];

const missing = PACKAGES.filter((p) => !existsSync(p.binary));
if (missing.length > 0) {
  const names = missing.map((p) => p.pkg);
  say(`installing ${names.join(', ')} from Debian (${missing.map((p) => p.why).join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env }) : update;
  if (install.status !== 0) {
    process.stderr.write(`prepare: could not install ${names.join(', ')} (apt-get exited ${install.status}); run as root on Debian, or install them yourself\n`);
    process.exit(1);
  }
}

await ensureEmbeddedStoreBinary({ info: say });
ensureSchemathesis(say);
