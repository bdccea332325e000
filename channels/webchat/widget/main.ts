// The citizen chat widget: <script src="https://HOST/widget.js" defer></script> on any page of the
// administration's sites. A small accessible chat box in French that talks to the /chat Socket.IO
// namespace of the same HOST, keeps its session in localStorage, resends unacknowledged messages after
// a reconnect (stored once) and shows what was missed while offline. Built by esbuild with the pages.
import { storage, type Widget } from './context.js';
import { connect, submit } from './connection.js';
import { WIDGET_CSS } from './styles.js';
import { el, tt } from './texts.js';
import { buildUi } from './ui.js';
import { showVerify, wireVerify } from './verify.js';

function start() {
  const script = document.currentScript as HTMLScriptElement | null;
  const base = script?.src ? new URL(script.src).origin : window.location.origin;
  const serviceName = script?.dataset.service || tt('default_service');
  const store = storage(base);
  const w: Widget = {
    base, serviceName, state: store.load(), pending: [], lastMessageId: '', socket: null, shown: {}, refusedHere: false,
    ui: buildUi(serviceName),
    save: () => store.save(w.state),
  };
  document.head.append(el('style', {}, WIDGET_CSS));
  w.ui.identityRow.hidden = !!w.state.token;
  showVerify(w);
  wireVerify(w);
  wirePanel(w);
  document.body.append(w.ui.toggle, w.ui.panel);
}

/** Opening and closing (Escape, the close button, the toggle), Enter to send, and "typing" told now and then. */
function wirePanel(w: Widget) {
  const { toggle, panel, close, textarea, nameInput, form } = w.ui;
  const open = () => {
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    connect(w);
    (w.state.token ? textarea : nameInput).focus();
  };
  const hide = () => {
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    toggle.focus();
  };
  toggle.addEventListener('click', () => (panel.hidden ? open() : hide()));
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', (e) => e.key === 'Escape' && hide());
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    e.preventDefault();
    form.requestSubmit();
  });
  let typingSent = 0;
  textarea.addEventListener('input', () => {
    if (!w.socket || !w.state.token || Date.now() - typingSent <= 2000) return;
    typingSent = Date.now();
    w.socket.emit('typing');
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(w);
  });
}

if (!window.__gruChat) {
  window.__gruChat = true;
  start();
}
