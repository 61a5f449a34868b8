/** The frame around every view: the app bar, the navigation and the view the operator chose. */
import HelpOutline from '@mui/icons-material/HelpOutlined';
import DarkMode from '@mui/icons-material/DarkMode';
import LightMode from '@mui/icons-material/LightMode';
import SettingsBrightness from '@mui/icons-material/SettingsBrightness';
import { AppBar, Box, IconButton, List, ListItemButton, ListItemText, Stack, Toolbar, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { WsTransport } from '../bridge/wsBridge';
import { usePlant } from '../common/usePlant';
import { AppBarAlarmCounts, NavAlarmCounts } from '../features/alarms/AlarmCounts';
import { FloodBanner } from '../features/alarms/FloodBanner';
import { StoreRecoveredBanner } from '../features/alarms/StoreRecoveredBanner';
import { IngestStatus } from '../features/live/IngestStatus';
import { ReviewModeChip } from '../features/live/ReviewModeChip';
import { PlantLinkChip } from '../features/live/PlantLinkChip';
import { StoreStatus } from '../features/live/StoreStatus';
import { Clock } from './Clock';
import { HelpDialog } from './HelpDialog';
import { isString, useSetting } from './settings';
import { useShortcut } from './ShortcutsProvider';
import { nextTheme, type ThemeChoice } from './theme';
import { ViewOutlet } from './ViewOutlet';
import { VIEWS, isViewId } from './views';

const NAV_WIDTH = 180;
const THEME_ICON = { system: SettingsBrightness, light: LightMode, dark: DarkMode } as const;

export interface ShellProps {
  readonly transport: WsTransport | null;
  readonly themeChoice: ThemeChoice;
  readonly onThemeChoice: (choice: ThemeChoice) => void;
  readonly mode: 'light' | 'dark';
}

export function Shell({ transport, themeChoice, onThemeChoice, mode }: ShellProps) {
  const plant = usePlant();
  const [view, setView] = useSetting('ui.view', 'timeline', isViewId);
  const [plantName] = useSetting('plant.name', 'Plant Event Console', isString);
  const [help, setHelp] = useState(false);
  for (const v of VIEWS) useShortcut(`go.${v.id}`, () => setView(v.id));
  useShortcut('help', () => setHelp((open) => !open));
  useShortcut('theme', () => onThemeChoice(nextTheme(themeChoice)));
  const ThemeIcon = THEME_ICON[themeChoice];

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100vh' }} data-theme-mode={mode} data-testid="shell">
      <AppBar position="static" enableColorOnDark>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1 }} data-testid="plant-name">
            {plantName}
          </Typography>
          <ReviewModeChip plant={plant} />
          <AppBarAlarmCounts onOpen={() => setView('alarms')} />
          <Clock />
          <StoreStatus plant={plant} transport={transport} />
          <IngestStatus plant={plant} onOpen={setView} />
          <PlantLinkChip plant={plant} onOpen={() => setView('connections')} />
          <Tooltip title={`Theme: ${themeChoice} (t)`}>
            <IconButton color="inherit" aria-label={`Theme: ${themeChoice}. Switch theme`} onClick={() => onThemeChoice(nextTheme(themeChoice))} data-testid="theme-toggle">
              <ThemeIcon />
            </IconButton>
          </Tooltip>
          <Tooltip title="Keyboard shortcuts (?)">
            <IconButton color="inherit" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)} data-testid="help-button">
              <HelpOutline />
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <StoreRecoveredBanner />
      <FloodBanner />
      <Stack direction="row" sx={{ flex: 1, minHeight: 0 }}>
        <Box component="nav" aria-label="Views" sx={{ width: NAV_WIDTH, flexShrink: 0, borderRight: 1, borderColor: 'divider' }}>
          <List dense component="div">
            {VIEWS.map((v) => (
              <ListItemButton key={v.id} selected={view === v.id} aria-current={view === v.id ? 'page' : undefined} onClick={() => setView(v.id)} data-testid={`nav-${v.id}`}>
                <ListItemText primary={v.label} secondary={`key ${v.key}`} />
                {v.id === 'alarms' && <NavAlarmCounts />}
              </ListItemButton>
            ))}
          </List>
        </Box>
        <Box component="main" sx={{ flex: 1, minWidth: 0, overflow: 'auto', p: 2 }} data-testid={`view-${view}`}>
          <ViewOutlet view={view} />
        </Box>
      </Stack>
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </Box>
  );
}
