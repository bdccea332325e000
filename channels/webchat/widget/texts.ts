// The widget's words: the server's message catalogue (widget.*), put into the bundle when it is built
// (src/http/routes/pages.ts), with the same {name} interpolation as the pages.
declare const __GRU_WIDGET_TEXTS__: Record<string, string>;
const TEXTS: Record<string, string> = typeof __GRU_WIDGET_TEXTS__ === 'object' ? __GRU_WIDGET_TEXTS__ : {};

export function tt(key: string, params?: Record<string, string | number>): string {
  return String(TEXTS[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

/** An element with its attributes and text (never markup). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** A labelled field (a span holding its label and its input), for a row of fields. */
export function field(label: HTMLLabelElement, input: HTMLElement): HTMLSpanElement {
  const span = el('span');
  span.append(label, input);
  return span;
}
