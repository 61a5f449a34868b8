/** The app bar's sign that this console only reads its history (review mode: `--review`, or a folder made by the audit import). */
import { Tooltip } from '@mui/material';
import type { PlantApi } from '../../../shared/api/plantApi';
import { StatusChip } from '../../common/StatusChip';
import { useCall } from '../../common/useCall';

export function ReviewModeChip({ plant }: { readonly plant: PlantApi }) {
  // The mode is fixed for the run: asked once.
  const metrics = useCall(() => plant.metrics.get(), [plant]);
  if (metrics.value?.review !== true) return null;
  return (
    <Tooltip title="Nothing is ingested, no alarm rule fires and nothing is written: this console shows a stored history as it is.">
      <StatusChip tone="warning" label="Review mode — history is read only" data-testid="review-mode" />
    </Tooltip>
  );
}
