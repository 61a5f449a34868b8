/**
 * Electronegativity's findings against the README's "Security" section: each finding (check
 * and file) must be listed there, in a table row `| \`CHECK_ID\` | \`path\` | why |`, or the
 * security check fails.
 */
export interface Finding {
  readonly check: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export const findingKey = (check: string, file: string) => `${check} ${file}`;

/** The explained findings of the README's `## Security` section, by check and file. */
export function explainedFindings(readme: string): Map<string, string> {
  const start = readme.search(/^## Security\b/m);
  if (start < 0) return new Map();
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const explained = new Map<string, string>();
  for (const line of section.split('\n')) {
    const row = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*`([^`]+)`\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (row && (row[3] as string).length >= 20) explained.set(findingKey(row[1] as string, row[2] as string), row[3] as string);
  }
  return explained;
}

/** Findings from electronegativity's SARIF output (file paths relative to the scanned folder). */
export function findingsFromSarif(sarif: unknown): Finding[] {
  const runs = (sarif as { runs?: { results?: unknown[] }[] })?.runs;
  if (!Array.isArray(runs)) throw new Error('electronegativity wrote no SARIF runs');
  return runs.flatMap((run) =>
    (run.results ?? []).map((raw) => {
      const result = raw as {
        ruleId?: string;
        message?: { text?: string };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
      };
      const location = result.locations?.[0]?.physicalLocation;
      return {
        check: String(result.ruleId),
        file: String(location?.artifactLocation?.uri ?? 'N/A').replace(/\\/g, '/'),
        line: location?.region?.startLine ?? 0,
        message: result.message?.text ?? '',
      };
    }),
  );
}

export function unexplainedFindings(findings: readonly Finding[], explained: ReadonlyMap<string, string>): Finding[] {
  return findings.filter((finding) => !explained.has(findingKey(finding.check, finding.file)));
}
