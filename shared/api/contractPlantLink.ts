/**
 * The contract's plant-link part (issue 14 §1): the link's state and the settings kept in
 * settings.json (never a password or token: the renderer learns only whether one is set),
 * saving them (main checks every field and names the one at fault, then reconnects), and
 * switching the link off. Settings given on the command line override the saved ones for
 * that run; the state says so.
 */
import { z } from 'zod';
import { arity, check, method } from './contractKit';
import type { PlantLinkStatus } from './plantStatus';

/** `keepPassword` / `keepToken`: the settings omit the secret because the operator left the saved one unchanged. */
const applyOptions = z.object({ keepPassword: z.boolean().optional(), keepToken: z.boolean().optional() }).strict();
export type PlantLinkApplyOptions = z.infer<typeof applyOptions>;

/** Plant-link settings as the renderer may see them: secrets replaced by whether they are set. */
export interface PlantLinkPublicSettings {
  readonly servers: readonly string[];
  readonly station: string;
  readonly stream: string;
  readonly user: string | null;
  readonly hasPassword: boolean;
  readonly hasToken: boolean;
  readonly nkeySeedFile: string | null;
  readonly tls: { readonly caFile: string | null; readonly certFile: string | null; readonly keyFile: string | null };
}

export interface PlantLinkView {
  /** The running link's state; null while there is none. */
  readonly status: PlantLinkStatus | null;
  /** The settings kept in settings.json (what the form edits); null when none are saved. */
  readonly saved: PlantLinkPublicSettings | null;
  /** Where the running link's settings come from: the command line overrides the saved ones for this run. */
  readonly source: 'command-line' | 'saved' | null;
  /** Review mode: the history is only read, so the link stays off whatever is saved. */
  readonly review: boolean;
}

export const plantLinkContract = {
  'plantLink.status': method<[], PlantLinkView>((args) => (arity(args, 0), [])),
  /** Settings are checked in full by main (main/plant/savedPlantSettings.ts), which names the bad field. */
  'plantLink.configure': method<[Record<string, unknown>, PlantLinkApplyOptions?], PlantLinkView>((args) => {
    arity(args, 1, 2);
    return [check(z.record(z.string(), z.unknown()), args[0], 'settings'), check(applyOptions, args[1] ?? {}, 'options')];
  }),
  'plantLink.disconnect': method<[], PlantLinkView>((args) => (arity(args, 0), [])),
} as const;
