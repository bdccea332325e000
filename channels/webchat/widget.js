/* GRU chat widget: <script src="https://HOST/widget.js" defer></script>
 * A small accessible chat box in French. Talks to the /chat Socket.IO namespace of the same HOST.
 * Keeps its session in localStorage, resends unacknowledged messages after a reconnect (stored once),
 * and shows what was missed while offline. */
(function () {
  'use strict';
  if (window.__gruChat) return;
  window.__gruChat = true;

  // Its words come from the server's message catalogue (widget.*), put here when /widget.js is served.
  var T = /*GRU_TEXTS*/ {} /*END_GRU_TEXTS*/;
  function tt(key, params) {
    return String(T[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return params && name in params ? params[name] : whole;
    });
  }
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : window.location.origin;
  var serviceName = (script && script.dataset.service) || tt('default_service');
  var STORE_KEY = 'gru-chat:' + base;
  var state = load();
  var pending = []; // { clientId, text, el }
  var lastMessageId = ''; // in memory: a new page shows the whole conversation, a reconnect only what it missed
  var socket = null;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || '{}');
    } catch (e) {
      return {};
    }
  }
  function save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      /* private browsing: the session lasts as long as the page */
    }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }

  var css =
    '.gru-chat-toggle{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#000091;color:#fff;border:0;border-radius:2rem;padding:.8rem 1.2rem;font:600 1rem/1.2 system-ui,sans-serif;cursor:pointer}' +
    '.gru-chat-toggle:focus-visible,.gru-chat button:focus-visible,.gru-chat textarea:focus-visible,.gru-chat input:focus-visible{outline:3px solid #ff9940;outline-offset:2px}' +
    '.gru-chat{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));height:min(32rem,calc(100vh - 6rem));display:flex;flex-direction:column;background:#fff;color:#161616;border:1px solid #ddd;border-radius:.5rem;box-shadow:0 4px 24px rgba(0,0,0,.2);font:1rem/1.4 system-ui,sans-serif}' +
    '.gru-chat[hidden]{display:none}.gru-chat header{display:flex;justify-content:space-between;align-items:center;padding:.6rem .8rem;background:#000091;color:#fff;border-radius:.5rem .5rem 0 0}' +
    '.gru-chat header h2{font-size:1rem;margin:0}.gru-chat header button{background:none;border:0;color:#fff;font-size:1.4rem;cursor:pointer}' +
    '.gru-chat-log{flex:1;overflow-y:auto;padding:.8rem;margin:0}.gru-chat-log ol{list-style:none;margin:0;padding:0}.gru-chat-log li{margin:.4rem 0;padding:.5rem .7rem;border-radius:.5rem;max-width:85%;white-space:pre-wrap;word-wrap:break-word}' +
    '.gru-chat-log .in{background:#e3e3fd;margin-left:auto}.gru-chat-log .out{background:#f0f0f0}.gru-chat-log .info{background:none;color:#555;font-size:.85rem;max-width:100%}.gru-chat-log .error{background:#ffe9e9;color:#ce0500}' +
    '.gru-chat form{display:flex;flex-direction:column;gap:.4rem;padding:.6rem .8rem;border-top:1px solid #ddd}.gru-chat label{font-size:.85rem}.gru-chat textarea,.gru-chat input{font:inherit;padding:.4rem;border:1px solid #666;border-radius:.25rem}' +
    '.gru-chat form button{align-self:flex-end;background:#000091;color:#fff;border:0;border-radius:.25rem;padding:.5rem 1rem;font:inherit;cursor:pointer}.gru-chat .gru-chat-consent{font-size:.8rem;color:#555;margin:0}' +
    '.gru-chat-typing{min-height:1.2rem;padding:0 .8rem;font-size:.85rem;color:#555}' +
    '.gru-chat [hidden]{display:none!important}.gru-chat-log a{color:#000091;text-decoration:underline;overflow-wrap:anywhere}' +
    '.gru-chat-verify{padding:.4rem .8rem;border-top:1px solid #ddd;font-size:.9rem}.gru-chat-verify p{margin:0 0 .3rem}.gru-chat-verify button{background:#fff;color:#000091;border:1px solid #000091;border-radius:.25rem;padding:.3rem .6rem;font:inherit;cursor:pointer;margin:0 .3rem .3rem 0}.gru-chat-verify input{font:inherit;padding:.4rem;border:1px solid #666;border-radius:.25rem}.gru-chat-verify .gru-chat-row{align-items:flex-end}' +
    '.gru-chat-rate button{min-width:2.6rem;min-height:2.6rem;margin:.2rem .3rem 0 0;background:#fff;color:#000091;border:1px solid #000091;border-radius:.25rem;font:600 1rem system-ui,sans-serif;cursor:pointer}' +
    '.gru-chat .gru-chat-row{display:flex;flex-wrap:wrap;gap:.4rem}.gru-chat .gru-chat-row>span{display:flex;flex-direction:column;flex:1;min-width:6rem}' +
    /* A phone: the whole screen, so the conversation keeps room while the first fields show. */
    '@media (max-width:32rem),(max-height:40rem){.gru-chat{inset:0;width:100%;height:100%;border-radius:0;border:0}.gru-chat header{border-radius:0}.gru-chat textarea{min-height:2.6rem}}';
  document.head.appendChild(el('style', {}, css));

  var toggle = el('button', { type: 'button', class: 'gru-chat-toggle', 'aria-expanded': 'false', 'aria-controls': 'gru-chat-panel' }, tt('open'));
  var panel = el('section', { id: 'gru-chat-panel', class: 'gru-chat', role: 'dialog', 'aria-label': tt('title', { service: serviceName }), hidden: '' });
  var header = el('header');
  header.appendChild(el('h2', {}, tt('title', { service: serviceName })));
  var close = el('button', { type: 'button', 'aria-label': tt('close') }, '×');
  header.appendChild(close);
  // The log role on a wrapper: the list inside keeps its list semantics.
  var logBox = el('div', { class: 'gru-chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': tt('messages') });
  var log = el('ol');
  logBox.appendChild(log);
  var typing = el('p', { class: 'gru-chat-typing', 'aria-live': 'polite' });
  var form = el('form', { novalidate: '' });
  var nameLabel = el('label', { for: 'gru-chat-name' }, tt('name'));
  var nameInput = el('input', { id: 'gru-chat-name', name: 'name', autocomplete: 'name', maxlength: '120' });
  var emailLabel = el('label', { for: 'gru-chat-email' }, tt('email'));
  var emailInput = el('input', { id: 'gru-chat-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: '254' });
  var phoneLabel = el('label', { for: 'gru-chat-phone' }, tt('phone'));
  var phoneInput = el('input', { id: 'gru-chat-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: '40' });
  var textLabel = el('label', { for: 'gru-chat-text' }, tt('text'));
  var textarea = el('textarea', { id: 'gru-chat-text', name: 'text', rows: '3', required: '', maxlength: '2000' });
  var consent = el(
    'p',
    { class: 'gru-chat-consent', id: 'gru-chat-consent' },
    tt('consent', { service: serviceName }),
  );
  var send = el('button', { type: 'submit', 'aria-describedby': 'gru-chat-consent' }, tt('send'));
  var identityRow = el('div', { class: 'gru-chat-row' });
  var nameField = el('span');
  nameField.appendChild(nameLabel);
  nameField.appendChild(nameInput);
  var emailField = el('span');
  emailField.appendChild(emailLabel);
  emailField.appendChild(emailInput);
  var phoneField = el('span');
  phoneField.appendChild(phoneLabel);
  phoneField.appendChild(phoneInput);
  identityRow.appendChild(nameField);
  identityRow.appendChild(emailField);
  identityRow.appendChild(phoneField);
  textarea.setAttribute('rows', '2');
  [identityRow, textLabel, textarea, consent, send].forEach(function (n) {
    form.appendChild(n);
  });
  panel.appendChild(header);
  panel.appendChild(logBox);
  panel.appendChild(typing);

  // Confirming the email or phone typed at the start: a code sent there, typed back here. Until then the
  // address is only what the citizen said; once confirmed, the chat joins their requests.
  var verifyBox = el('div', { class: 'gru-chat-verify', role: 'group', 'aria-labelledby': 'gru-chat-verify-title', hidden: '' });
  var verifyTitle = el('p', { id: 'gru-chat-verify-title' }, tt('verify_intro'));
  var verifyEmail = el('button', { type: 'button', class: 'secondary' }, tt('verify_by_email'));
  var verifySms = el('button', { type: 'button', class: 'secondary' }, tt('verify_by_sms'));
  var codeLabel = el('label', { for: 'gru-chat-code' }, tt('verify_code'));
  var codeInput = el('input', { id: 'gru-chat-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}' });
  var codeSend = el('button', { type: 'button' }, tt('verify_confirm'));
  var codeRow = el('div', { class: 'gru-chat-row', hidden: '' });
  var codeField = el('span');
  codeField.appendChild(codeLabel);
  codeField.appendChild(codeInput);
  codeRow.appendChild(codeField);
  codeRow.appendChild(codeSend);
  [verifyTitle, verifyEmail, verifySms, codeRow].forEach(function (n) {
    verifyBox.appendChild(n);
  });
  panel.appendChild(verifyBox);
  panel.appendChild(form);
  function showVerify() {
    var claims = state.claims || {};
    verifyBox.hidden = !state.reference || !!state.verified || !(claims.email || claims.phone);
    verifyEmail.hidden = !claims.email;
    verifySms.hidden = !claims.phone;
  }
  function askCode(channel) {
    if (!socket) return;
    socket.emit('chat:verify', { channel: channel }, function (r) {
      if (!r || !r.ok) return info(r ? r.error.message : tt('no_answer'), 'error');
      info(tt(channel === 'sms' ? 'verify_sent_sms' : 'verify_sent_email'));
      codeRow.hidden = false;
      codeInput.focus();
    });
  }
  verifyEmail.addEventListener('click', function () {
    askCode('email');
  });
  verifySms.addEventListener('click', function () {
    askCode('sms');
  });
  function confirmCode() {
    var code = codeInput.value.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(code)) return info(tt('verify_code_format'), 'error');
    socket.emit('chat:confirm', { code: code }, function (r) {
      if (!r || !r.ok) return info(r ? r.error.message : tt('no_answer'), 'error');
      state.verified = true;
      if (r.reference) state.reference = r.reference;
      save();
      codeInput.value = '';
      showVerify();
      textarea.focus();
      info(tt('verify_done', { reference: r.reference }));
    });
  }
  codeSend.addEventListener('click', confirmCode);
  codeInput.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') {
      e.preventDefault();
      confirmCode();
    }
  });

  function showIdentityFields(show) {
    identityRow.hidden = !show;
  }
  showIdentityFields(!state.token);
  showVerify();

  function open() {
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    connect();
    (state.token ? textarea : nameInput).focus();
  }
  function hide() {
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    toggle.focus();
  }
  toggle.addEventListener('click', function () {
    panel.hidden ? open() : hide();
  });
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') hide();
  });
  textarea.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  var typingSent = 0;
  textarea.addEventListener('input', function () {
    if (socket && state.token && Date.now() - typingSent > 2000) {
      typingSent = Date.now();
      socket.emit('typing');
    }
  });

  var shown = {};
  var refusedHere = false;
  var REFUSED = tt('refused');
  function notSent(item, reason) {
    item.el.className = 'error';
    item.el.removeAttribute('aria-busy');
    item.el.textContent = item.text + '\n— ' + tt('not_sent') + (reason ? ' : ' + reason : '');
  }
  /** Text with its web addresses as links (http and https only), never as markup. */
  function withLinks(li, text) {
    var pattern = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
    var at = 0;
    var match;
    while ((match = pattern.exec(text))) {
      li.appendChild(document.createTextNode(text.slice(at, match.index)));
      var link = el('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer' }, match[0]);
      li.appendChild(link);
      at = match.index + match[0].length;
    }
    li.appendChild(document.createTextNode(text.slice(at)));
  }
  function addLine(kind, text, id) {
    if (id && shown[id]) return shown[id];
    var li = el('li', { class: kind });
    withLinks(li, text);
    if (id) {
      shown[id] = li;
      li.dataset.id = id;
    }
    log.appendChild(li);
    logBox.scrollTop = logBox.scrollHeight;
    return li;
  }
  function info(text, kind) {
    return addLine(kind || 'info', text);
  }
  /** The satisfaction question: five buttons under it, until the citizen answers. */
  function offerRating(m) {
    if (shown['rate:' + m.id] || (state.rated || {})[m.ticketId]) return;
    var item = el('li', { class: 'info gru-chat-rate' });
    var group = el('div', { role: 'group', 'aria-label': tt('rate_group') });
    item.appendChild(group);
    shown['rate:' + m.id] = item;
    [1, 2, 3, 4, 5].forEach(function (n) {
      var button = el('button', { type: 'button', 'aria-label': tt('rate_label', { n: n, label: tt('score.' + n) }) }, String(n));
      button.addEventListener('click', function () {
        socket.emit('chat:satisfaction', { score: n }, function (r) {
          if (!r || !r.ok) return info(r ? r.error.message : tt('no_answer'), 'error');
          state.rated = state.rated || {};
          state.rated[m.ticketId] = n;
          save();
          item.textContent = tt('rated', { score: n });
          textarea.focus();
        });
      });
      group.appendChild(button);
    });
    log.appendChild(item);
    logBox.scrollTop = logBox.scrollHeight;
  }
  function showMessage(m) {
    if (m.direction === 'out') {
      var who = m.author && m.author.firstName ? m.author.firstName + ' : ' : '';
      addLine('out', who + m.text, m.id);
      typing.textContent = '';
      if (m.kind === 'survey') offerRating(m);
    } else {
      addLine('in', m.text, m.id);
    }
    if (m.id > lastMessageId) lastMessageId = m.id;
  }

  function loadClient(done) {
    if (window.io) return done();
    var s = el('script', { src: base + '/socket.io/socket.io.min.js' });
    s.onload = done;
    s.onerror = function () {
      info(tt('unavailable'), 'error');
    };
    document.head.appendChild(s);
  }

  function connect() {
    if (socket) return;
    loadClient(function () {
      socket = window.io(base + '/chat', {
        auth: function (cb) {
          cb({ sessionToken: state.token || '', lastMessageId: lastMessageId });
        },
      });
      socket.on('connect', flush);
      socket.on('connect_error', function (err) {
        var code = err && err.data && err.data.code;
        if (code === 'origin_refused') {
          // Said plainly, never shown as sent: this page may not open the chat.
          refusedHere = true;
          pending.forEach(notSent);
          pending = [];
          info(REFUSED, 'error');
          return;
        }
        if (code === 'session_expired' || code === 'unauthorized' || /unknown chat session/.test(err.message)) {
          if (code === 'session_expired') info(tt('expired'));
          state = {};
          save();
          showIdentityFields(true);
          showVerify();
          socket.connect();
        }
      });
      socket.on('message:created', function (m, ack) {
        showMessage(m);
        if (typeof ack === 'function') ack();
      });
      socket.on('typing', function (p) {
        typing.textContent = tt('typing', { name: p && p.name ? p.name : tt('agent') });
        setTimeout(function () {
          typing.textContent = '';
        }, 4000);
      });
      socket.on('ticket:status', function (p) {
        if (['resolved', 'closed', 'pending'].indexOf(p.status) !== -1) info(tt('status.' + p.status) + ' ' + tt('reference_suffix', { reference: p.reference }));
      });
    });
  }

  var starting = null;
  function ensureSession(done) {
    if (state.token) return done();
    if (starting) return starting.push(done);
    starting = [done];
    socket.emit('chat:start', { name: nameInput.value, email: emailInput.value, phone: phoneInput.value, consent: true }, function (r) {
      if (!r || !r.ok) {
        starting = null;
        info(tt('cannot_start', { reason: r ? r.error.message : tt('no_answer') }), 'error');
        return;
      }
      state.token = r.sessionToken;
      state.claims = { email: !!emailInput.value.trim(), phone: !!phoneInput.value.trim() };
      save();
      showIdentityFields(false);
      var waiting = starting;
      starting = null;
      waiting.forEach(function (fn) {
        fn();
      });
    });
  }

  function deliver(item) {
    socket.emit('chat:message', { clientId: item.clientId, text: item.text }, function (r) {
      if (r && r.ok) {
        pending = pending.filter(function (p) {
          return p !== item;
        });
        item.el.dataset.id = r.id;
        shown[r.id] = item.el;
        item.el.removeAttribute('aria-busy');
        if (r.reference && state.reference !== r.reference) {
          state.reference = r.reference;
          save();
          info(tt('registered', { reference: r.reference }));
          showVerify();
        }
        if (r.id > lastMessageId) lastMessageId = r.id;
      } else if (r && r.error && r.error.code === 'rate_limited') {
        // Too fast: kept and sent again in a moment, never dropped.
        setTimeout(function () {
          if (pending.indexOf(item) !== -1 && socket && socket.connected) deliver(item);
        }, 3000);
      } else if (r && r.error && r.error.code !== 'unavailable') {
        pending = pending.filter(function (p) {
          return p !== item;
        });
        notSent(item, r.error.message);
      }
    });
  }
  // Sends what is pending once connected (starting the session first); called again on every reconnect,
  // where a resend with the same clientId is stored once by the server.
  function flush() {
    if (!socket || !socket.connected || pending.length === 0) return;
    ensureSession(function () {
      pending.forEach(deliver);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = textarea.value.trim();
    if (!text) return;
    if (refusedHere) return info(REFUSED, 'error');
    textarea.value = '';
    var item = { clientId: 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8), text: text };
    item.el = addLine('in', text);
    item.el.setAttribute('aria-busy', 'true');
    pending.push(item);
    connect();
    flush();
  });

  document.body.appendChild(toggle);
  document.body.appendChild(panel);
})();
