/** The foot of a dialog that asks before doing something: Cancel, and the action's own button (disabled until it may run). */
import { Button, DialogActions } from '@mui/material';
import type { ReactNode } from 'react';

export interface CancelConfirmActionsProps {
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
  readonly disabled: boolean;
  readonly confirmTestId: string;
  /** Red for an action that removes something. */
  readonly color?: 'primary' | 'error';
  /** The action's name on its button. */
  readonly children: ReactNode;
}

export function CancelConfirmActions({ onCancel, onConfirm, disabled, confirmTestId, color, children }: CancelConfirmActionsProps) {
  return (
    <DialogActions>
      <Button onClick={onCancel}>Cancel</Button>
      <Button color={color} variant="contained" disabled={disabled} onClick={onConfirm} data-testid={confirmTestId}>
        {children}
      </Button>
    </DialogActions>
  );
}
