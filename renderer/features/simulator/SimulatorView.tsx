/**
 * The Simulator view: whether the simulated plant runs, at which rate, and what it produced;
 * pause and resume, and a new rate (typed as a draft, applied with Enter or "Set rate").
 * When the installation runs without a simulator, it says so and offers nothing.
 */
import { Alert, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { SimulatorStatus } from '../../../shared/api/statusTypes';
import { errorMessage, formatCount, formatDuration, formatTime } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';

const POLL_MS = 1_000;
const MAX_RATE = 20_000;

/** The typed rate as a number of events per second, or what is wrong with it. */
export function rateOf(text: string): { rate: number } | { problem: string } {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { problem: 'Give a number of events per second, e.g. 50' };
  const rate = Number(trimmed);
  return rate > MAX_RATE ? { problem: `At most ${formatCount(MAX_RATE)} events per second` } : { rate };
}

export function SimulatorView() {
  const plant = usePlant();
  const status = useCall(() => plant.simulator.status(), [plant], POLL_MS);
  const [rateText, setRateText] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const sim = status.value;
  const parsed = rateText.trim() === '' ? null : rateOf(rateText);
  const problem = parsed && 'problem' in parsed ? parsed.problem : null;

  const act = async (call: () => Promise<SimulatorStatus | null>) => {
    setFailure(null);
    try {
      await call();
      status.reload();
    } catch (error) {
      setFailure(errorMessage(error));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed || !('rate' in parsed)) return;
    void act(() => plant.simulator.setRate(parsed.rate)).then(() => setRateText(''));
  };

  return (
    <Stack spacing={2} data-testid="simulator" sx={{ pb: 4 }}>
      <Typography variant="h5" component="h2">
        Simulator
      </Typography>
      {status.error && <Alert severity="error">The simulator's status could not be read: {status.error}</Alert>}
      {sim === null && (
        <Alert severity="info" data-testid="simulator-off">
          The plant simulator is switched off in this installation (started with --no-simulator): events come from MQTT or imported files.
        </Alert>
      )}
      {sim && (
        <>
          <Typography variant="body1" data-testid="simulator-state" data-state={sim.paused ? 'paused' : sim.running ? 'running' : 'stopped'} data-rate={sim.rate}>
            {sim.paused ? 'Paused' : sim.running ? 'Running' : 'Stopped'} at {formatCount(sim.rate)} events/s, {sim.equipment} simulated equipment.
          </Typography>
          <Typography variant="body2" color="text.secondary" data-testid="simulator-counts">
            {formatCount(sim.generated)} generated, {formatCount(sim.published)} stored, {formatCount(sim.failedEvents)} failed; simulated time {formatTime(sim.simulatedTime)}
            {sim.heldMs > 0 ? `; held ${formatDuration(sim.heldMs)} while publishing fell behind` : ''}.
          </Typography>
          {sim.lastError && <Alert severity="warning">Last error: {sim.lastError}</Alert>}
          <Box>
            {sim.paused ? (
              <Button variant="contained" onClick={() => void act(() => plant.simulator.resume())} data-testid="simulator-resume">
                Resume
              </Button>
            ) : (
              <Button variant="outlined" color="warning" onClick={() => void act(() => plant.simulator.pause())} data-testid="simulator-pause">
                Pause
              </Button>
            )}
          </Box>
          <Box component="form" onSubmit={submit} aria-label="Simulator rate" sx={{ display: 'flex', gap: 2, alignItems: 'flex-start' }}>
            <TextField
              size="small"
              label="New rate (events per second)"
              value={rateText}
              onChange={(e) => setRateText(e.target.value)}
              error={problem !== null}
              helperText={problem ?? `0 to ${formatCount(MAX_RATE)}; 0 generates nothing.`}
              slotProps={{ htmlInput: { 'data-testid': 'simulator-rate', inputMode: 'decimal' } }}
            />
            <Button type="submit" variant="contained" disabled={!parsed || problem !== null} data-testid="simulator-set-rate">
              Set rate
            </Button>
          </Box>
        </>
      )}
      {failure && (
        <Alert severity="error" data-testid="simulator-error">
          {failure}
        </Alert>
      )}
    </Stack>
  );
}
