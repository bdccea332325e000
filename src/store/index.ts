// The store: one mongoose connection and the models built on it. Built by the composition root and
// passed in, never imported as a singleton, so tests build the real thing against their own database.
import mongoose, { type Connection } from 'mongoose';
import { agentModel } from './models/agent.js';
import { auditEventModel } from './models/auditEvent.js';
import { automationSettingsModel } from './models/automationSettings.js';
import { cannedAnswerModel } from './models/cannedAnswer.js';
import { chatSessionModel } from './models/chatSession.js';
import { citizenModel } from './models/citizen.js';
import { citizenSessionModel, franceConnectFlowModel, franceConnectLinkModel, signInCodeModel } from './models/citizenSpace.js';
import { counterModel } from './models/counter.js';
import { identityModel } from './models/identity.js';
import { apiKeyModel, integrationDeliveryModel, integrationEndpointModel } from './models/integration.js';
import { attachmentModel, mailboxStateModel, mailEventModel } from './models/mailbox.js';
import { messageModel } from './models/message.js';
import { messageKeyModel } from './models/messageKey.js';
import { portalLinkModel } from './models/portalLink.js';
import { statsDayModel } from './models/statsDay.js';
import { teamModel } from './models/team.js';
import { ticketModel } from './models/ticket.js';

export function buildModels(conn: Connection) {
  return {
    agents: agentModel(conn),
    apiKeys: apiKeyModel(conn),
    integrationEndpoints: integrationEndpointModel(conn),
    integrationDeliveries: integrationDeliveryModel(conn),
    attachments: attachmentModel(conn),
    mailboxState: mailboxStateModel(conn),
    mailEvents: mailEventModel(conn),
    auditEvents: auditEventModel(conn),
    automation: automationSettingsModel(conn),
    cannedAnswers: cannedAnswerModel(conn),
    chatSessions: chatSessionModel(conn),
    citizens: citizenModel(conn),
    citizenSessions: citizenSessionModel(conn),
    signInCodes: signInCodeModel(conn),
    franceConnectLinks: franceConnectLinkModel(conn),
    franceConnectFlows: franceConnectFlowModel(conn),
    counters: counterModel(conn),
    identities: identityModel(conn),
    messages: messageModel(conn),
    messageKeys: messageKeyModel(conn),
    portalLinks: portalLinkModel(conn),
    statsDays: statsDayModel(conn),
    teams: teamModel(conn),
    tickets: ticketModel(conn),
  };
}
export type Models = ReturnType<typeof buildModels>;

export interface Store {
  conn: Connection;
  models: Models;
  /** True when the server answers a ping within the driver's timeout. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectStore(uri: string, options: { dbName?: string; monitorCommands?: boolean } = {}): Promise<Store> {
  const conn = mongoose.createConnection(uri, {
    dbName: options.dbName,
    autoIndex: false,
    serverSelectionTimeoutMS: 5_000,
    // FerretDB has no sessions for retryable writes; MongoDB does not need them for our single-document ops.
    retryWrites: false,
    // Collections come with their indexes (createIndexes below); asking for each one at every start only
    // made the store log "Collection … already exists".
    autoCreate: false,
    // The bench counts the commands each operation sends (commandStarted events).
    monitorCommands: options.monitorCommands ?? false,
  });
  await conn.asPromise();
  const models = buildModels(conn);
  // Indexes carry the idempotency and uniqueness rules: build them before serving.
  for (const model of Object.values(models)) await model.createIndexes();
  return {
    conn,
    models,
    async ping() {
      try {
        await conn.db!.command({ ping: 1 }, { timeoutMS: 2_000 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => conn.close(),
  };
}

/**
 * A write refused by a unique index: code 11000 from MongoDB (and FerretDB on inserts); FerretDB 1.24's
 * SQLite backend answers an *update* that breaks a unique index with InternalError and SQLite's words.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null &&
  ((err as { code?: number }).code === 11000 || ((err as { code?: number }).code === 1 && /UNIQUE constraint failed/.test((err as { message?: string }).message ?? '')));

/** Advances a named counter atomically and returns its new value. */
export async function nextSequence(models: Models, name: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const counter = await models.counters
        .findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
        .lean();
      return counter!.seq;
    } catch (err) {
      // Two first upserts of one name: the loser retries as an update.
      if (!isDuplicateKey(err) || attempt > 3) throw err;
    }
  }
}
