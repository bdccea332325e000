// Static assets and pages served by the app: the chat widget, the agent console and a demo page of a
// city's website. Pages render data with textContent only, so nothing a citizen writes runs as markup.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isMessageKey, t, textsFor } from '../../i18n/catalogue.js';
import { textAnswer } from '../schemas.js';
import { pageCsp } from '../security.js';
import { bundle } from '../assets.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// The widget (TypeScript in the chat channel's folder) is bundled like the pages, for other sites' pages
// that load nothing else: its words are put in from the catalogue.
const WIDGET_ENTRY = join(HERE, '../../../channels/webchat/widget/main.ts');
// Page shells name their words by catalogue key ({{ui.…}}); the scripts (src/web) fill the rest.
export const fromCatalogue = (html: string) => html.replace(/\{\{(ui\.[\w.]+)\}\}/g, (whole, key: string) => (isMessageKey(key) ? t(key) : whole));
const CONSOLE = fromCatalogue(readFileSync(join(HERE, '../pages/console.html'), 'utf8'));
const DASHBOARD = fromCatalogue(readFileSync(join(HERE, '../pages/dashboard.html'), 'utf8'));
export const SANDBOX_PAGE = fromCatalogue(readFileSync(join(HERE, '../pages/sandbox.html'), 'utf8'));
const CSP = new Map<string, string>();

/** An HTML page with the policy that lets only its own inline scripts run. */
export function sendPage(reply: FastifyReply, html: string, extra: { twilioVoice?: boolean } = {}) {
  const key = `${extra.twilioVoice ? 'voice:' : ''}${html}`;
  let csp = CSP.get(key);
  if (!csp) CSP.set(key, (csp = pageCsp(html, extra)));
  return reply.type('text/html; charset=utf-8').header('content-security-policy', csp).send(html);
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const pageRoutes =
  (settings: { serviceName: string; browserCalls?: boolean }): FastifyPluginAsync =>
  async (app) => {
    const WIDGET = await bundle(WIDGET_ENTRY, { __GRU_WIDGET_TEXTS__: JSON.stringify(textsFor('widget.')) });
    // The one resource the administration's other websites load.
    app.get('/widget.js', { schema: { tags: ['pages'], summary: 'The citizen chat widget (one script tag)', response: { 200: textAnswer('application/javascript', 'the widget') } } }, async (_request, reply) =>
      reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').header('cross-origin-resource-policy', 'cross-origin').send(WIDGET),
    );

    app.get('/console', { schema: { tags: ['pages'], summary: 'The agent console', response: { 200: textAnswer('text/html', 'the page') } } }, async (_request, reply) => sendPage(reply, CONSOLE, { twilioVoice: settings.browserCalls }));

    app.get('/dashboard', { schema: { tags: ['pages'], summary: "The managers' dashboard", response: { 200: textAnswer('text/html', 'the page') } } }, async (_request, reply) => sendPage(reply, DASHBOARD));

    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const name = escapeHtml(settings.serviceName);
      return sendPage(reply, `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Contactez ${name}</title>
  <style>body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#161616}</style>
</head>
<body>
  <main>
    <h1>Contactez ${name}</h1>
    <p>Une question, une démarche ? Écrivez-nous avec le bouton « Discuter avec nous », par SMS ou par e-mail :
    vous recevez aussitôt une référence, et une réponse sous 48 heures.</p>
    <p>Agents : <a href="/console">console des agents</a> · documentation de l'API : <a href="/docs">/docs</a>.</p>
  </main>
  <script src="/widget.js" data-service="${name}" defer></script>
</body>
</html>`);
    });
  };
