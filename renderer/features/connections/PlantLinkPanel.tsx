/**
 * The plant-link part of the Connections view: the link's live state (when one runs) and its
 * settings form. The draft is filled once from the saved settings; the polls never overwrite
 * what is being typed.
 */
import { Paper, Typography } from '@mui/material';
import { useCall } from '../../common/useCall';
import { useFilledDraft } from '../../common/useFilledDraft';
import { usePlant } from '../../common/usePlant';
import { PlantLinkCard } from './PlantLinkCard';
import { PlantLinkForm } from './PlantLinkForm';
import { draftOfPlantSettings, EMPTY_PLANT_LINK_DRAFT } from './plantLinkDraft';

const POLL_MS = 1_000;

export function PlantLinkPanel() {
  const plant = usePlant();
  const view = useCall(() => plant.plantLink.status(), [plant], POLL_MS);
  const [draft, setDraft] = useFilledDraft(view.value, EMPTY_PLANT_LINK_DRAFT, (value) => draftOfPlantSettings(value.saved));
  const status = view.value?.status ?? null;

  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="plant-link-title">
      <Typography variant="h6" component="h3" id="plant-link-title" gutterBottom>
        Plant link (NATS JetStream)
      </Typography>
      {status ? (
        <PlantLinkCard status={status} />
      ) : (
        <Typography variant="body2" color="text.secondary" data-testid="plant-link-off">
          {view.value?.review ? 'Off in review mode.' : 'Off: this station runs on its own. Give the plant’s NATS servers and this station’s name to share events and alarms with the other stations.'}
        </Typography>
      )}
      {view.error && <Typography color="error">{view.error}</Typography>}
      {view.value?.source === 'command-line' && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Settings of this run: from the command line.
        </Typography>
      )}
      <Typography variant="subtitle1" component="h4" sx={{ mt: 2, mb: 1 }}>
        Settings (kept in settings.json)
      </Typography>
      <PlantLinkForm draft={draft} onDraft={setDraft} saved={view.value?.saved ?? null} overridden={view.value?.source === 'command-line'} onSaved={view.reload} />
    </Paper>
  );
}
