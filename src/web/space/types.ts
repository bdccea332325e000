// What the space's page reads from its API (src/http/routes/citizenSpace.ts).
export interface SessionView { method: 'code' | 'franceconnect'; linked: boolean; name: string | null; expiresAt: string; categories: string[] }
export interface RequestLine {
  reference: string; status: string; subject: string; category: string | null; channel: string;
  openedAt: string; lastMessageAt: string; dueAt: string | null; agentFirstName: string | null;
}
export interface FranceConnectState { offered: boolean; available: boolean }
