/**
 * OPC UA settings and the naming template: what the operator gives is checked before any
 * connection, and every bad setting is refused in one sentence naming its field.
 */
import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '../../shared/ingest/errors';
import { compileNaming, nodeIdentifier } from '../../shared/ingest/opcuaNaming';
import { publicOpcuaSettings, validateOpcuaSettings } from '../../shared/ingest/opcuaSettings';

const URL = 'opc.tcp://127.0.0.1:4840/UA/Plant';

describe('OPC UA settings', () => {
  it('fills the defaults and names each item by the template', () => {
    const settings = validateOpcuaSettings({ endpointUrl: URL, items: [{ nodeId: 'ns=1;s=press-1.temperature' }, { nodeId: 'ns=2;i=1001', equipmentId: 'oven-2', reading: 'zone1' }] });
    expect(settings).toMatchObject({ name: 'default', securityMode: 'None', securityPolicy: 'None', publishingIntervalMs: 500, samplingIntervalMs: 250, naming: '{equipment}.{reading}' });
    expect(settings.items).toEqual([
      { nodeId: 'ns=1;s=press-1.temperature', equipmentId: 'press-1', reading: 'temperature', samplingIntervalMs: 250 },
      { nodeId: 'ns=2;i=1001', equipmentId: 'oven-2', reading: 'zone1', samplingIntervalMs: 250 },
    ]);
  });

  it('takes Basic256Sha256 for a signed connection and keeps the password out of what it shows', () => {
    const settings = validateOpcuaSettings({ endpointUrl: URL, securityMode: 'SignAndEncrypt', username: 'op', password: 'pw-42' });
    expect(settings.securityPolicy).toBe('Basic256Sha256');
    const shown = publicOpcuaSettings(settings);
    expect(JSON.stringify(shown)).not.toContain('pw-42');
    expect(shown).toMatchObject({ hasPassword: true, username: 'op' });
  });

  it('reads line, equipment and reading from a template with other separators', () => {
    const naming = compileNaming('{line}/{equipment}/{reading}', 'naming');
    expect(naming.match(nodeIdentifier('ns=3;s=line-2/press-4/oil.temp'))).toEqual({ line: 'line-2', equipment: 'press-4', reading: 'oil.temp' });
    expect(naming.match('press-4')).toBeNull();
    expect(naming.match('/press/temp')).toBeNull();
  });

  const hostile: [string, unknown, RegExp][] = [
    ['not an object', 'opc.tcp://x', /settings: must be an object/],
    ['no endpoint', {}, /endpointUrl/],
    ['an http URL', { endpointUrl: 'http://plc:4840' }, /endpointUrl: must be an opc\.tcp:\/\/ URL/],
    ['credentials in the URL', { endpointUrl: 'opc.tcp://op:pw@plc:4840' }, /endpointUrl: must be an opc\.tcp/],
    ['an unknown security mode', { endpointUrl: URL, securityMode: 'Encrypt' }, /securityMode: must be one of None, Sign, SignAndEncrypt/],
    ['a policy with mode None', { endpointUrl: URL, securityPolicy: 'Basic256Sha256' }, /securityPolicy: must be None when securityMode is None/],
    ['mode Sign with policy None', { endpointUrl: URL, securityMode: 'Sign', securityPolicy: 'None' }, /securityPolicy: must name a policy when securityMode is Sign/],
    ['a password without a user', { endpointUrl: URL, password: 'x' }, /password: needs a username/],
    ['an unknown setting', { endpointUrl: URL, trustAll: true }, /trustAll: is not a known setting/],
    ['an unknown item key', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a.b', script: 'x' }] }, /items\[0\]\.script: is not a known setting/],
    ['a node id that is not one', { endpointUrl: URL, items: [{ nodeId: 'DROP TABLE' }] }, /items\[0\]\.nodeId: must be an OPC UA node id/],
    ['a node id listed twice', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a.b' }, { nodeId: 'ns=1;s=a.b' }] }, /items\[1\]\.nodeId: ns=1;s=a\.b is listed twice/],
    ['an item the template cannot name', { endpointUrl: URL, items: [{ nodeId: 'ns=2;i=77' }] }, /items\[0\]\.equipmentId: is needed: the naming template/],
    ['an equipment name with control characters', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a\u0000b.temp' }] }, /items\[0\]\.equipmentId: .* give it explicitly/],
    ['a reserved reading name', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=press.equipmentId' }] }, /items\[0\]\.reading: "equipmentId" cannot name a reading/],
    ['a reading named __proto__', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a.b', reading: '__proto__' }] }, /items\[0\]\.reading/],
    ['a percent deadband over 100', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a.b', deadband: { type: 'percent', value: 150 } }] }, /items\[0\]\.deadband\.value: a percent deadband must be at most 100/],
    ['a negative deadband', { endpointUrl: URL, items: [{ nodeId: 'ns=1;s=a.b', deadband: { type: 'absolute', value: -1 } }] }, /deadband\.value: must not be negative/],
    ['a publishing interval of 1 ms', { endpointUrl: URL, publishingIntervalMs: 1 }, /publishingIntervalMs: must be an integer from 10 to 600000/],
    ['too many items', { endpointUrl: URL, items: Array.from({ length: 20_001 }, (_, i) => ({ nodeId: `ns=1;s=e.r${i}` })) }, /items: must be a list of at most 20000 items/],
    ['a template without {equipment}', { endpointUrl: URL, naming: '{line}.{reading}' }, /naming: must hold \{equipment\}/],
    ['a template with an unknown placeholder', { endpointUrl: URL, naming: '{equipment}.{constructor}' }, /naming: \{constructor\} is not a placeholder/],
    ['placeholders side by side', { endpointUrl: URL, naming: '{equipment}{reading}' }, /naming: two placeholders must be separated/],
    ['an unclosed brace', { endpointUrl: URL, naming: '{equipment}.{reading' }, /naming: has an unclosed/],
    ['a backoff maximum below its start', { endpointUrl: URL, reconnect: { initialDelayMs: 5_000, maxDelayMs: 100 } }, /reconnect\.maxDelayMs: must not be below/],
  ];

  it.each(hostile)('refuses %s in one sentence naming the field', (_what, candidate, message) => {
    let thrown: unknown;
    try {
      validateOpcuaSettings(candidate);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IngestConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message.split('\n')).toHaveLength(1);
  });

  it('matches a long hostile identifier in one pass', () => {
    const naming = compileNaming('{line}/{equipment}.{reading}', 'naming');
    const identifier = `${'/'.repeat(200_000)}x`;
    // A backtracking matcher would run past the test's timeout here.
    expect(naming.match(identifier)).toBeNull();
  });
});
