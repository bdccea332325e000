// What the widget keeps: its session (in localStorage, per server), the messages waiting to be
// acknowledged, what is shown, the socket, and the elements of its panel.
import type { PublicMessage } from '../../../src/services/chat.js';
import type { Ui } from './ui.js';

export interface Stored {
  token?: string;
  reference?: string;
  verified?: boolean;
  claims?: { email: boolean; phone: boolean };
  rated?: Record<string, number>;
}
export interface Pending { clientId: string; text: string; el: HTMLLIElement }
/** An acknowledgement from the server: ok with what it says, or an error with its code and French message. */
export interface Reply { ok: boolean; error?: { code: string; message: string }; id?: string; reference?: string; sessionToken?: string; expiresAt?: string; score?: number }
/** The Socket.IO client's socket, as the widget uses it (the client is loaded from the server at first use). */
export interface ChatSocket {
  connected: boolean;
  emit(event: string, payload?: object, ack?: (reply: Reply | undefined) => void): void;
  on(event: 'message:created', handler: (message: PublicMessage & { ticketId: string }, ack?: () => void) => void): void;
  on(event: string, handler: (payload: never) => void): void;
  connect(): void;
}
declare global {
  interface Window {
    __gruChat?: boolean;
    io?: (url: string, options: { auth: (cb: (auth: { sessionToken: string; lastMessageId: string }) => void) => void }) => ChatSocket;
  }
}

export interface Widget {
  base: string;
  serviceName: string;
  state: Stored;
  pending: Pending[];
  /** In memory: a new page shows the whole conversation, a reconnect only what it missed. */
  lastMessageId: string;
  socket: ChatSocket | null;
  shown: Record<string, HTMLElement>;
  /** This page's origin may not open the chat: said plainly, nothing shown as sent. */
  refusedHere: boolean;
  ui: Ui;
  save(): void;
}

export function storage(base: string) {
  const key = `gru-chat:${base}`;
  return {
    load(): Stored {
      try {
        return JSON.parse(localStorage.getItem(key) || '{}') as Stored;
      } catch {
        return {}; // unreadable: a new session
      }
    },
    save(state: Stored) {
      try {
        localStorage.setItem(key, JSON.stringify(state));
      } catch {
        // private browsing: the session lasts as long as the page
      }
    },
  };
}
