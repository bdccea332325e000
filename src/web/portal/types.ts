// What the portal page reads from GET /api/portal/:token (see /docs).
export interface PortalView {
  reference: string;
  status: 'new' | 'open' | 'pending' | 'resolved' | 'closed';
  agentFirstName: string | null;
  expectedBy: string | null;
  messages: { id: string; direction: 'in' | 'out'; channel: string; text: string; createdAt: string; author: string | null; files: { filename: string; size: number }[] }[];
  documents: { id: string; label: string; requestedAt: string; providedAt: string | null }[];
  maxFileBytes: number;
  satisfaction: { asked: boolean; score: number | null };
  callback: { slot: string; label: string } | null;
  callbackSlots: { slot: string; label: string }[];
  callbackPhone: string | null;
}
