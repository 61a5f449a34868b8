/** System health, live: rates, processing time p95, queue depth per subscriber, retries, dead letters and store size (`metrics.get` every 2 s). */
import { Alert, Box, LinearProgress, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { LineChart } from '@mui/x-charts/LineChart';
import type { ReactNode } from 'react';
import { formatClock, formatCount } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { formatAxisNumber, totalQueueDepth, worstP95 } from './metricsHistory';
import { useMetricsHistory } from './metricsRecorder';

const Y_AXIS = [{ valueFormatter: formatAxisNumber, width: 48 }];

function Panel({ title, children, testId }: { readonly title: string; readonly children: ReactNode; readonly testId: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, flex: '1 1 420px' }} data-testid={testId}>
      <Typography variant="subtitle1" component="h3">
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export function HealthView() {
  const plant = usePlant();
  const { history, error } = useMetricsHistory(plant);

  const latest = history[history.length - 1];
  const x = history.map((m) => new Date(m.at));
  const time = [{ scaleType: 'time' as const, data: x, valueFormatter: (d: Date) => formatClock(d.getTime(), true) }];

  return (
    <Box data-testid="health" data-samples={history.length}>
      <Typography variant="h5" component="h2" gutterBottom>
        Health
      </Typography>
      {error && <Alert severity="error" sx={{ mb: 1 }} data-testid="health-error">{error}</Alert>}
      {!latest && !error && <LinearProgress aria-label="Reading the metrics" />}
      {latest && (
        <>
          <Typography variant="body2" sx={{ mb: 1 }} data-testid="health-summary">
            Store: {formatCount(latest.store.headSeq)} events, {latest.store.connected ? 'connected' : 'reconnecting'}
            {latest.store.restarts ? `, ${latest.store.restarts} restarts` : ''} · published {formatCount(latest.bus.published)} · retries {formatCount(latest.bus.retries)} · dead
            letters {formatCount(latest.bus.deadLetters)} · queued {formatCount(totalQueueDepth(latest))}
          </Typography>
          <Stack direction="row" useFlexGap sx={{ flexWrap: 'wrap', gap: 2 }}>
            <Panel title="Events per second" testId="health-rates">
              <LineChart height={220} skipAnimation xAxis={time} yAxis={Y_AXIS} series={[{ data: history.map((m) => m.bus.publishedPerSecond), label: 'Published/s', showMark: false }, { data: history.map((m) => m.bus.processedPerSecond), label: 'Processed/s', showMark: false }]} />
            </Panel>
            <Panel title="Processing time p95 (slowest subscriber, ms)" testId="health-p95">
              <LineChart height={220} skipAnimation xAxis={time} yAxis={Y_AXIS} series={[{ data: history.map(worstP95), label: 'p95 ms', showMark: false }]} hideLegend />
            </Panel>
            <Panel title="Queue depth per subscriber" testId="health-queues">
              {latest.bus.subscribers.length === 0 ? (
                <Typography variant="body2" color="text.secondary">No subscriber is registered.</Typography>
              ) : (
                // Horizontal, one band per subscriber, so that every subscriber's name is written out.
                <BarChart
                  height={Math.max(120, 28 * latest.bus.subscribers.length + 40)}
                  skipAnimation
                  layout="horizontal"
                  yAxis={[{ scaleType: 'band', data: latest.bus.subscribers.map((s) => s.name), width: 170 }]}
                  xAxis={[{ valueFormatter: formatAxisNumber, tickMinStep: 1 }]}
                  series={[{ data: latest.bus.subscribers.map((s) => s.queueDepth), label: 'Queued' }]}
                  hideLegend
                />
              )}
            </Panel>
            <Panel title="Retries and dead letters" testId="health-failures">
              <LineChart height={220} skipAnimation xAxis={time} yAxis={Y_AXIS} series={[{ data: history.map((m) => m.bus.retries), label: 'Retries', showMark: false }, { data: history.map((m) => m.bus.deadLetters), label: 'Dead letters', showMark: false }]} />
            </Panel>
            <Panel title="Store size (events)" testId="health-store">
              <LineChart height={220} skipAnimation xAxis={time} yAxis={Y_AXIS} series={[{ data: history.map((m) => m.store.headSeq), label: 'Events stored', showMark: false, area: true }]} hideLegend />
            </Panel>
          </Stack>
          <Table size="small" aria-label="Subscribers" sx={{ mt: 2 }}>
            <TableHead>
              <TableRow>
                <TableCell>Subscriber</TableCell>
                <TableCell>Pattern</TableCell>
                <TableCell align="right">Queued</TableCell>
                <TableCell align="right">Processed/s</TableCell>
                <TableCell align="right">p95 ms</TableCell>
                <TableCell align="right">Retries</TableCell>
                <TableCell align="right">Dead letters</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {latest.bus.subscribers.map((s) => (
                <TableRow key={s.name} data-testid="subscriber-row">
                  <TableCell>{s.name}</TableCell>
                  <TableCell>{s.pattern}</TableCell>
                  <TableCell align="right">{formatCount(s.queueDepth)}</TableCell>
                  <TableCell align="right">{s.processedPerSecond.toFixed(1)}</TableCell>
                  <TableCell align="right">{s.processingMs.p95.toFixed(1)}</TableCell>
                  <TableCell align="right">{formatCount(s.retries)}</TableCell>
                  <TableCell align="right">{formatCount(s.deadLetters)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </Box>
  );
}
