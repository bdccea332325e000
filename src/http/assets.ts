// The pages' scripts: TypeScript under src/web, bundled by esbuild when the app starts (about a tenth
// of a second each), served from memory as /assets/<name>.js. Same origin, so the pages' strict CSP
// (script-src 'self') lets them run; nothing comes from a CDN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FastifyPluginAsync } from 'fastify';
import { t } from '../i18n/catalogue.js';
import { textAnswer } from './schemas.js';

const WEB = join(import.meta.dirname, '../web');
export const BUNDLES = { console: join(WEB, 'console/main.ts'), dashboard: join(WEB, 'dashboard/main.ts'), sandbox: join(WEB, 'sandbox/main.ts'), portal: join(WEB, 'portal/main.ts'), space: join(WEB, 'space/main.ts'), softphone: join(WEB, 'softphone/main.ts') } as const;

// Bundled once per process: the sources do not change while it runs. `define`: values put into the
// bundle (the chat widget's words, for other sites' pages that load nothing else).
const built = new Map<string, Promise<string>>();
export function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  let code = built.get(entry);
  if (!code) {
    code = build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', target: 'es2020', minify: true, legalComments: 'none', charset: 'utf8', define }).then((r) => r.outputFiles[0]!.text);
    built.set(entry, code);
  }
  return code;
}

/** The citizens' pages' one stylesheet (the portal and « Mon espace »). */
const CITIZEN_CSS = readFileSync(join(WEB, 'portal/citizen.css'), 'utf8');

export const assetRoutes: FastifyPluginAsync = async (app) => {
  app.get('/assets/citizen.css', { schema: { tags: ['pages'], summary: "The citizens' pages' stylesheet", response: { 200: textAnswer('text/css', 'the stylesheet') } } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(CITIZEN_CSS),
  );
  const scripts = Object.fromEntries(await Promise.all(Object.entries(BUNDLES).map(async ([name, entry]) => [name, await bundle(entry)] as const)));
  app.get('/assets/:name.js', {
    schema: { tags: ['pages'], summary: "The pages' scripts (bundled from src/web)", response: { 200: textAnswer('application/javascript', 'the script'), 404: { $ref: 'Error#' } } },
  }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const script = Object.hasOwn(scripts, name) ? scripts[name] : undefined;
    if (!script) return reply.status(404).send({ error: { code: 'not_found', message: t('http.route_not_found', { method: 'GET', path: `/assets/${name}.js` }) } });
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script);
  });
};
