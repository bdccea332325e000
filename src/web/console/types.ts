// What the console reads from the agents' API (see /docs).
export interface Me {
  id: string;
  name: string;
  email: string;
  role: 'agent' | 'manager' | 'admin';
  teamId: string | null;
  workspace: { teamVisibility: boolean };
}
export interface TicketSummary {
  id: string;
  reference: string;
  status: string;
  channel: string;
  channels: string[];
  subject: string;
  category: string | null;
  priority: string;
  citizen: { id: string; name: string | null };
  assignee: { id: string; name: string } | null;
  unreadCount: number;
  responseDueAt: string | null;
  atRisk?: boolean;
  breached?: boolean;
  callback?: { slot: string; label: string; phone: string } | null;
}
export interface Message {
  id: string;
  direction: 'in' | 'out' | 'note' | 'system';
  channel: string;
  kind?: string;
  text: string;
  createdAt: string;
  status?: string;
  statusReason?: string | null;
  from?: { address: string | null; name: string | null } | null;
  author?: { id: string; name: string } | null;
  attachments: { filename: string | null; contentType: string; size: number; ref: string }[];
}
export interface Citizen {
  id: string;
  name: string | null;
  identities: { kind: string; value: string }[];
  claims?: { kind: string; value: string; verified: boolean }[];
  unreachable?: 'hidden' | 'alphanumeric' | 'app' | null;
  recurringAgent: { id: string; name: string } | null;
  tickets: { id: string; reference: string; status: string; subject: string; createdAt: string }[];
}
export interface ChecklistItem { id: string; label: string; requestedAt: string; providedAt: string | null }
export interface TicketDetail extends TicketSummary {
  documents: ChecklistItem[];
  satisfaction?: { score: number; comment: string | null; at: string; channel: string } | null;
  citizen: TicketSummary['citizen'] & Citizen;
  messages: Message[];
  hasEarlier: boolean;
}
export interface AgentWithLoad extends Omit<Me, 'workspace' | 'email'> {
  /** Managers and admins only. */
  email?: string;
  availability: 'available' | 'away';
  openTickets: number;
}
export interface CannedAnswer {
  id: string;
  title: string;
  body: string;
  /** "Pièces à fournir" this answer asks for. */
  documents?: string[];
}
