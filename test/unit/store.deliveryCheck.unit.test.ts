// The store host checks every delivery record and status update main sends (deliveryCheck.ts)
// before the store sees it: each defect is refused with a sentence naming the method, the
// record's place and the field; good records pass unchanged.
import { describe, expect, it } from 'vitest';
import { parseStoreRequest } from '../../shared/rpc/storeProtocol';
import { serveStore } from '../../shared/rpc/serveStore';
import { linkedPair } from '../../shared/rpc/link';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import type { DeliveryRecord } from '../../shared/store/eventStore';
import { StoreClient } from '../../main/store/storeClient';
import { makeDelivery, makeEvent } from '../support/events';

const good: DeliveryRecord = makeDelivery('0190a1b2-0000-7000-8000-000000000001', 3, 'projector', {
  status: 'FAILED', attempts: 2, lastError: 'boom', errors: [{ attempt: 1, at: 5, message: 'boom' }], nextAttemptAt: 9, deadLetteredAt: 10, discardedAt: 11, discardReason: 'why',
});

/** [field, bad value]: each must be refused, naming the field. */
const BAD: [string, unknown][] = [
  ...['', 7, null, 'x'.repeat(201)].map((v): [string, unknown] => ['eventId', v]),
  ...[0, -1, 1.5, '3', null, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60].map((v): [string, unknown] => ['seq', v]),
  ...['', 1, 'y'.repeat(201)].map((v): [string, unknown] => ['subscriber', v]),
  ...['DONE', 'processed', 1, null].map((v): [string, unknown] => ['status', v]),
  ...[-1, 0.5, '1', null].map((v): [string, unknown] => ['attempts', v]),
  ...[1, 'z'.repeat(10_001)].map((v): [string, unknown] => ['lastError', v]),
  ...[null, 'no', {}].map((v): [string, unknown] => ['errors', v]),
  ...['nextAttemptAt', 'deadLetteredAt', 'discardedAt', 'updatedAt'].flatMap((key) => ['1', Number.NaN, Number.NEGATIVE_INFINITY, null].map((v): [string, unknown] => [key, v])),
  ...[2, 'r'.repeat(1_001)].map((v): [string, unknown] => ['discardReason', v]),
];

const BAD_ERRORS: [string, unknown][] = [
  ['errors.0', null],
  ['errors.0', 'boom'],
  ['errors.0.attempt', { attempt: -1, at: 1, message: 'm' }],
  ['errors.0.at', { attempt: 1, at: '1', message: 'm' }],
  ['errors.0.message', { attempt: 1, at: 1, message: 3 }],
  ['errors.0', { attempt: 1, at: 1, message: 'm', extra: true }],
];

describe('store host: delivery records and status updates from main', () => {
  it('passes good records and updates as they are', () => {
    const plain = makeDelivery('0190a1b2-0000-7000-8000-000000000002', 1, 'audit');
    expect(parseStoreRequest({ id: 1, method: 'putDeliveries', args: [[good, plain]] }).args).toEqual([[good, plain]]);
    expect(parseStoreRequest({ id: 2, method: 'updateStatuses', args: [[{ eventId: 'e', status: 'PROCESSED' }]] }).args).toEqual([[{ eventId: 'e', status: 'PROCESSED' }]]);
    expect(parseStoreRequest({ id: 3, method: 'putDeliveries', args: [[{ ...plain, lastError: undefined }]] }).method).toBe('putDeliveries');
  });

  it(`refuses ${BAD.length + BAD_ERRORS.length + 8} bad records, lists and updates, each naming its place`, () => {
    const refusal = (args: unknown, method = 'putDeliveries') => {
      try {
        parseStoreRequest({ id: 1, method, args });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    for (const [field, value] of BAD) expect(refusal([[good, { ...good, [field]: value }]]), `${field}: ${String(value)}`).toMatch(new RegExp(`^putDeliveries\\(args\\.0\\.1\\.${field}\\): \\S`));
    for (const [place, value] of BAD_ERRORS) expect(refusal([[{ ...good, errors: [value] }]]), place).toMatch(new RegExp(`^putDeliveries\\(args\\.0\\.0\\.${place.replace('.', '\\.')}(\\.\\w+)?\\): \\S`));
    expect(refusal([[{ ...good, hidden: 1 }]])).toBe('putDeliveries(args.0.0): unknown field "hidden"');
    expect(refusal([[{ ...good, errors: Array(101).fill(good.errors[0]) }]])).toBe('putDeliveries(args.0.0.errors): at most 100 items');
    expect(refusal([good])).toBe('putDeliveries(args.0): must be a list');
    expect(refusal([[good], [good]])).toBe('putDeliveries(args): must hold one list');
    expect(refusal('records')).toBe('putDeliveries(args): must be a list');
    expect(refusal([[{ eventId: 'e', status: 'GONE' }]], 'updateStatuses')).toMatch(/^updateStatuses\(args\.0\.0\.status\): must be one of CREATED/);
    expect(refusal([[{ eventId: '', status: 'PROCESSED' }]], 'updateStatuses')).toBe('updateStatuses(args.0.0.eventId): must be 1 to 200 characters');
    expect(refusal([[{ eventId: 'e', status: 'PROCESSED', seq: 1 }]], 'updateStatuses')).toBe('updateStatuses(args.0.0): unknown field "seq"');
  });

  it('keeps what is stored when a bad record arrives among good ones', async () => {
    const store = new InMemoryEventStore();
    const client = await StoreClient.open(async () => {
      const [mainEnd, hostEnd] = linkedPair();
      serveStore(store, hostEnd);
      return mainEnd;
    });
    const [event] = await client.append([makeEvent()], [['audit']]);
    const processed = makeDelivery(event!.id, 1, 'audit', { status: 'PROCESSED', attempts: 1 });
    await expect(client.putDeliveries([processed, { ...processed, status: 'DONE' } as never])).rejects.toThrow('putDeliveries(args.0.1.status): must be one of');
    expect(await client.getDelivery(event!.id, 'audit')).toMatchObject({ status: 'PUBLISHED', attempts: 0 });
    await client.close();
  });
});
