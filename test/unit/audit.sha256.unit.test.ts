// SHA-256 of our own (shared/audit/sha256.ts) against the FIPS 180-4 examples and against
// Node's crypto on many lengths, split points and random data; and the canonical JSON rules.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownSha256HexOfText as sha256HexOfText, Sha256, sha256Hex, useSha256HexOfText } from '../../shared/audit/sha256';
import { chainHash, GENESIS_HASH } from '../../shared/audit/chain';
import { nodeSha256HexOfText, useNodeSha256 } from '../../main/store/nodeHash';
import { canonicalJson, CanonicalJsonError } from '../../shared/audit/canonical';

const nodeSha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe('sha256', () => {
  it('gives the published digests of the standard examples', () => {
    expect(sha256HexOfText('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexOfText('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexOfText('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const million = new Sha256();
    const block = new TextEncoder().encode('a'.repeat(1000));
    for (let i = 0; i < 1000; i++) million.update(block);
    expect(million.digestHex()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('matches node:crypto for every length around the block and padding edges', () => {
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      expect(sha256Hex(data), `length ${length}`).toBe(nodeSha(data));
    }
  });

  it('matches node:crypto when streamed in pieces of any size', () => {
    const data = randomBytes(10_000);
    for (const piece of [1, 3, 63, 64, 65, 127, 1000, 4096]) {
      const hash = new Sha256();
      for (let i = 0; i < data.length; i += piece) hash.update(data.subarray(i, i + piece));
      expect(hash.digestHex(), `pieces of ${piece}`).toBe(nodeSha(data));
    }
  });

  it('hashes text as UTF-8, including astral characters and lone surrogates', () => {
    for (const text of ['Grüße, 温度 ✓', '🏭 plant 🔧', 'x'.repeat(5000) + 'é', '\ud800 lone']) {
      expect(sha256HexOfText(text)).toBe(nodeSha(Buffer.from(new TextEncoder().encode(text))));
    }
  });

  it('refuses input after the digest', () => {
    const hash = new Sha256().update(new Uint8Array(3));
    hash.digestHex();
    expect(() => hash.update(new Uint8Array(1))).toThrow(/after digest/);
  });

  it('lets a Node process hash the audit chain with node:crypto, to the same digests', () => {
    const seen: string[] = [];
    try {
      useNodeSha256();
      const viaNode = chainHash(GENESIS_HASH, '{"a":"温度 🏭"}');
      useSha256HexOfText((text) => (seen.push(text), nodeSha256HexOfText(text)));
      expect(chainHash(GENESIS_HASH, '{"a":"温度 🏭"}')).toBe(viaNode);
      expect(seen).toEqual([`${GENESIS_HASH}{"a":"温度 🏭"}`]);
      useSha256HexOfText();
      expect(chainHash(GENESIS_HASH, '{"a":"温度 🏭"}')).toBe(viaNode);
      expect(seen).toHaveLength(1);
      expect(viaNode).toBe(sha256HexOfText(`${GENESIS_HASH}{"a":"温度 🏭"}`));
    } finally {
      useSha256HexOfText();
    }
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}');
  });

  it('writes numbers and strings as JSON.stringify does, -0 as 0', () => {
    expect(canonicalJson([1, 0.1, 1e21, 1.5e-7, -0, -12.5])).toBe('[1,0.1,1e+21,1.5e-7,0,-12.5]');
    expect(canonicalJson('quote " backslash \\ tab \t nl \n ctl \u0001 é 🏭 \ud800')).toBe(
      '"quote \\" backslash \\\\ tab \\t nl \\n ctl \\u0001 é 🏭 \\ud800"',
    );
  });

  it('leaves out undefined members and sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ b: undefined, a: 1, B: 2, é: 3, Z: 4 })).toBe('{"B":2,"Z":4,"a":1,"é":3}');
  });

  it('refuses what is not JSON', () => {
    for (const bad of [Number.NaN, Infinity, [undefined], { d: new Date(0) }, { f: () => 1 }, 10n]) {
      expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
    }
  });
});
