/**
 * `npm start`: builds the desktop application with electron-vite and runs it in Electron.
 * Where the Electron runtime is not available it says so in one sentence and starts browser
 * mode (`npm run web`) instead. Arguments after `--` go to the application (e.g.
 * `npm start -- --data-dir ./plant-data`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, electronArgs, findElectron } from './electronRuntime';

const args = process.argv.slice(2);
const windows = process.platform === 'win32';

function run(command: string, commandArgs: string[]): ChildProcess {
  const child = spawn(command, commandArgs, { cwd: REPO_ROOT, stdio: 'inherit', shell: windows });
  // Ctrl+C reaches the whole process group, the child included: passing SIGINT on as well
  // would tell it twice. This process only stays to report the child's exit code.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return child;
}

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`start: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const runtime = findElectron();
  if ('missing' in runtime) {
    console.log(`The Electron runtime is not available on this machine (${runtime.missing}), so Plant Event Console starts in browser mode instead.`);
    return exitCode(run(windows ? 'npm.cmd' : 'npm', ['run', 'web', '--', ...args]));
  }
  const built = await exitCode(run(process.execPath, [join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']));
  if (built !== 0) return built;
  // Chromium will not start as root with its OS sandbox (containers, CI); pages stay
  // context-isolated and sandboxed by Electron's own settings.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) console.log('start: running as root, so Chromium\'s OS-level sandbox is off (--no-sandbox).');
  return exitCode(run(runtime.path, electronArgs(REPO_ROOT, args, asRoot)));
}

process.exitCode = await main();
