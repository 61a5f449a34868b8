/** Dead letters: deliveries whose retries ran out. Inspect, redrive (dry run, then confirm) or discard with a reason. */
import { Alert, Box, Button, Checkbox, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import type { DeadLetter } from '../../../shared/store/eventStore';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatTime } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import { DiscardDialog, RedriveConfirm } from './ConfirmDialogs';
import { DeadLetterDetail } from './DeadLetterDetail';
import { deadLetterId, redrivePlan } from './deadLetterId';

const POLL_MS = 5_000;

export function DeadLettersView() {
  const plant = usePlant();
  const letters = useCall(() => plant.deadLetters.list(), [plant], POLL_MS);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [inspecting, setInspecting] = useState<DeadLetter | null>(null);
  const [plan, setPlan] = useState<ReturnType<typeof redrivePlan> | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  const list = letters.value ?? [];
  const ids = [...selected].filter((id) => list.some((l) => deadLetterId(l) === id));
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));

  const dryRun = async () => {
    setBusy(true);
    try {
      setPlan(redrivePlan(ids, await plant.deadLetters.list()));
    } catch (e) {
      setProblem(`Dry run: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const act = async (what: string, call: () => Promise<number>) => {
    setBusy(true);
    setProblem(null);
    try {
      const n = await call();
      setOutcome(`${what} ${n} dead letter${n === 1 ? '' : 's'}.`);
      setSelected(new Set());
      setPlan(null);
      setDiscarding(false);
      letters.reload();
    } catch (e) {
      setProblem(`${what}: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const redriveIds = () => ids.filter((id) => list.some((l) => deadLetterId(l) === id));

  return (
    <Box data-testid="dead-letters">
      <Typography variant="h5" component="h2" gutterBottom>
        Dead letters
      </Typography>
      <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
        <Button variant="contained" disabled={ids.length === 0 || busy} onClick={() => void dryRun()} data-testid="redrive">
          Redrive…
        </Button>
        <Button color="error" disabled={ids.length === 0 || busy} onClick={() => (setProblem(null), setDiscarding(true))} data-testid="discard">
          Discard…
        </Button>
      </Stack>
      {letters.error && <Alert severity="error">{letters.error}</Alert>}
      {problem && <Alert severity="error" sx={{ mb: 1 }} data-testid="dead-letter-problem">{problem}</Alert>}
      {outcome && <Alert severity="success" onClose={() => setOutcome(null)} sx={{ mb: 1 }} data-testid="dead-letter-outcome">{outcome}</Alert>}
      {letters.loading && !letters.value && <LinearProgress aria-label="Reading the dead letters" />}
      {letters.value && list.length === 0 ? (
        <EmptyState title="No dead letters.">A delivery lands here when a subscriber fails it on every retry. Nothing to do now.</EmptyState>
      ) : (
        <Table size="small" aria-label="Dead letters">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Checkbox checked={list.length > 0 && ids.length === list.length} onChange={(e) => setSelected(new Set(e.target.checked ? list.map(deadLetterId) : []))} slotProps={{ input: { 'aria-label': 'Select every dead letter' } }} />
              </TableCell>
              <TableCell>Event</TableCell>
              <TableCell>Subscriber</TableCell>
              <TableCell>Attempts</TableCell>
              <TableCell>Last error</TableCell>
              <TableCell>Dead since</TableCell>
              <TableCell>Inspect</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((l) => {
              const id = deadLetterId(l);
              return (
                <TableRow key={id} hover selected={selected.has(id)} data-testid="dead-letter-row" data-id={id}>
                  <TableCell padding="checkbox">
                    <Checkbox checked={selected.has(id)} onChange={() => toggle(id)} slotProps={{ input: { 'aria-label': `Select ${l.event.type} for ${l.delivery.subscriber}` } }} />
                  </TableCell>
                  <TableCell>{l.event.type} #{l.event.seq}</TableCell>
                  <TableCell>{l.delivery.subscriber}</TableCell>
                  <TableCell>{l.delivery.attempts}</TableCell>
                  <TableCell>{l.delivery.lastError ?? '—'}</TableCell>
                  <TableCell>{formatTime(l.delivery.deadLetteredAt)}</TableCell>
                  <TableCell>
                    <Button onClick={() => setInspecting(l)} data-testid="dead-letter-inspect">
                      Inspect
                    </Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <DeadLetterDetail letter={inspecting} onClose={() => setInspecting(null)} />
      <RedriveConfirm plan={plan} busy={busy} onCancel={() => setPlan(null)} onConfirm={() => void act('Redrove', () => plant.deadLetters.redrive(redriveIds()))} />
      {discarding && <DiscardDialog count={ids.length} busy={busy} error={problem} onCancel={() => setDiscarding(false)} onConfirm={(reason) => void act('Discarded', () => plant.deadLetters.discard(ids, reason))} />}
    </Box>
  );
}
