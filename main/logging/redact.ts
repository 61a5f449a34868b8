/**
 * What a log line must never carry: passwords, tokens and seeds. The code logs sentences,
 * not objects, so besides pino's key-based redaction (for objects logged with a line) the
 * text itself is scrubbed: a `key=value` / `"key": "value"` pair of a secret-looking key,
 * the password in a URL's user part, and a token in a query string.
 */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets, wherever they appear (case-insensitive, also as part of a longer key such as `mqttPassword`). */
const SECRET_KEY = '[A-Za-z_]*(?:password|passwd|passphrase|token|secret|seed|credentials?|apikey|api_key)[A-Za-z_]*';

const QUOTED_PAIR = new RegExp(`("${SECRET_KEY}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^,}\\s]+)`, 'gi');
const PLAIN_PAIR = new RegExp(`(\\b${SECRET_KEY}\\s*[=:]\\s*)(?!\\[redacted\\])("[^"]*"|'[^']*'|[^\\s,;&"'}]+)`, 'gi');
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)(@)/gi;

/** `text` with every secret it shows replaced by [redacted]. */
export function scrubSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(QUOTED_PAIR, `$1"${REDACTED}"`)
    .replace(PLAIN_PAIR, `$1${REDACTED}`);
}

/** pino's `redact.paths` for objects logged with a line: the secret keys at the top and one level down. */
export const REDACT_PATHS = ['password', 'token', 'seed', 'secret', 'passphrase', 'credentials', 'apiKey']
  .flatMap((key) => [key, `*.${key}`]);
