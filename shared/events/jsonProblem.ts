/**
 * What is wrong with text that is not JSON, without quoting the text: a file handed to the
 * import or the verifier may be anything (a password file was), and JSON.parse's message
 * carries a piece of it. Only the position is kept.
 */
export function jsonSyntaxProblem(error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 'not valid JSON' : `not valid JSON (at character ${Number(position) + 1})`;
}
