// Schemathesis (from PyPI) in a virtualenv of the project's own, made by `npm test`'s prepare step.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
export const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(ROOT, '.cache/schemathesis');
export const ST_BIN = join(VENV, 'bin/st');
const MARK = join(VENV, '.installed');

/** Makes the virtualenv and installs the pinned schemathesis, once per machine (or version). */
export function ensureSchemathesis(say: (msg: string) => void): void {
  if (existsSync(ST_BIN) && existsSync(MARK) && readFileSync(MARK, 'utf8') === SCHEMATHESIS_VERSION) return;
  say(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into .cache/schemathesis (the OpenAPI fuzzing test)`);
  let venv = spawnSync('python3', ['-m', 'venv', '--clear', VENV], { stdio: 'inherit' });
  if (venv.status !== 0) {
    // Debian's own python3 needs python3-venv for this.
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    venv = spawnSync('python3', ['-m', 'venv', '--clear', VENV], { stdio: 'inherit' });
  }
  const pip = venv.status === 0 ? spawnSync(join(VENV, 'bin/pip'), ['install', '-q', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], { stdio: 'inherit' }) : venv;
  if (pip.status !== 0) throw new Error(`could not install schemathesis ${SCHEMATHESIS_VERSION} (exit ${pip.status}): python3 with venv and pip, and PyPI, are needed`);
  writeFileSync(MARK, SCHEMATHESIS_VERSION);
}
