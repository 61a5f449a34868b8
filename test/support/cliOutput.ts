/** A command's output lines, caught for the test: `io` goes to the command, `out` and `err` hold what it wrote. */
export function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}
