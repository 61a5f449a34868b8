/** One dead letter inspected: its error and attempt history, and the event as JSON. */
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TableCell, TableRow, Typography } from '@mui/material';
import type { DeadLetter } from '../../../shared/store/eventStore';
import { formatTime } from '../../common/format';
import { HeadedTable } from '../../common/HeadedTable';

export function DeadLetterDetail({ letter, onClose }: { readonly letter: DeadLetter | null; readonly onClose: () => void }) {
  return (
    <Dialog open={letter !== null} onClose={onClose} aria-labelledby="dead-letter-title" fullWidth maxWidth="md" data-testid="dead-letter-detail">
      {letter && (
        <>
          <DialogTitle id="dead-letter-title">
            {letter.event.type} → {letter.delivery.subscriber}
          </DialogTitle>
          <DialogContent>
            <Typography variant="body2" gutterBottom>
              {letter.delivery.attempts} attempts · dead-lettered {formatTime(letter.delivery.deadLetteredAt)} · last error: {letter.delivery.lastError ?? '—'}
            </Typography>
            <HeadedTable label="Attempts" columns={['Attempt', 'At', 'Error']}>
              {letter.delivery.errors.map((e) => (
                <TableRow key={`${e.attempt}-${e.at}`} data-testid="attempt-row">
                  <TableCell>{e.attempt}</TableCell>
                  <TableCell>{formatTime(e.at)}</TableCell>
                  <TableCell>{e.message}</TableCell>
                </TableRow>
              ))}
            </HeadedTable>
            <Box component="pre" tabIndex={0} aria-label="The event as JSON" sx={{ mt: 2, p: 1, fontSize: 12, maxHeight: 300, overflow: 'auto', bgcolor: 'action.hover', borderRadius: 1 }}>
              {JSON.stringify(letter.event, null, 2)}
            </Box>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Close</Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}
