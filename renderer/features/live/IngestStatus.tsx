/**
 * The app bar's view of each ingest connection: the MQTT connection's state (kept fresh by
 * `ingest.connection.changed` events) and the simulator's. A failed status call shows as a
 * chip with the reason, never hidden. Clicking a chip opens its view (Connections, Simulator).
 */
import { Stack, Tooltip } from '@mui/material';
import { StatusChip } from '../../common/StatusChip';
import { useEffect, useState } from 'react';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { MqttState } from '../../../shared/api/contractOps';
import type { SimulatorStatus } from '../../../shared/api/statusTypes';
import type { OpcuaState } from '../../../shared/api/opcuaTypes';
import { errorMessage } from '../../common/format';

const POLL_MS = 5000;
const MQTT_COLOR = { connected: 'success', connecting: 'info', disconnected: 'warning', error: 'error' } as const;

type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string } | null;

function settle<T>(promise: Promise<T>): Promise<Loaded<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, message: errorMessage(error) }),
  );
}

export function IngestStatus({ plant, onOpen }: { readonly plant: PlantApi; readonly onOpen?: (view: 'connections' | 'simulator') => void }) {
  const openMqtt = onOpen && (() => onOpen('connections'));
  const openSim = onOpen && (() => onOpen('simulator'));
  const [mqtt, setMqtt] = useState<Loaded<MqttState>>(null);
  const [sim, setSim] = useState<Loaded<SimulatorStatus | null>>(null);
  const [opcua, setOpcua] = useState<Loaded<OpcuaState>>(null);

  useEffect(() => {
    let active = true;
    const poll = () => {
      void settle(plant.mqtt.status()).then((r) => active && setMqtt(r));
      void settle(plant.simulator.status()).then((r) => active && setSim(r));
      void settle(plant.opcua.status()).then((r) => active && setOpcua(r));
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    const unsubscribe = plant.events.subscribe('ingest.connection.changed', () => poll(), { onError: () => undefined });
    return () => {
      active = false;
      clearInterval(timer);
      unsubscribe();
    };
  }, [plant]);

  return (
    <Stack direction="row" spacing={1} data-testid="ingest-status">
      {mqtt && !mqtt.ok && (
        <Tooltip title={mqtt.message}>
          <StatusChip tone="error" label="MQTT: status unavailable" data-testid="ingest-mqtt" data-state="unavailable" onClick={openMqtt} />
        </Tooltip>
      )}
      {mqtt?.ok && (
        <Tooltip title={mqtt.value.status?.reason ?? mqtt.value.status?.broker ?? 'No broker configured'}>
          <StatusChip
            tone={mqtt.value.status ? MQTT_COLOR[mqtt.value.status.state] : 'default'}
            label={mqtt.value.status ? `MQTT ${mqtt.value.status.name}: ${mqtt.value.status.state}` : 'MQTT: not configured'}
            data-testid="ingest-mqtt"
            data-state={mqtt.value.status?.state ?? 'off'}
            onClick={openMqtt}
          />
        </Tooltip>
      )}
      {opcua?.ok && opcua.value.status && (
        <Tooltip title={opcua.value.status.reason ?? opcua.value.status.endpointUrl}>
          <StatusChip
            tone={MQTT_COLOR[opcua.value.status.state]}
            label={`OPC UA ${opcua.value.status.name}: ${opcua.value.status.state}${opcua.value.metrics?.rejected ? `, ${opcua.value.metrics.rejected} rejected` : ''}`}
            data-testid="ingest-opcua"
            data-state={opcua.value.status.state}
            onClick={openMqtt}
          />
        </Tooltip>
      )}
      {sim && !sim.ok && (
        <Tooltip title={sim.message}>
          <StatusChip tone="error" label="Simulator: status unavailable" data-testid="ingest-simulator" data-state="unavailable" onClick={openSim} />
        </Tooltip>
      )}
      {sim?.ok && (
        <StatusChip
          tone={sim.value?.running && !sim.value.paused ? 'success' : 'default'}
          label={!sim.value || !sim.value.enabled ? 'Simulator: off' : sim.value.paused ? 'Simulator: paused' : `Simulator: ${sim.value.rate} ev/s`}
          data-testid="ingest-simulator"
          onClick={openSim}
          data-state={!sim.value || !sim.value.enabled ? 'off' : sim.value.paused ? 'paused' : 'running'}
        />
      )}
    </Stack>
  );
}
