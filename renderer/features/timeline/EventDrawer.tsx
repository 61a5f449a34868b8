/** The whole of one event: formatted JSON with a copy button, its correlation trace and its equipment's state then. */
import { originOf } from '../../../shared/events/plantOrigin';
import Close from '@mui/icons-material/Close';
import ContentCopy from '@mui/icons-material/ContentCopy';
import { Box, Button, Divider, Drawer, IconButton, Stack, Typography } from '@mui/material';
import { memo, useState } from 'react';
import type { StoredEvent } from '../../../shared/events/event';
import { useReportError } from '../../common/ErrorsProvider';
import { formatTime } from '../../common/format';
import { equipmentOf } from './causationTree';
import { CorrelationTrace } from './CorrelationTrace';
import { EquipmentAtTime } from './EquipmentAtTime';

// Memoised: the timeline re-renders on every frame of live events, which change nothing here.
export const EventDrawer = memo(function EventDrawer({ event, onClose, onOpen }: { readonly event: StoredEvent | null; readonly onClose: () => void; readonly onOpen: (e: StoredEvent) => void }) {
  const report = useReportError();
  const [copied, setCopied] = useState(false);
  const json = event ? JSON.stringify(event, null, 2) : '';
  const origin = event ? originOf(event) : undefined;
  const copy = () => {
    navigator.clipboard.writeText(json).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      (error: unknown) => report('Copying the event', error),
    );
  };
  const equipmentId = event ? equipmentOf(event) : null;

  return (
    <Drawer anchor="right" open={event !== null} onClose={onClose} slotProps={{ paper: { sx: { width: 560, maxWidth: '100vw', p: 2 }, 'aria-labelledby': 'event-drawer-title' } as object }} data-testid="event-drawer">
      {event && (
        <Stack spacing={2}>
          <Stack sx={{ alignItems: 'center' }} direction="row">
            <Typography id="event-drawer-title" variant="h6" component="h2" sx={{ flex: 1, wordBreak: 'break-all' }}>
              {event.type}
            </Typography>
            <IconButton aria-label="Close the event details" onClick={onClose} data-testid="drawer-close">
              <Close />
            </IconButton>
          </Stack>
          <Typography variant="body2" color="text.secondary">
            #{event.seq} · {formatTime(event.timestamp)} · {event.priority} · {event.status} · from {event.source}
            {origin && <span data-testid="event-origin"> · received from station {origin.station} (plant stream #{origin.streamSeq})</span>}
          </Typography>
          <Box>
            <Button startIcon={<ContentCopy />} onClick={copy} data-testid="copy-json">
              {copied ? 'Copied' : 'Copy JSON'}
            </Button>
            <Box component="pre" data-testid="event-json" tabIndex={0} aria-label="The event as JSON" sx={{ m: 0, p: 1, maxHeight: 320, overflow: 'auto', fontSize: 12, bgcolor: 'action.hover', borderRadius: 1 }}>
              {json}
            </Box>
          </Box>
          <Divider />
          {equipmentId ? <EquipmentAtTime equipmentId={equipmentId} at={event.timestamp} /> : <Typography variant="body2">This event names no equipment.</Typography>}
          <Divider />
          <CorrelationTrace event={event} onOpen={onOpen} />
        </Stack>
      )}
    </Drawer>
  );
});
