// `npm run store:build`: builds the embedded store's binary ahead of the first start (npm start does it too).
import { ensureEmbeddedStoreBinary } from '../../src/store/embedded.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
say(await ensureEmbeddedStoreBinary({ info: say }));
