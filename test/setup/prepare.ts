// Run by `npm test` before vitest: installs or builds what the real peers need, once per machine.
import { ensureEmbeddedStoreBinary } from '../../src/store/embedded.js';

ensureEmbeddedStoreBinary({ info: (msg: string) => process.stdout.write(`${msg}\n`) });
