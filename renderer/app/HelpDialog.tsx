/** The list of keyboard shortcuts (`?`). */
import { Dialog, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Button, DialogActions } from '@mui/material';
import { SHORTCUTS } from './shortcuts';

const keyLabel = (key: string) => (key === ' ' ? 'Space' : key === 'Escape' ? 'Esc' : key);

export function HelpDialog({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="help-title" data-testid="help-dialog" maxWidth="sm" fullWidth>
      <DialogTitle id="help-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <Table size="small" aria-label="Keyboard shortcuts">
          <TableHead>
            <TableRow>
              <TableCell>Keys</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Where</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
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
          </TableBody>
        </Table>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
