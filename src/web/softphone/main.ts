// The one piece of the console that talks to Twilio: the Voice SDK's Device, registered with an access
// token (POST /api/voice/token, renewed before it expires), for an agent whose calls ring in the
// browser. Loaded as /assets/softphone.js only for them; the console drives it through window.gruSoftphone.
import { Call, Device } from '@twilio/voice-sdk';

export interface SoftphoneApi {
  start(fetchToken: () => Promise<string>, onChange: (state: 'ringing' | 'connected' | 'idle') => void): Promise<void>;
  accept(): boolean;
  decline(): boolean;
  mute(on: boolean): boolean;
  hangUp(): boolean;
}

declare global {
  interface Window { gruSoftphone?: SoftphoneApi }
}

let current: Call | null = null;
window.gruSoftphone = {
  async start(fetchToken, onChange) {
    const device = new Device(await fetchToken(), { closeProtection: true });
    device.on('tokenWillExpire', () => void fetchToken().then((token) => device.updateToken(token)));
    // Twilio out of reach (offline, a network that blocks it): said in the browser's console, never thrown.
    device.on('error', (error: Error) => console.warn('softphone:', error.message));
    device.on('incoming', (call: Call) => {
      current = call;
      onChange('ringing');
      call.on('accept', () => onChange('connected'));
      for (const end of ['disconnect', 'cancel', 'reject'] as const) call.on(end, () => ((current = null), onChange('idle')));
    });
    await device.register();
  },
  accept: () => (current ? (current.accept(), true) : false),
  decline: () => (current ? (current.reject(), true) : false),
  mute: (on) => (current ? (current.mute(on), true) : false),
  hangUp: () => (current ? (current.disconnect(), true) : false),
};
