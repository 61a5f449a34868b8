/**
 * Reading a command line with `node:util` parseArgs, for the three command lines (audit,
 * browser mode, desktop). Each declares its options as a parseArgs options table and then
 * checks what it was given in a validation step of its own; anything refused is a
 * UsageError with one sentence naming the option. A feature that brings options of its own
 * (`--plant`, `--store`…) exports a table fragment and a validating `fromArgs(values)`, and
 * the command line spreads the fragment into its table.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** The one error class of the command lines: its message is shown to the user as it is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionTable = ParseArgsOptionsConfig;

type Parsed<O extends OptionTable> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>;

export interface CommandLine<O extends OptionTable> {
  readonly values: Parsed<O>['values'];
  readonly positionals: readonly string[];
  /** The options given, spelled as typed (`--data-dir`, `-h`), each once, in order. */
  readonly given: readonly string[];
}

export interface ReadRules {
  /** Words after a command (`verify FILE`); without, any word that is not an option is refused. */
  readonly allowPositionals?: boolean;
  /** Added under an "unknown option" sentence, e.g. the usage text. */
  readonly usage?: string;
}

/**
 * parseArgs in strict mode. Its own refusals are re-told in the project's words, naming the
 * argument as it was typed; on top of them, an empty value and a second value for an option
 * that takes one are refused too (parseArgs would keep the last one silently).
 */
export function readCommandLine<O extends OptionTable>(argv: readonly string[], options: O, rules: ReadRules = {}): CommandLine<O> {
  let parsed: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: boolean; tokens: true }>>;
  try {
    parsed = parseArgs({ args: joinDashValues(argv, options), options, strict: true, allowPositionals: rules.allowPositionals ?? false, tokens: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    throw new UsageError(explainRefusal(argv, options, rules) ?? error.message);
  }
  const given: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (token.value === '') throw new UsageError(`${token.rawName}: needs a value`);
    if (given.includes(token.rawName) && !options[token.name]?.multiple) throw new UsageError(`${token.rawName}: given more than once`);
    if (!given.includes(token.rawName)) given.push(token.rawName);
  }
  return { values: parsed.values as Parsed<O>['values'], positionals: parsed.positionals, given };
}

/** The options of `options` found in argv, leaving everything else alone (the desktop app shares its command line with Chromium). */
export function readOwnOptions(argv: readonly string[], options: OptionTable): { readonly rawName: string; readonly value: string | undefined; readonly inline: boolean }[] {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  return tokens.flatMap((token) =>
    token.kind === 'option' && Object.hasOwn(options, token.name) ? [{ rawName: token.rawName, value: token.value, inline: token.inlineValue === true }] : [],
  );
}

/**
 * Strict parseArgs takes `--port -1` for a forgotten value followed by a short option. None of
 * these command lines has a short option that takes a value, so `-1` after an option that
 * needs one is that option's value (refused later by its own check, e.g. "not a port number").
 */
function joinDashValues(argv: readonly string[], options: OptionTable): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...joined, ...argv.slice(i)];
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    if (Object.hasOwn(options, name) && options[name]!.type === 'string' && next !== undefined && /^-[^-]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Finds what strict parsing refused, by reading the same line leniently, and says it in one sentence. */
function explainRefusal(argv: readonly string[], options: OptionTable, rules: ReadRules): string | undefined {
  const unknown = (arg: string) => `unknown option "${arg}"${rules.usage ? `\n${rules.usage}` : ''}`;
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && !rules.allowPositionals) return unknown(token.value);
    if (token.kind !== 'option') continue;
    const declared = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    // A switch given a value (`--memory=yes`) is not one of the spellings the command knows.
    if (!declared || (declared.type === 'boolean' && token.value !== undefined)) return unknown(argv[token.index] ?? token.rawName);
    if (declared.type !== 'string') continue;
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) return `${token.rawName}: needs a value`;
  }
  return undefined;
}
