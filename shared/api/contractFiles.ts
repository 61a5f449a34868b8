/**
 * The contract's files part: the operating system's Save and Open dialogs, shown by main
 * (the desktop app). Browser mode has none: `files.dialogs` says so and the UI keeps to typed
 * paths. A chosen file comes back as its absolute path; a closed dialog as null.
 */
import { z } from 'zod';
import { arity, check, method } from './contractKit';

const choice = z
  .object({
    title: z.string().min(1).max(200).optional(),
    /** Suggested file name (Save), without a folder: main starts in the folder used last. */
    defaultName: z.string().min(1).max(255).regex(/^[^/\\]+$/, 'must be a file name without a folder').optional(),
    /** Extensions offered, without the dot. */
    extensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/, 'must be 1–10 lowercase letters or digits')).min(1).max(10),
  })
  .strict();

export type FileChoice = z.infer<typeof choice>;

export const filesContract = {
  'files.dialogs': method<[], boolean>((args) => (arity(args, 0), [])),
  'files.chooseSave': method<[FileChoice], string | null>((args) => (arity(args, 1), [check(choice, args[0], 'choice')])),
  'files.chooseOpen': method<[FileChoice], string | null>((args) => (arity(args, 1), [check(choice, args[0], 'choice')])),
} as const;
