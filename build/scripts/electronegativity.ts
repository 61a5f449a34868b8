/**
 * `npm run security` (part of `npm test`): runs @doyensec/electronegativity on the Electron
 * code (main/electron, preload) and the pages it loads, and fails on any finding the README's
 * "Security" section does not explain. The files are copied to a temporary folder first so
 * the scan sees exactly them (and reports their paths relative to the repository).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from './electronRuntime';
import { explainedFindings, findingKey, findingsFromSarif, unexplainedFindings } from './securityFindings';

const SCANNED = ['main/electron', 'preload', 'renderer/index.html', 'renderer/store-host/index.html'];

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

function main(): number {
  const stage = mkdtempSync(join(tmpdir(), 'plant-electronegativity-'));
  try {
    for (const file of SCANNED.flatMap((path) => filesUnder(join(REPO_ROOT, path)))) {
      if (!/\.(ts|html)$/.test(file)) continue;
      cpSync(file, join(stage, relative(REPO_ROOT, file)), { recursive: true });
    }
    const electronVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    const output = join(stage, 'findings.sarif');
    const cli = join(dirname(join(REPO_ROOT, 'node_modules/@doyensec/electronegativity/package.json')), 'dist', 'index.js');
    // -e: the installed Electron version, so that the tool does not look it up online.
    const run = spawnSync(process.execPath, [cli, '-i', stage, '-r', '-e', electronVersion, '-o', output], { encoding: 'utf8', timeout: 180_000 });
    let sarif: unknown;
    try {
      sarif = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      console.error(`security: electronegativity produced no report (exit ${run.status ?? run.signal}).\n${run.stderr || run.stdout}`);
      return 1;
    }
    const findings = findingsFromSarif(sarif);
    const explained = explainedFindings(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    const open = unexplainedFindings(findings, explained);
    const seen = new Set(findings.map((finding) => findingKey(finding.check, finding.file)));
    for (const key of explained.keys()) if (!seen.has(key)) console.log(`security: README explains ${key}, which electronegativity no longer reports; the row can go.`);
    if (open.length > 0) {
      console.error(`security: ${open.length} electronegativity finding(s) neither fixed nor explained in README.md "Security":`);
      for (const finding of open) console.error(`  ${finding.check} ${finding.file}:${finding.line} — ${finding.message}`);
      return 1;
    }
    console.log(`security: electronegativity (Electron ${electronVersion}) found ${findings.length} finding(s), each explained in README.md "Security".`);
    return 0;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

process.exitCode = main();
