import { describe, expect, it } from 'vitest';
import type { Msg } from '@nats-io/transport-node';
import { verdict } from '../../main/plant/streamPublisher';

const answer = (body: string): Msg => ({ data: new TextEncoder().encode(body), headers: undefined }) as unknown as Msg;

describe('the stream publisher reads the server answer as untrusted input', () => {
  it('accepts an acknowledgement from the right stream, and notes a duplicate', () => {
    expect(verdict(answer('{"stream":"PLANT","seq":4}'), 'PLANT')).toEqual([null, false]);
    expect(verdict(answer('{"stream":"PLANT","seq":4,"duplicate":true}'), 'PLANT')).toEqual([null, true]);
  });

  it.each([
    ['', /no stream took the message/],
    ['not json', /not JSON/],
    ['null', /not an object/],
    ['42', /not an object/],
    ['{"error":{"description":"maximum messages exceeded","err_code":10077}}', /refused the message: maximum messages exceeded \(10077\)/],
    ['{"stream":"OTHER","seq":1}', /names stream OTHER, not PLANT/],
  ])('refuses %j with a sentence naming the problem', (body, message) => {
    const [error, duplicate] = verdict(answer(body), 'PLANT');
    expect(error?.message).toMatch(message);
    expect(duplicate).toBe(false);
  });
});
