// Confirming the address typed at the start: a code asked by email or SMS, typed back; once confirmed the
// chat joins the citizen's requests. Offered only after the first message, for an address given.
import type { Widget } from './context.js';
import { tt } from './texts.js';
import { info } from './thread.js';

export function showVerify(w: Widget) {
  const claims = w.state.claims ?? { email: false, phone: false };
  w.ui.box.hidden = !w.state.reference || !!w.state.verified || !(claims.email || claims.phone);
  w.ui.verifyEmail.hidden = !claims.email;
  w.ui.verifySms.hidden = !claims.phone;
}

function askCode(w: Widget, channel: 'email' | 'sms') {
  w.socket?.emit('chat:verify', { channel }, (r) => {
    if (!r?.ok) return void info(w, r?.error ? r.error.message : tt('no_answer'), 'error');
    info(w, tt(channel === 'sms' ? 'verify_sent_sms' : 'verify_sent_email'));
    w.ui.codeRow.hidden = false;
    w.ui.codeInput.focus();
  });
}

function confirmCode(w: Widget) {
  const code = w.ui.codeInput.value.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(code)) return void info(w, tt('verify_code_format'), 'error');
  w.socket?.emit('chat:confirm', { code }, (r) => {
    if (!r?.ok) return void info(w, r?.error ? r.error.message : tt('no_answer'), 'error');
    w.state.verified = true;
    if (r.reference) w.state.reference = r.reference;
    w.save();
    w.ui.codeInput.value = '';
    showVerify(w);
    w.ui.textarea.focus();
    info(w, tt('verify_done', { reference: r.reference ?? '' }));
  });
}

export function wireVerify(w: Widget) {
  w.ui.verifyEmail.addEventListener('click', () => askCode(w, 'email'));
  w.ui.verifySms.addEventListener('click', () => askCode(w, 'sms'));
  w.ui.codeSend.addEventListener('click', () => confirmCode(w));
  w.ui.codeInput.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    confirmCode(w);
  });
}
