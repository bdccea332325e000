// What the console reads from the agents' API: the server's own answer types (src/http/answers.ts, the
// TypeBox schemas the routes validate and document with), never copies of them.
import type { AgentListAnswer, CannedAnswerView, CitizenAnswer, MeAnswer, MessageAnswer, TicketDetailAnswer, TicketSummaryAnswer } from '../../http/answers.js';

export type Me = MeAnswer;
export type TicketSummary = TicketSummaryAnswer;
export type Message = MessageAnswer;
export type Citizen = CitizenAnswer;
export type TicketDetail = TicketDetailAnswer;
export type ChecklistItem = TicketDetailAnswer['documents'][number];
export type AgentWithLoad = AgentListAnswer;
export type CannedAnswer = CannedAnswerView;
