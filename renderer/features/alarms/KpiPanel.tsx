/** Alarm KPIs over the shift (`alarms.kpis`): alarms per 10 minutes, flood episodes, the 10 most frequent, chattering and stale alarms. */
import { Alert, Box, LinearProgress, List, ListItem, ListItemText, Paper, Stack, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import type { ReactNode } from 'react';
import { formatClock, formatDuration, formatTime } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';

export const SHIFT_MS = 8 * 60 * 60_000;
const REFRESH_MS = 30_000;

function Section({ title, children, testId }: { readonly title: string; readonly children: ReactNode; readonly testId: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, flex: '1 1 360px' }} data-testid={testId}>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

const none = (text: string) => (
  <Typography variant="body2" color="text.secondary">
    {text}
  </Typography>
);

export function KpiPanel() {
  const plant = usePlant();
  const kpis = useCall(() => {
    const to = Date.now();
    return plant.alarms.kpis({ from: to - SHIFT_MS, to });
  }, [plant], REFRESH_MS);
  const k = kpis.value;

  return (
    <Box data-testid="kpi-panel">
      {kpis.error && <Alert severity="error">{kpis.error}</Alert>}
      {!k && kpis.loading && <LinearProgress aria-label="Working out the alarm KPIs" />}
      {k && (
        <Stack direction="row" useFlexGap sx={{ flexWrap: 'wrap', gap: 2 }}>
          <Section title={`Alarms per 10 minutes (last 8 h): ${k.raisedCount} raised`} testId="kpi-rate">
            <BarChart
              height={220}
              xAxis={[{ scaleType: 'band', data: k.perTenMinutes.map((b) => formatClock(b.start)), label: 'Start of the 10 minutes' }]}
              yAxis={[{ label: 'Alarms', width: 50 }]}
              series={[{ data: k.perTenMinutes.map((b) => b.count), label: 'Alarms raised' }]}
              hideLegend
            />
          </Section>
          <Section title={`Top ${k.topAlarms.length} most frequent`} testId="kpi-top">
            {k.topAlarms.length === 0 ? (
              none('No alarm was raised in the last 8 hours.')
            ) : (
              <BarChart
                height={220}
                layout="horizontal"
                yAxis={[{ scaleType: 'band', data: k.topAlarms.map((a) => `${a.ruleName} · ${a.equipmentId}`), width: 180 }]}
                series={[{ data: k.topAlarms.map((a) => a.count), label: 'Times raised' }]}
                hideLegend
              />
            )}
          </Section>
          <Section title={`Flood episodes: ${k.floods.length}`} testId="kpi-floods">
            {k.floods.length === 0
              ? none('No flood (more than 10 alarms in 10 minutes) in the last 8 hours.')
              : k.floods.map((f) => (
                  <Typography key={f.start} variant="body2">
                    {formatTime(f.start)} → {f.end === null ? 'still going' : formatTime(f.end)}: {f.count} alarms, peak {f.peak} in 10 min
                  </Typography>
                ))}
          </Section>
          <Section title={`Chattering: ${k.chattering.length}`} testId="kpi-chattering">
            {k.chattering.length === 0 ? none('No alarm was raised 3 or more times within a minute.') : (
              <List dense>
                {k.chattering.map((a) => (
                  <ListItem key={a.alarmId} disableGutters>
                    <ListItemText primary={`${a.ruleName} · ${a.equipmentId}`} secondary={`${a.maxPerMinute} in one minute, ${a.count} in all`} />
                  </ListItem>
                ))}
              </List>
            )}
          </Section>
          <Section title={`Stale (active over 24 h): ${k.stale.length}`} testId="kpi-stale">
            {k.stale.length === 0 ? none('No alarm has been active for more than 24 hours.') : (
              <List dense>
                {k.stale.map((a) => (
                  <ListItem key={a.alarmId} disableGutters>
                    <ListItemText primary={`${a.ruleName} · ${a.equipmentId}`} secondary={`active for ${formatDuration(a.ageMs)}`} />
                  </ListItem>
                ))}
              </List>
            )}
          </Section>
        </Stack>
      )}
    </Box>
  );
}
