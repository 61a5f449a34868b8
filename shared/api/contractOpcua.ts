/**
 * The contract's OPC UA part: the connection's state, its settings (checked in full by main,
 * which names the bad field), the explicit trust of a server certificate by the fingerprint
 * the operator was shown, and browsing the server's address space.
 */
import { z } from 'zod';
import { arity, check, method } from './contractKit';
import type { BrowsedNode, OpcuaState } from './opcuaTypes';

const applyOptions = z.object({ keepPassword: z.boolean().optional() }).strict();
export type OpcuaApplyOptions = z.infer<typeof applyOptions>;
const fingerprint = z.string({ error: 'must be a string' }).regex(/^([0-9A-Fa-f]{2}:?){32}$/, 'must be a SHA-256 fingerprint (64 hex digits, in pairs separated by colons or not)');
const nodeId = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(512, 'must be at most 512 characters');

export interface BrowseResult {
  readonly nodes: readonly BrowsedNode[];
  /** The level holds more children than were listed. */
  readonly more: boolean;
}

export const opcuaContract = {
  'opcua.status': method<[], OpcuaState>((args) => (arity(args, 0), [])),
  'opcua.configure': method<[Record<string, unknown>, OpcuaApplyOptions?], OpcuaState>((args) => {
    arity(args, 1, 2);
    return [check(z.record(z.string(), z.unknown()), args[0], 'settings'), check(applyOptions, args[1] ?? {}, 'options')];
  }),
  'opcua.disconnect': method<[], OpcuaState>((args) => (arity(args, 0), [])),
  'opcua.trustCertificate': method<[string], OpcuaState>((args) => (arity(args, 1), [check(fingerprint, args[0], 'sha256')])),
  /** The children of a node (default: the Objects folder) on the connected server. */
  'opcua.browse': method<[string?], BrowseResult>((args) => {
    arity(args, 0, 1);
    return args[0] === undefined ? [] : [check(nodeId, args[0], 'nodeId')];
  }),
} as const;
