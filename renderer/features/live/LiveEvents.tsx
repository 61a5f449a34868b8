/** The live list of the newest events, with an empty state that says how events arrive. */
import { Alert, Chip, List, ListItem, ListItemText, Paper, Typography } from '@mui/material';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { StoredEvent } from '../../../shared/events/event';
import { useLiveEvents } from './useLiveEvents';

const PRIORITY_COLOR = { LOW: 'default', NORMAL: 'primary', HIGH: 'warning', CRITICAL: 'error' } as const;

function EventRow({ event }: { readonly event: StoredEvent }) {
  const time = new Date(event.timestamp).toLocaleString();
  return (
    <ListItem divider data-testid="event-row" data-event-id={event.id}>
      <Chip size="small" label={event.priority} color={PRIORITY_COLOR[event.priority]} sx={{ mr: 2, minWidth: 84 }} />
      <ListItemText primary={event.type} secondary={`#${event.seq} · ${time} · from ${event.source}`} />
    </ListItem>
  );
}

export function LiveEvents({ plant }: { readonly plant: PlantApi }) {
  const { events, loading, error, dropped } = useLiveEvents(plant);
  return (
    <Paper variant="outlined">
      <Typography variant="h6" component="h2" sx={{ px: 2, pt: 2 }}>
        Latest events
      </Typography>
      {error && (
        <Alert severity="error" sx={{ m: 2 }} data-testid="live-error">
          {error}
        </Alert>
      )}
      {dropped > 0 && (
        <Alert severity="warning" sx={{ m: 2 }}>
          {dropped} events arrived faster than this window could show; reload to see the latest.
        </Alert>
      )}
      {!loading && !error && events.length === 0 ? (
        <Typography sx={{ p: 2 }} color="text.secondary" data-testid="empty-state">
          No events stored yet. Events appear here the moment a producer publishes one. To try it,
          publish one from this page&apos;s developer console:{' '}
          <code>{"await window.plant.events.publish({ type: 'operator.note.added', payload: { text: 'hello' } })"}</code>
        </Typography>
      ) : (
        <List dense data-testid="event-list" aria-busy={loading}>
          {events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </List>
      )}
    </Paper>
  );
}
