/** The list of keyboard shortcuts (`?`). */
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TableCell, TableRow } from '@mui/material';
import { HeadedTable } from '../common/HeadedTable';
import { SHORTCUTS } from './shortcuts';

const keyLabel = (key: string) => (key === ' ' ? 'Space' : key === 'Escape' ? 'Esc' : key);

export function HelpDialog({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="help-title" data-testid="help-dialog" maxWidth="sm" fullWidth>
      <DialogTitle id="help-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <HeadedTable label="Keyboard shortcuts" columns={['Keys', 'Action', 'Where']}>
          {SHORTCUTS.map((s) => (
            <TableRow key={s.action}>
              <TableCell>
                {s.keys.map((k) => (
                  <kbd key={k} style={{ marginRight: 4 }}>
                    {keyLabel(k)}
                  </kbd>
                ))}
              </TableCell>
              <TableCell>{s.description}</TableCell>
              <TableCell>{s.view ?? 'Anywhere'}</TableCell>
            </TableRow>
          ))}
        </HeadedTable>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
