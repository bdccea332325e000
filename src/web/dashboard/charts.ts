// A horizontal bar chart drawn in SVG, with its figures also in a table (what screen readers and the
// CSV export read). Labels are page text, not tiny SVG glyphs.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export interface Bar {
  label: string;
  value: number;
}

const NS = 'http://www.w3.org/2000/svg';

export function barChart(id: string, title: string, rows: Bar[]): HTMLElement {
  const section = h('section', { class: 'card', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title));
  if (!rows.length) {
    section.append(h('p', {}, t('ui.dashboard.nothing')));
    return section;
  }
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 460 ${rows.length * 28}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  rows.forEach((row, i) => {
    const rect = document.createElementNS(NS, 'rect');
    rect.setAttribute('x', '0');
    rect.setAttribute('y', String(i * 28 + 4));
    rect.setAttribute('height', '20');
    rect.setAttribute('width', String(Math.max(2, (row.value / max) * 300)));
    rect.setAttribute('fill', '#000091');
    // Each bar says what it is and how much, beside it (the table says it to screen readers).
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', String(Math.max(2, (row.value / max) * 300) + 6));
    label.setAttribute('y', String(i * 28 + 19));
    label.setAttribute('font-size', '13');
    label.setAttribute('fill', '#161616');
    label.textContent = `${row.label} : ${row.value}`;
    svg.append(rect, label);
  });
  const table = h('table', { id: `${id}-table` },
    h('caption', { class: 'visually-hidden' }, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('ui.dashboard.col_label')), h('th', { scope: 'col' }, t('ui.dashboard.col_value')))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, h('th', { scope: 'row' }, row.label), h('td', {}, String(row.value))))),
  );
  section.append(h('div', { class: 'chart' }, table, svg));
  return section;
}
