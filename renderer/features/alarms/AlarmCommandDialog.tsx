/** The dialog behind each alarm command: acknowledge (note), shelve (reason and duration), suppress (reason). */
import { Alert, Dialog, DialogContent, DialogTitle, MenuItem, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { CancelConfirmActions } from '../../common/CancelConfirmActions';

export type CommandKind = 'acknowledge' | 'shelve' | 'suppress';

export interface CommandInput {
  readonly text: string;
  readonly durationMs: number;
}

const DURATIONS = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '4 hours', ms: 4 * 60 * 60_000 },
  { label: '8 hours', ms: 8 * 60 * 60_000 },
];

const TITLE: Record<CommandKind, string> = { acknowledge: 'Acknowledge', shelve: 'Shelve', suppress: 'Suppress' };

export interface AlarmCommandDialogProps {
  readonly kind: CommandKind | null;
  readonly count: number;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onCancel: () => void;
  readonly onConfirm: (input: CommandInput) => void;
}

export function AlarmCommandDialog({ kind, count, busy, error, onCancel, onConfirm }: AlarmCommandDialogProps) {
  const [text, setText] = useState('');
  const [durationMs, setDurationMs] = useState(DURATIONS[1]?.ms ?? 3_600_000);
  const needsText = kind === 'shelve';
  const canConfirm = !busy && !(needsText && !text.trim());
  const confirm = () => canConfirm && onConfirm({ text: text.trim(), durationMs });
  return (
    <Dialog open={kind !== null} onClose={onCancel} aria-labelledby="alarm-command-title" data-testid="alarm-command-dialog" fullWidth maxWidth="sm">
      <DialogTitle id="alarm-command-title">
        {kind ? TITLE[kind] : ''} {count} alarm{count === 1 ? '' : 's'}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField
            autoFocus
            label={kind === 'acknowledge' ? 'Note (optional)' : 'Reason'}
            required={needsText}
            value={text}
            onChange={(e) => setText(e.target.value)}
            // Enter confirms, as in any dialog; Shift+Enter is how a note gets a second line.
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
              e.preventDefault();
              confirm();
            }}
            multiline
            minRows={2}
            slotProps={{ htmlInput: { maxLength: kind === 'shelve' ? 500 : 2000, 'data-testid': 'alarm-command-text' } }}
          />
          {kind === 'shelve' && (
            <TextField select label="Shelve for" value={durationMs} onChange={(e) => setDurationMs(Number(e.target.value))} slotProps={{ htmlInput: { 'data-testid': 'shelve-duration' } }}>
              {DURATIONS.map((d) => (
                <MenuItem key={d.ms} value={d.ms}>
                  {d.label}
                </MenuItem>
              ))}
            </TextField>
          )}
          {error && (
            <Alert severity="error" data-testid="alarm-command-error">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <CancelConfirmActions onCancel={onCancel} onConfirm={confirm} disabled={!canConfirm} confirmTestId="alarm-command-confirm">
        {kind ? TITLE[kind] : ''}
      </CancelConfirmActions>
    </Dialog>
  );
}
