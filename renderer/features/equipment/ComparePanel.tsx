/**
 * Compare mode: what changed on each equipment between two times, in sentences, each with
 * links that open its causing events in the timeline (`equipment.diff`).
 */
import { Alert, Box, Button, Chip, LinearProgress, Link, Paper, Stack, Typography } from '@mui/material';
import { useRef, useState } from 'react';
import type { EquipmentDiff } from '../../../shared/domain/equipmentDiff';
import { useNavigation } from '../../app/navigation';
import { DateTimeField } from '../../common/DateTimeField';
import { readDateTime, toDateTimeText } from '../../common/dateEntry';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatClock, formatTimeWithZone } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { QUICK_RANGES } from '../timeline/filterModel';
import { diffSentences } from './diffSentences';

type Run = { readonly kind: 'idle' } | { readonly kind: 'running'; readonly done: number; readonly total: number } | { readonly kind: 'done'; readonly diffs: EquipmentDiff[] } | { readonly kind: 'error'; readonly message: string };

const TYPE_WORDS: Readonly<Record<string, string>> = {
  'equipment.status.changed': 'status change',
  'equipment.telemetry.recorded': 'telemetry',
  'quality.measurement.recorded': 'measurement',
  'quality.check.failed': 'failed check',
  'production.order.started': 'order start',
  'production.order.completed': 'order completion',
  'maintenance.scheduled': 'maintenance scheduled',
  'maintenance.completed': 'maintenance completed',
};

function Sentences({ diff }: { readonly diff: EquipmentDiff }) {
  const { openEvent } = useNavigation();
  return (
    <Box sx={{ mt: 2 }} data-testid="diff" data-equipment-id={diff.equipmentId}>
      <Typography variant="subtitle1" component="h4">
        {diff.equipmentId}: {diff.events} events between {formatClock(diff.from, true)} and {formatClock(diff.to, true)}
      </Typography>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {diffSentences(diff).map((s) => (
          <li key={s.text} data-testid="diff-change">
            {s.text}
            {s.causes.length > 0 && (
              <Typography component="div" variant="caption" color="text.secondary">
                {s.causeCount > s.causes.length ? `${s.causeCount} events; the latest: ` : 'because of '}
                {s.causes.map((c, i) => (
                  <span key={c.id}>
                    {i > 0 ? ', ' : ''}
                    <Link component="button" variant="caption" onClick={() => openEvent(c.id)} data-testid="diff-cause" data-event-id={c.id}>
                      {TYPE_WORDS[c.type] ?? c.type} at {formatClock(c.timestamp, true)}
                    </Link>
                  </span>
                ))}
              </Typography>
            )}
          </li>
        ))}
      </Box>
    </Box>
  );
}

export function ComparePanel({ equipmentIds }: { readonly equipmentIds: readonly string[] }) {
  const plant = usePlant();
  const [from, setFrom] = useState(() => toDateTimeText(Date.now() - 60 * 60_000));
  const [to, setTo] = useState(() => toDateTimeText(Date.now()));
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const generation = useRef(0);
  const fromEntry = readDateTime(from);
  const toEntry = readDateTime(to);
  const fromMs = fromEntry.ok ? fromEntry.ms : null;
  const toMs = toEntry.ok ? toEntry.ms : null;
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
    if (mine === generation.current) setRun({ kind: 'done', diffs: diffs.filter((d) => diffSentences(d).length > 0) });
  };

  const lastRange = (ms: number) => {
    const now = Date.now();
    setFrom(toDateTimeText(now - ms));
    setTo(toDateTimeText(now));
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} data-testid="compare-panel">
      <Typography variant="h6" component="h3" gutterBottom>
        Compare two times
      </Typography>
      <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap' }} useFlexGap>
        {QUICK_RANGES.map((r) => (
          <Chip key={r.id} label={r.label} onClick={() => lastRange(r.ms)} variant="outlined" data-testid={`compare-quick-${r.id}`} />
        ))}
      </Stack>
      <Stack sx={{ alignItems: 'flex-start' }} direction="row" spacing={2}>
        <DateTimeField label="From" value={from} onChange={setFrom} testId="compare-from" />
        <DateTimeField label="To" value={to} onChange={setTo} testId="compare-to" />
        <Button variant="contained" onClick={() => void compare()} disabled={!valid || run.kind === 'running' || equipmentIds.length === 0} data-testid="compare-run">
          Compare
        </Button>
        {run.kind === 'running' && (
          <Button onClick={() => (generation.current++, setRun({ kind: 'idle' }))} data-testid="compare-cancel">
            Cancel
          </Button>
        )}
      </Stack>
      {fromEntry.ok && toEntry.ok && !valid && (
        <Typography variant="caption" color="error.main" data-testid="compare-problem">
          Choose a start before the end.
        </Typography>
      )}
      {run.kind === 'running' && <LinearProgress variant="determinate" value={(100 * run.done) / Math.max(1, run.total)} sx={{ mt: 1 }} aria-label="Comparing" />}
      {run.kind === 'error' && <Alert severity="error" sx={{ mt: 1 }}>{run.message}</Alert>}
      {run.kind === 'done' && run.diffs.length === 0 && <EmptyState title="Nothing changed between these times." testId="compare-empty">Pick a wider range.</EmptyState>}
      {run.kind === 'done' && run.diffs.length > 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          From {formatTimeWithZone(fromMs)} to {formatTimeWithZone(toMs)}:
        </Typography>
      )}
      {run.kind === 'done' && run.diffs.map((diff) => <Sentences key={diff.equipmentId} diff={diff} />)}
    </Paper>
  );
}
