/** `npm run audit -- backup | restore | prune-journal`: the command line side of journalCommands.ts. */
import { join } from 'node:path';
import { claimDataDir } from '../platform/dataDirLock';
import type { AuditCommand } from './cliArgs';
import type { CliOutput } from './cliArgs';
import { openDataDirStore } from './dataDirStore';
import { backupDataDir, JournalCommandError, pruneJournal, restoreDataDir } from './journalCommands';

type JournalCommand = Extract<AuditCommand, { command: 'backup' | 'restore' | 'prune-journal' }>;

export async function runJournalCommand(command: JournalCommand, io: CliOutput): Promise<number> {
  try {
    if (command.command === 'backup') {
      const result = await backupDataDir(command.dataDir, command.out);
      io.out(`backed up ${result.count} events${result.count ? ` (seq ${result.firstSeq} to ${result.lastSeq})` : ''} to ${command.out}, head hash ${result.headHash}`);
      return 0;
    }
    if (command.command === 'restore') {
      await claimDataDir(command.dataDir, join(command.dataDir, 'chromium-profile'), (line) => io.err(line));
      const log = (line: string) => io.err(line);
      const result = await restoreDataDir(command.file, command.dataDir, () => openDataDirStore(command.dataDir, { mustExist: false, log }));
      io.out(`restored ${result.events} events into ${command.dataDir}${result.keptAside.length ? `; what was there is kept in ${result.keptAside.join(' and ')}` : ''}`);
      return 0;
    }
    const result = await pruneJournal(command.dataDir, command.coveredBy);
    io.out(result.removed.length ? `removed ${result.removed.length} journal segments (${result.removed.join(', ')}); the journal now starts at seq ${result.keptFromSeq}` : 'nothing to prune: every segment holds events the export does not, or is the newest');
    return 0;
  } catch (error) {
    if (!(error instanceof JournalCommandError)) throw error;
    io.out(`refused: ${error.message}`);
    return 1;
  }
}
