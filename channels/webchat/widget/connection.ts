// The socket to the /chat namespace: the Socket.IO client loaded from the server at first use, the
// session started with the first message, messages sent until acknowledged (a resend after a reconnect
// is stored once), what was missed replayed, and a refused origin or an expired session said plainly.
import type { Pending, Widget } from './context.js';
import { el, tt } from './texts.js';
import { addLine, info, notSent, showMessage } from './thread.js';
import { showVerify } from './verify.js';

function loadClient(w: Widget, done: () => void) {
  if (window.io) return done();
  const script = el('script', { src: `${w.base}/socket.io/socket.io.min.js` });
  script.onload = done;
  script.onerror = () => info(w, tt('unavailable'), 'error');
  document.head.append(script);
}

export function connect(w: Widget) {
  if (w.socket) return;
  loadClient(w, () => {
    const socket = window.io!(`${w.base}/chat`, { auth: (cb) => cb({ sessionToken: w.state.token ?? '', lastMessageId: w.lastMessageId }) });
    w.socket = socket;
    socket.on('connect', () => flush(w));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => refused(w, err));
    socket.on('message:created', (m, ack) => {
      showMessage(w, m);
      if (typeof ack === 'function') ack();
    });
    socket.on('typing', (p: { name?: string | null } | undefined) => {
      w.ui.typing.textContent = tt('typing', { name: p?.name ? p.name : tt('agent') });
      setTimeout(() => (w.ui.typing.textContent = ''), 4000);
    });
    socket.on('ticket:status', (p: { status: string; reference: string }) => {
      if (['resolved', 'closed', 'pending'].includes(p.status)) info(w, `${tt(`status.${p.status}`)} ${tt('reference_suffix', { reference: p.reference })}`);
    });
  });
}

/** The message form, closed for good on this page. */
function disableForm(w: Widget) {
  for (const control of w.ui.form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLButtonElement>('input, textarea, button')) control.disabled = true;
}

/** A refused connection: this page's origin (said plainly, nothing shown as sent), or a session that ended (a new one starts). */
function refused(w: Widget, err: Error & { data?: { code?: string; contact?: { phone?: string | null; email?: string | null } } }) {
  const code = err?.data?.code;
  if (code === 'origin_refused') {
    w.refusedHere = true;
    w.pending.forEach((item) => notSent(item));
    w.pending = [];
    info(w, tt('refused'), 'error');
    // Nothing can be sent from here: the form is disabled, and the other ways in are given.
    const contact = err.data?.contact;
    if (contact?.phone) info(w, tt('refused_phone', { phone: contact.phone }));
    if (contact?.email) info(w, tt('refused_email', { email: contact.email }));
    disableForm(w);
    return;
  }
  if (code === 'session_expired' || code === 'unauthorized' || /unknown chat session/.test(err.message)) {
    if (code === 'session_expired') info(w, tt('expired'));
    w.state = {};
    w.save();
    w.ui.identityRow.hidden = false;
    showVerify(w);
    w.socket?.connect();
  }
}

let starting: (() => void)[] | null = null;
/** The session, started once with the first message (with the name, email and phone given). */
function ensureSession(w: Widget, done: () => void) {
  if (w.state.token) return done();
  if (starting) return void starting.push(done);
  starting = [done];
  const { nameInput, emailInput, phoneInput } = w.ui;
  w.socket!.emit('chat:start', { name: nameInput.value, email: emailInput.value, phone: phoneInput.value, consent: true }, (r) => {
    if (!r?.ok) {
      starting = null;
      return void info(w, tt('cannot_start', { reason: r?.error ? r.error.message : tt('no_answer') }), 'error');
    }
    w.state.token = r.sessionToken;
    w.state.claims = { email: !!emailInput.value.trim(), phone: !!phoneInput.value.trim() };
    w.save();
    w.ui.identityRow.hidden = true;
    const waiting = starting ?? [];
    starting = null;
    waiting.forEach((fn) => fn());
  });
}

function deliver(w: Widget, item: Pending) {
  w.socket!.emit('chat:message', { clientId: item.clientId, text: item.text }, (r) => {
    if (r?.ok) {
      w.pending = w.pending.filter((p) => p !== item);
      item.el.dataset.id = r.id;
      w.shown[r.id!] = item.el;
      item.el.removeAttribute('aria-busy');
      if (r.reference && w.state.reference !== r.reference) {
        w.state.reference = r.reference;
        w.save();
        // The reference comes once, in the service's acknowledgement (a message of the thread).
        showVerify(w);
      }
      if (r.id! > w.lastMessageId) w.lastMessageId = r.id!;
    } else if (r?.error?.code === 'rate_limited') {
      // Too fast: kept and sent again in a moment, never dropped.
      setTimeout(() => {
        if (w.pending.includes(item) && w.socket?.connected) deliver(w, item);
      }, 3000);
    } else if (r?.error && r.error.code !== 'unavailable') {
      w.pending = w.pending.filter((p) => p !== item);
      notSent(item, r.error.message);
    }
  });
}

/** Sends what is pending once connected (starting the session first); again on every reconnect, where a resend with the same clientId is stored once. */
export function flush(w: Widget) {
  if (!w.socket?.connected || w.pending.length === 0) return;
  ensureSession(w, () => w.pending.forEach((item) => deliver(w, item)));
}

/** A message typed: shown at once as being sent, then sent (connecting first). */
export function submit(w: Widget) {
  const text = w.ui.textarea.value.trim();
  if (!text) return;
  if (w.refusedHere) return void info(w, tt('refused'), 'error');
  w.ui.textarea.value = '';
  const li = addLine(w, 'in', text);
  li.setAttribute('aria-busy', 'true');
  w.pending.push({ clientId: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, text, el: li });
  connect(w);
  flush(w);
}
