// One real FerretDB for the whole run, on a free loopback port, in a temporary directory.
// Each test file then works in a database of its own (see test/helpers/context.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedStore } from '../../src/store/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'gru-test-store-'));
  const store = await startEmbeddedStore({ dataDir: dir });
  project.provide('mongoUri', `${store.uri}?directConnection=true`);
  return async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
