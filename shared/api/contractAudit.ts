/** The contract's audit part: export, verification and import of tamper-evident logs. */
import { z } from 'zod';
import type { ExportVerdict } from '../audit/exportVerifier';
import type { AuditImportResult, ExportResult } from '../audit/results';
import type { ChainVerdict } from '../audit/storeChain';
import { PRIORITIES } from '../events/event';
import { arity, check, method, time } from './contractKit';

/** The audit operation running or last run, for progress and results in the UI. */
export interface AuditJob {
  readonly running: boolean;
  readonly kind: 'export' | 'verifyFile' | 'verifyStore' | 'import' | null;
  /** The file (or "store") it works on. */
  readonly target: string | null;
  /** Phase and counts as the operation reports them (events, bytes read, lines). */
  readonly progress: unknown;
  readonly result: ExportResult | ExportVerdict | ChainVerdict | AuditImportResult | null;
  readonly error: string | null;
}

const absolutePath = z
  .string({ error: 'must be a string' })
  .min(1)
  .max(4_096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');
const list = z.array(z.string().min(1).max(200)).max(50);
const filters = z
  .object({
    from: time.optional(),
    to: time.optional(),
    types: list.optional(),
    subject: z.string().min(1).max(200).optional(),
    sources: list.optional(),
    priorities: z.array(z.enum(PRIORITIES)).max(4).optional(),
    correlationId: z.string().min(1).max(200).optional(),
    text: z.string().max(200).optional(),
  })
  .strict();
const exportRequest = z
  .object({ out: absolutePath, format: z.enum(['ndjson', 'csv', 'cloudevents', 'cloudevents-batch', 'pdf']), filters: filters.optional(), bom: z.boolean().optional(), overwrite: z.boolean().optional() })
  .strict();
const importRequest = z.object({ path: absolutePath, acceptBroken: z.boolean().optional() }).strict();

export const auditContract = {
  'audit.export': method<[z.infer<typeof exportRequest>], ExportResult>((args) => (arity(args, 1), [check(exportRequest, args[0], 'request')])),
  'audit.verifyFile': method<[string], ExportVerdict>((args) => (arity(args, 1), [check(absolutePath, args[0], 'path')])),
  'audit.verifyStore': method<[], ChainVerdict>((args) => (arity(args, 0), [])),
  'audit.import': method<[z.infer<typeof importRequest>], AuditImportResult>((args) => (arity(args, 1), [check(importRequest, args[0], 'request')])),
  'audit.status': method<[], AuditJob>((args) => (arity(args, 0), [])),
  'audit.cancel': method<[], boolean>((args) => (arity(args, 0), [])),
} as const;
