/**
 * The OPC UA part of the Connections view: live status, the trust dialog for a server
 * certificate, the settings form, and the address-space browser that adds items to the form.
 * The draft is filled once from the settings in use; status polls never overwrite it.
 */
import { Paper, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useCall } from '../../../common/useCall';
import { usePlant } from '../../../common/usePlant';
import { OpcuaBrowser } from './OpcuaBrowser';
import { OpcuaForm } from './OpcuaForm';
import { OpcuaStatusCard } from './OpcuaStatusCard';
import { OpcuaTrustDialog } from './OpcuaTrustDialog';
import { draftOfOpcuaSettings, EMPTY_OPCUA_DRAFT, withItem } from './opcuaDraft';

const POLL_MS = 1_000;

export function OpcuaPanel() {
  const plant = usePlant();
  const state = useCall(() => plant.opcua.status(), [plant], POLL_MS);
  const [draft, setDraft] = useState(EMPTY_OPCUA_DRAFT);
  const [reviewing, setReviewing] = useState(false);
  const filled = useRef(false);
  useEffect(() => {
    if (filled.current || state.value === undefined) return;
    filled.current = true;
    setDraft(draftOfOpcuaSettings(state.value.settings));
  }, [state.value]);
  const status = state.value?.status ?? null;
  const picked = useMemo(() => new Set(draft.items.map((item) => String(item.nodeId))), [draft.items]);

  return (
    <>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="opcua-status-title">
        <Typography variant="h6" component="h3" id="opcua-status-title" gutterBottom>
          OPC UA server: status
        </Typography>
        <OpcuaStatusCard state={state.value} error={state.error} onReviewCertificate={() => setReviewing(true)} />
      </Paper>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="opcua-settings-title">
        <Typography variant="h6" component="h3" id="opcua-settings-title" gutterBottom>
          OPC UA server: settings
        </Typography>
        <OpcuaForm draft={draft} onDraft={setDraft} hasSavedPassword={state.value?.settings?.hasPassword === true} configured={status !== null} onSaved={state.reload} />
      </Paper>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="opcua-browse-title">
        <Typography variant="h6" component="h3" id="opcua-browse-title" gutterBottom>
          OPC UA server: address space
        </Typography>
        <OpcuaBrowser connected={status?.state === 'connected'} picked={picked} onAdd={(nodeId) => setDraft((current) => withItem(current, nodeId))} />
      </Paper>
      <OpcuaTrustDialog
        certificate={reviewing ? (status?.untrustedCertificate ?? null) : null}
        onClose={() => {
          setReviewing(false);
          state.reload();
        }}
      />
    </>
  );
}
