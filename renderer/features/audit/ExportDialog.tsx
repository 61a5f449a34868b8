/** The export form in a dialog, for other views (the timeline's "Export this view…") with their filters fixed. */
import { Button, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { ExportForm } from './ExportForm';
import type { RequestFilters } from './exportRequest';
import { useAuditJob } from './useAuditJob';

export interface ExportDialogProps {
  readonly title: string;
  readonly filters: RequestFilters;
  readonly notApplied?: readonly string[];
  readonly onClose: () => void;
}

export function ExportDialog({ title, filters, notApplied, onClose }: ExportDialogProps) {
  const control = useAuditJob();
  // Closing while an export runs would hide its progress and Cancel: wait or cancel first.
  const close = () => control.mine === null && onClose();
  return (
    <Dialog open onClose={close} aria-labelledby="export-dialog-title" fullWidth maxWidth="md" data-testid="export-dialog">
      <DialogTitle id="export-dialog-title">{title}</DialogTitle>
      <DialogContent>
        <ExportForm control={control} filters={filters} {...(notApplied ? { notApplied } : {})} />
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={control.mine !== null} data-testid="export-dialog-close">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
