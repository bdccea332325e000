// Keeps the README true: every setting the server reads is in its configuration table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../config/index.js';

describe('README', () => {
  it('documents every environment variable', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const missing = Object.keys(EnvSchema.properties).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
