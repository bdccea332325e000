// Our email Message-IDs name their message: a bounce quoting one leads back to it by _id.
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { messageIdOfOurs, ourMessageId } from '../../src/services/outbox/index.js';

describe('our Message-IDs', () => {
  it('gives back the message a Message-ID of ours names, and nothing for anyone else’s', () => {
    const id = new Types.ObjectId();
    expect(String(messageIdOfOurs(ourMessageId(id, 'mairie-villeneuve.fr')))).toBe(String(id));
    expect(String(messageIdOfOurs(` ${ourMessageId(id)} `))).toBe(String(id));
    for (const other of ['<CAF=abc@mail.gmail.com>', '<gru.123@x>', `<gru.${String(id)}>`, `gru.${String(id)}@x`, '']) expect(messageIdOfOurs(other)).toBeNull();
  });
});
