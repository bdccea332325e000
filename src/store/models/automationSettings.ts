import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// The automation rules of the service: one document, edited by admins through the API.
const automationSchema = new Schema(
  {
    _id: { type: String, default: 'automation' },
    /** Acknowledgement templates per channel; empty: the French default of src/domain/templates.ts. */
    acknowledgements: {
      sms: { type: String, default: null },
      email: { type: String, default: null },
      chat: { type: String, default: null },
    },
    categoryRules: {
      type: [{ _id: false, keywords: { type: [String], required: true }, category: { type: String, required: true }, teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null } }],
      default: [],
    },
    /** The phone menu a first-time caller hears within opening hours: a key per team (« Tapez 1 pour l'état civil »). */
    voiceMenu: {
      type: [{ _id: false, key: { type: String, required: true }, label: { type: String, required: true }, teamId: { type: Schema.Types.ObjectId, ref: 'Team', required: true } }],
      default: [],
    },
    /** Retention per category (days after closing); the others keep RETENTION_DAYS. */
    retentionByCategory: {
      type: [{ _id: false, category: { type: String, required: true }, days: { type: Number, required: true } }],
      default: [],
    },
    autoCloseAfterDays: { type: Number, default: 7 },
    closingMessage: { type: String, default: null },
    reminderAfterDays: { type: Number, default: 3 },
    reminderMessage: { type: String, default: null },
  },
  { timestamps: true },
);

export type AutomationSettings = InferSchemaType<typeof automationSchema>;
export const automationSettingsModel = (conn: Connection) => conn.model('AutomationSettings', automationSchema, 'settings');
