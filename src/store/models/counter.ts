import { Schema, type Connection } from 'mongoose';

// Named sequences advanced with one atomic $inc (ticket references per year).
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true, default: 0 } });

export const counterModel = (conn: Connection) => conn.model('Counter', counterSchema, 'counters');
