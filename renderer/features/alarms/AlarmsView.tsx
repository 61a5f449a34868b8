/** The alarm monitor: active alarms, history, rules and KPIs, as tabs. */
import { Box, Tab, Tabs, Typography } from '@mui/material';
import { isString, useSetting } from '../../app/settings';
import { ActiveAlarms } from './ActiveAlarms';
import { AlarmHistory } from './AlarmHistory';
import { KpiPanel } from './KpiPanel';
import { RuleEditor } from './RuleEditor';

const TABS = [
  { id: 'active', label: 'Active' },
  { id: 'history', label: 'History' },
  { id: 'rules', label: 'Rules' },
  { id: 'kpis', label: 'KPIs' },
] as const;

export function AlarmsView() {
  const [stored, setTab] = useSetting('alarms.tab', 'active', isString);
  const tab = TABS.some((t) => t.id === stored) ? stored : 'active';
  return (
    <Box data-testid="alarms">
      <Typography variant="h5" component="h2" gutterBottom>
        Alarms
      </Typography>
      <Tabs value={tab} onChange={(_e, v: string) => setTab(v)} aria-label="Alarm views" sx={{ mb: 2 }}>
        {TABS.map((t) => (
          <Tab key={t.id} value={t.id} label={t.label} id={`alarms-tab-${t.id}`} aria-controls={t.id === tab ? `alarms-panel-${t.id}` : undefined} data-testid={`alarms-tab-${t.id}`} />
        ))}
      </Tabs>
      <div role="tabpanel" id={`alarms-panel-${tab}`} aria-labelledby={`alarms-tab-${tab}`}>
        {tab === 'active' && <ActiveAlarms />}
        {tab === 'history' && <AlarmHistory />}
        {tab === 'rules' && <RuleEditor />}
        {tab === 'kpis' && <KpiPanel />}
      </div>
    </Box>
  );
}
