/** Every event sharing the selected event's correlation id, as its causation tree, and the chain of causes above it. */
import { Alert, Box, Button, LinearProgress, Link, Typography } from '@mui/material';
import type { StoredEvent } from '../../../shared/events/event';
import type { EventPage } from '../../../shared/store/eventStore';
import { formatTime } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import { buildCausationTree, causeChain, type CausationNode } from './causationTree';

const TRACE_LIMIT = 1_000;

function Node({ node, selectedId, onOpen }: { readonly node: CausationNode; readonly selectedId: string; readonly onOpen: (e: StoredEvent) => void }) {
  return (
    <li>
      <Link component="button" type="button" onClick={() => onOpen(node.event)} sx={{ fontWeight: node.event.id === selectedId ? 700 : 400, textAlign: 'left' }} data-testid="trace-node">
        {node.event.type}
      </Link>{' '}
      <Typography component="span" variant="caption" color="text.secondary">
        #{node.event.seq} · {formatTime(node.event.timestamp)}
      </Typography>
      {node.children.length > 0 && (
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {node.children.map((child) => (
            <Node key={child.event.id} node={child} selectedId={selectedId} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function CorrelationTrace({ event, onOpen }: { readonly event: StoredEvent; readonly onOpen: (e: StoredEvent) => void }) {
  const plant = usePlant();
  const correlationId = event.correlationId;
  const trace = useCall(
    async (): Promise<EventPage> => (correlationId ? plant.events.query({ correlationId, order: 'asc', limit: TRACE_LIMIT }) : { events: [] }),
    [plant, correlationId],
  );
  const causes = useCall(() => causeChain(event, (id) => plant.events.get(id)), [plant, event.id]);

  return (
    <Box data-testid="correlation-trace">
      <Typography variant="subtitle2" component="h3">
        Caused by
      </Typography>
      {causes.loading && <LinearProgress aria-label="Reading the causes" />}
      {causes.error && <Alert severity="error">{causes.error}</Alert>}
      {causes.value && causes.value.length === 0 && <Typography variant="body2">Nothing recorded: this event has no causation id, or its cause is not stored.</Typography>}
      {causes.value && causes.value.length > 0 && (
        <ol style={{ margin: 0, paddingLeft: 18 }} data-testid="cause-chain">
          {causes.value.map((c) => (
            <li key={c.id}>
              <Link component="button" type="button" onClick={() => onOpen(c)}>
                {c.type}
              </Link>{' '}
              <Typography component="span" variant="caption" color="text.secondary">
                #{c.seq}
              </Typography>
            </li>
          ))}
        </ol>
      )}
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
        Correlation trace
      </Typography>
      {!correlationId && <Typography variant="body2">This event has no correlation id.</Typography>}
      {trace.loading && correlationId && <LinearProgress aria-label="Reading the correlation trace" />}
      {trace.error && (
        <Alert severity="error" action={<Button onClick={trace.reload}>Retry</Button>}>
          {trace.error}
        </Alert>
      )}
      {correlationId && trace.value && (
        <>
          <Typography variant="caption" color="text.secondary">
            {trace.value.events.length}
            {trace.value.nextCursor ? '+' : ''} events share {correlationId}
          </Typography>
          <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="causation-tree">
            {buildCausationTree(trace.value.events).map((node) => (
              <Node key={node.event.id} node={node} selectedId={event.id} onOpen={onOpen} />
            ))}
          </ul>
        </>
      )}
    </Box>
  );
}
