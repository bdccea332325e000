// The console's side of the browser softphone: for an agent whose calls ring in the browser (and only
// when the Voice SDK is configured), /assets/softphone.js is loaded and started with an access token.
// Everything Twilio-specific stays in src/web/softphone; here, only its five verbs.
import type { Api } from '../shared/api.js';
import type { SoftphoneApi } from '../softphone/main.js';
import type { Me } from './types.js';

export type Softphone = Pick<SoftphoneApi, 'accept' | 'decline' | 'mute' | 'hangUp'>;

export async function loadSoftphone(me: Me, api: Api): Promise<Softphone | null> {
  if (!me.workspace.browserCalls || me.voiceDevice !== 'browser') return null;
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/assets/softphone.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('softphone not loaded'));
    document.head.append(script);
  });
  const phone = window.gruSoftphone;
  if (!phone) return null;
  // Registering reaches Twilio; when it cannot (offline), the calls still show here and ring nowhere.
  void phone.start(async () => (await api.post<{ token: string }>('/api/voice/token')).token, () => undefined).catch(() => undefined);
  return phone;
}
