/**
 * The Connections view: the MQTT connection's live status and last error, and its settings
 * form. The form's draft is filled once from the settings in use when the view opens; the
 * status keeps refreshing underneath without touching what is being typed.
 */
import { Paper, Stack, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { DEFAULT_INGEST_MAPPING } from '../../../shared/ingest/defaultMapping';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import { MqttForm } from './MqttForm';
import { MqttStatusCard } from './MqttStatusCard';
import { PlantLinkPanel } from './PlantLinkPanel';
import { draftOfSettings, EMPTY_MQTT_DRAFT } from './mqttDraft';
import { OpcuaPanel } from './opcua/OpcuaPanel';
import { SparkplugCard } from './sparkplug/SparkplugCard';

const POLL_MS = 1_000;

export function ConnectionsView() {
  const plant = usePlant();
  const status = useCall(() => plant.mqtt.status(), [plant], POLL_MS);
  const [draft, setDraft] = useState(EMPTY_MQTT_DRAFT);
  const filled = useRef(false);
  useEffect(() => {
    if (filled.current || status.value === undefined) return;
    filled.current = true;
    setDraft(draftOfSettings(status.value.settings, DEFAULT_INGEST_MAPPING));
  }, [status.value]);
  const settings = status.value?.settings ?? null;

  return (
    <Stack spacing={2} data-testid="connections" sx={{ pb: 4 }}>
      <Typography variant="h5" component="h2">
        Connections
      </Typography>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="mqtt-status-title">
        <Typography variant="h6" component="h3" id="mqtt-status-title" gutterBottom>
          MQTT broker: status
        </Typography>
        <MqttStatusCard state={status.value} error={status.error} />
      </Paper>
      <PlantLinkPanel />
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="mqtt-settings-title">
        <Typography variant="h6" component="h3" id="mqtt-settings-title" gutterBottom>
          MQTT broker: settings
        </Typography>
        <MqttForm draft={draft} onDraft={setDraft} hasSavedPassword={settings?.hasPassword === true} configured={status.value?.status != null} onSaved={status.reload} />
      </Paper>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="sparkplug-settings-title">
        <Typography variant="h6" component="h3" id="sparkplug-settings-title" gutterBottom>
          Sparkplug B (on the MQTT connection)
        </Typography>
        <SparkplugCard draft={draft} onDraft={setDraft} hasSavedPassword={settings?.hasPassword === true} onSaved={status.reload} />
      </Paper>
      <OpcuaPanel />
    </Stack>
  );
}
