// axe-core (npm) run inside the page, on the WCAG 2.1 A and AA rules RGAA 4 maps to and on axe's best
// practices (landmarks, headings, table headers): zero violations of any impact. The page's strict CSP
// forbids injected scripts, so pages checked with axe are opened in a context that bypasses CSP (the
// policy itself is held by test/e2e/hostile.test.ts).
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The violations on the page as it is now; prints their count under `label` for the test log. */
export async function axeViolations(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: unknown[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations;
  })) as AxeViolation[];
  process.stdout.write(`axe: ${label}: ${violations.length} violation(s)\n`);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
