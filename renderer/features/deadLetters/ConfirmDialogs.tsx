/** Redrive (after a dry-run count) and discard (with a reason): each asks before it acts. */
import { Alert, Dialog, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { CancelConfirmActions } from '../../common/CancelConfirmActions';

export interface RedriveConfirmProps {
  readonly plan: { readonly count: number; readonly subscribers: string[]; readonly gone: number } | null;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
}

export function RedriveConfirm({ plan, busy, onCancel, onConfirm }: RedriveConfirmProps) {
  return (
    <Dialog open={plan !== null} onClose={onCancel} aria-labelledby="redrive-title" data-testid="redrive-dialog">
      <DialogTitle id="redrive-title">Redrive dead letters?</DialogTitle>
      <DialogContent>
        {plan && (
          <DialogContentText data-testid="redrive-count" data-count={plan.count}>
            Dry run: {plan.count} dead letter{plan.count === 1 ? '' : 's'} will be delivered again to {plan.subscribers.join(', ') || 'no subscriber'}.
            {plan.gone > 0 ? ` ${plan.gone} of the selected are no longer dead letters and will be left out.` : ''}
          </DialogContentText>
        )}
      </DialogContent>
      <CancelConfirmActions onCancel={onCancel} onConfirm={onConfirm} disabled={busy || !plan || plan.count === 0} confirmTestId="redrive-confirm">
        Redrive {plan?.count ?? 0}
      </CancelConfirmActions>
    </Dialog>
  );
}

export function DiscardDialog({ count, busy, error, onCancel, onConfirm }: { readonly count: number; readonly busy: boolean; readonly error: string | null; readonly onCancel: () => void; readonly onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Dialog open onClose={onCancel} aria-labelledby="discard-title" data-testid="discard-dialog" fullWidth maxWidth="sm">
      <DialogTitle id="discard-title">
        Discard {count} dead letter{count === 1 ? '' : 's'}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>They leave the queue; the record and your reason are kept.</DialogContentText>
        <TextField autoFocus fullWidth required label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ mt: 2 }} slotProps={{ htmlInput: { maxLength: 500, 'data-testid': 'discard-reason' } }} />
        {error && <Alert severity="error" sx={{ mt: 1 }}>{error}</Alert>}
      </DialogContent>
      <CancelConfirmActions color="error" onCancel={onCancel} onConfirm={() => onConfirm(reason.trim())} disabled={busy || !reason.trim()} confirmTestId="discard-confirm">
        Discard
      </CancelConfirmActions>
    </Dialog>
  );
}
