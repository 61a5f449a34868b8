/** Compare mode: what changed on each equipment between two times, and which events caused it (`equipment.diff`). */
import { Alert, Box, Button, LinearProgress, Paper, Stack, TextField, Typography } from '@mui/material';
import { useRef, useState } from 'react';
import type { EquipmentDiff } from '../../../shared/domain/equipmentDiff';
import type { JsonValue } from '../../../shared/events/event';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatTime, fromLocalInput, toLocalInput } from '../../common/format';
import { usePlant } from '../../common/usePlant';

const show = (v: JsonValue) => (typeof v === 'string' ? v : JSON.stringify(v));

type Run = { readonly kind: 'idle' } | { readonly kind: 'running'; readonly done: number; readonly total: number } | { readonly kind: 'done'; readonly diffs: EquipmentDiff[] } | { readonly kind: 'error'; readonly message: string };

export function ComparePanel({ equipmentIds }: { readonly equipmentIds: readonly string[] }) {
  const plant = usePlant();
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 60 * 60_000));
  const [to, setTo] = useState(() => toLocalInput(Date.now()));
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const generation = useRef(0);
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const valid = fromMs !== null && toMs !== null && fromMs < toMs;

  const compare = async () => {
    if (!valid) return;
    const mine = ++generation.current;
    const diffs: EquipmentDiff[] = [];
    setRun({ kind: 'running', done: 0, total: equipmentIds.length });
    for (const id of equipmentIds) {
      try {
        const diff = await plant.equipment.diff(id, fromMs, toMs);
        if (mine !== generation.current) return;
        diffs.push(diff);
        setRun({ kind: 'running', done: diffs.length, total: equipmentIds.length });
      } catch (error) {
        if (mine === generation.current) setRun({ kind: 'error', message: `Comparing ${id}: ${errorMessage(error)}` });
        return;
      }
    }
    if (mine === generation.current) setRun({ kind: 'done', diffs: diffs.filter((d) => d.changes.length > 0) });
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="compare-panel">
      <Typography variant="h6" component="h3" gutterBottom>
        Compare two times
      </Typography>
      <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
        <TextField label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'data-testid': 'compare-from' } }} />
        <TextField label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'data-testid': 'compare-to' } }} />
        <Button variant="contained" onClick={() => void compare()} disabled={!valid || run.kind === 'running' || equipmentIds.length === 0} data-testid="compare-run">
          Compare
        </Button>
        {run.kind === 'running' && (
          <Button onClick={() => (generation.current++, setRun({ kind: 'idle' }))} data-testid="compare-cancel">
            Cancel
          </Button>
        )}
      </Stack>
      {!valid && <Typography variant="caption" color="error.main">Choose a start before the end.</Typography>}
      {run.kind === 'running' && <LinearProgress variant="determinate" value={(100 * run.done) / Math.max(1, run.total)} sx={{ mt: 1 }} aria-label="Comparing" />}
      {run.kind === 'error' && <Alert severity="error" sx={{ mt: 1 }}>{run.message}</Alert>}
      {run.kind === 'done' && run.diffs.length === 0 && <EmptyState title="Nothing changed between these times." testId="compare-empty">Pick a wider range.</EmptyState>}
      {run.kind === 'done' &&
        run.diffs.map((diff) => (
          <Box key={diff.equipmentId} sx={{ mt: 2 }} data-testid="diff" data-equipment-id={diff.equipmentId}>
            <Typography variant="subtitle1" component="h4">
              {diff.equipmentId}: {diff.changes.length} fields changed by {diff.events} events ({formatTime(diff.from)} → {formatTime(diff.to)})
            </Typography>
            <Box component="ul" sx={{ m: 0, pl: 2 }}>
              {diff.changes.map((change) => (
                <li key={change.path} data-testid="diff-change">
                  <code>{change.path}</code>: {show(change.before)} → <strong>{show(change.after)}</strong>
                  {change.causeCount > 0 && (
                    <Typography component="div" variant="caption" color="text.secondary">
                      caused by {change.causeCount} event{change.causeCount > 1 ? 's' : ''}, latest:{' '}
                      {change.causes.slice(-3).map((c) => `${c.type} #${c.seq} at ${formatTime(c.timestamp)}`).join('; ')}
                    </Typography>
                  )}
                </li>
              ))}
            </Box>
          </Box>
        ))}
    </Paper>
  );
}
