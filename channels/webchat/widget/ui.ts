// The widget's panel: a button that opens it, a dialog with the conversation (a log), who is typing,
// the confirmation of an address, and the form (name, email, phone at the start; the message).
import { el, field, tt } from './texts.js';

export function buildUi(serviceName: string) {
  const toggle = el('button', { type: 'button', class: 'gru-chat-toggle', 'aria-expanded': 'false', 'aria-controls': 'gru-chat-panel' }, tt('open'));
  const panel = el('section', { id: 'gru-chat-panel', class: 'gru-chat', role: 'dialog', 'aria-label': tt('title', { service: serviceName }), hidden: '' });
  const header = el('header');
  const close = el('button', { type: 'button', 'aria-label': tt('close') }, '×');
  header.append(el('h2', {}, tt('title', { service: serviceName })), close);
  // The log role on a wrapper: the list inside keeps its list semantics.
  const logBox = el('div', { class: 'gru-chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': tt('messages') });
  const log = el('ol');
  logBox.append(log);
  const typing = el('p', { class: 'gru-chat-typing', 'aria-live': 'polite' });
  const nameInput = el('input', { id: 'gru-chat-name', name: 'name', autocomplete: 'name', maxlength: '120' });
  const emailInput = el('input', { id: 'gru-chat-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: '254' });
  const phoneInput = el('input', { id: 'gru-chat-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: '40' });
  const textarea = el('textarea', { id: 'gru-chat-text', name: 'text', rows: '2', required: '', maxlength: '2000' });
  const identityRow = el('div', { class: 'gru-chat-row' });
  identityRow.append(
    field(el('label', { for: 'gru-chat-name' }, tt('name')), nameInput),
    field(el('label', { for: 'gru-chat-email' }, tt('email')), emailInput),
    field(el('label', { for: 'gru-chat-phone' }, tt('phone')), phoneInput),
  );
  const form = el('form', { novalidate: '' });
  form.append(
    identityRow,
    el('label', { for: 'gru-chat-text' }, tt('text')),
    textarea,
    el('p', { class: 'gru-chat-consent', id: 'gru-chat-consent' }, tt('consent', { service: serviceName })),
    el('button', { type: 'submit', 'aria-describedby': 'gru-chat-consent' }, tt('send')),
  );
  const verify = verifyBox();
  panel.append(header, logBox, typing, verify.box, form);
  return { toggle, panel, close, logBox, log, typing, form, textarea, nameInput, emailInput, phoneInput, identityRow, ...verify };
}
export type Ui = ReturnType<typeof buildUi>;

/**
 * Confirming the email or phone typed at the start: a code sent there, typed back here. Until then the
 * address is only what the citizen said; once confirmed, the chat joins their requests.
 */
function verifyBox() {
  const box = el('div', { class: 'gru-chat-verify', role: 'group', 'aria-labelledby': 'gru-chat-verify-title', hidden: '' });
  const verifyEmail = el('button', { type: 'button', class: 'secondary' }, tt('verify_by_email'));
  const verifySms = el('button', { type: 'button', class: 'secondary' }, tt('verify_by_sms'));
  const codeInput = el('input', { id: 'gru-chat-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}' });
  const codeSend = el('button', { type: 'button' }, tt('verify_confirm'));
  const codeRow = el('div', { class: 'gru-chat-row', hidden: '' });
  codeRow.append(field(el('label', { for: 'gru-chat-code' }, tt('verify_code')), codeInput), codeSend);
  box.append(el('p', { id: 'gru-chat-verify-title' }, tt('verify_intro')), verifyEmail, verifySms, codeRow);
  return { box, verifyEmail, verifySms, codeInput, codeSend, codeRow };
}
