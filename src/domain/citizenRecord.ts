// The citizen's record (src/services/citizenRecord.ts gathers it) as a document a person reads: one
// French HTML page, printable, every value escaped, nothing to run. The JSON form is the record itself.
import { isMessageKey, t } from '../i18n/catalogue.js';

export interface CitizenRecord {
  exportedAt: string;
  service: string;
  citizen: {
    name: string | null;
    identities: { kind: string; value: string; smsRefused: boolean }[];
    usualAgent: string | null;
    franceConnect: { linkedAt: string } | null;
    erasureRequest: { at: string; dueBy: string } | null;
  };
  requests: {
    reference: string;
    status: string;
    subject: string;
    category: string | null;
    channel: string;
    openedAt: string;
    closedAt: string | null;
    messages: { at: string; direction: string; kind: string; channel: string; author: string | null; text: string; files: { filename: string; size: number }[] }[];
    documents: { label: string; requestedAt: string; providedAt: string | null }[];
    callback: { slot: string; phone: string } | null;
    satisfaction: { score: number; comment: string | null; at: string } | null;
  }[];
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const label = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);

export function renderCitizenRecord(record: CitizenRecord, timeZone = 'Europe/Paris'): string {
  const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString('fr-FR', { timeZone, dateStyle: 'long', timeStyle: 'short' }) : '—');
  const row = (name: string, value: string) => `<tr><th scope="row">${escape(name)}</th><td>${escape(value)}</td></tr>`;
  const { citizen } = record;
  const identity = (i: CitizenRecord['citizen']['identities'][number]) =>
    `${label(`record.identity.${i.kind}`, i.kind)} : ${i.value}${i.smsRefused ? ` (${t('record.sms_refused')})` : ''}`;
  const who = (m: CitizenRecord['requests'][number]['messages'][number]) =>
    m.direction === 'in' ? t('record.from_you') : m.direction === 'note' ? t('record.note', { agent: m.author ?? t('record.service') }) : m.direction === 'system' ? t('record.system') : (m.author ?? t('record.service'));
  const message = (m: CitizenRecord['requests'][number]['messages'][number]) =>
    `<li><p class="who">${escape(`${who(m)} — ${label(`ui.channel.${m.channel}`, m.channel)} — ${date(m.at)}`)}</p><p class="text">${escape(m.text)}</p>${
      m.files.length ? `<ul>${m.files.map((f) => `<li>${escape(t('record.file', { name: f.filename, size: Math.max(1, Math.ceil(f.size / 1024)) }))}</li>`).join('')}</ul>` : ''
    }</li>`;
  const request = (r: CitizenRecord['requests'][number]) => `
<section aria-labelledby="r-${escape(r.reference)}">
<h2 id="r-${escape(r.reference)}">${escape(t('record.request', { reference: r.reference }))}</h2>
<table>${[
    row(t('record.subject'), r.subject || '—'),
    row(t('record.status'), label(`ui.status.${r.status}`, r.status)),
    row(t('record.category'), r.category ?? '—'),
    row(t('record.channel'), label(`ui.channel.${r.channel}`, r.channel)),
    row(t('record.opened'), date(r.openedAt)),
    row(t('record.closed'), date(r.closedAt)),
    ...(r.callback ? [row(t('record.callback'), `${r.callback.slot} — ${r.callback.phone}`)] : []),
    ...(r.satisfaction ? [row(t('record.satisfaction'), `${r.satisfaction.score}/5${r.satisfaction.comment ? ` — ${r.satisfaction.comment}` : ''}`)] : []),
  ].join('')}</table>
${r.documents.length ? `<h3>${escape(t('record.documents'))}</h3><ul>${r.documents.map((d) => `<li>${escape(`${d.label} — ${d.providedAt ? t('record.provided', { date: date(d.providedAt) }) : t('record.not_provided')}`)}</li>`).join('')}</ul>` : ''}
<h3>${escape(t('record.messages'))}</h3>
<ol class="thread">${r.messages.map(message).join('')}</ol>
</section>`;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t('record.title', { service: record.service }))}</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;color:#161616;max-width:48rem;margin:1rem auto;padding:0 1rem}h1{color:#000091;font-size:1.5rem}h2{font-size:1.2rem;border-top:1px solid #ddd;padding-top:1rem}th{text-align:left;padding-right:1rem;vertical-align:top}.thread{list-style:none;padding:0}.thread>li{border-left:3px solid #ddd;padding:.2rem .8rem;margin:.6rem 0}.who{font-size:.9rem;color:#3a3a3a;margin:0}.text{white-space:pre-wrap;margin:.2rem 0}</style>
</head>
<body>
<main>
<h1>${escape(t('record.title', { service: record.service }))}</h1>
<p>${escape(t('record.intro', { date: date(record.exportedAt) }))}</p>
<section aria-labelledby="you">
<h2 id="you">${escape(t('record.you'))}</h2>
<table>${[
    row(t('record.name'), citizen.name ?? t('record.no_name')),
    ...citizen.identities.map((i) => row(t('record.address'), identity(i))),
    row(t('record.usual_agent'), citizen.usualAgent ?? '—'),
    row(t('record.franceconnect'), citizen.franceConnect ? t('record.franceconnect_linked', { date: date(citizen.franceConnect.linkedAt) }) : t('record.franceconnect_none')),
    ...(citizen.erasureRequest ? [row(t('record.erasure'), t('record.erasure_asked', { at: date(citizen.erasureRequest.at), due: date(citizen.erasureRequest.dueBy) }))] : []),
  ].join('')}</table>
</section>
<p>${escape(t('record.count', { count: record.requests.length }))}</p>
${record.requests.map(request).join('\n')}
</main>
</body>
</html>
`;
}
