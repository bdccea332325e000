// One real FerretDB for the whole run, on a free loopback port, in a temporary directory; or, with
// TEST_MONGODB_URI, the MongoDB an operator deploys on (the suite before an upgrade). Each test file then
// works in a database of its own (see test/helpers/context.ts), dropped at its end.
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
  const operator = process.env.TEST_MONGODB_URI;
  if (operator) {
    process.stdout.write(`store: the suite runs on TEST_MONGODB_URI (${operator.replace(/\/\/[^@/]*@/, '//…@')}); tests of the embedded store's own query plans are skipped\n`);
    project.provide('mongoUri', operator);
    return async () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gru-test-store-'));
  const store = await startEmbeddedStore({ dataDir: dir });
  project.provide('mongoUri', `${store.uri}?directConnection=true`);
  return async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
