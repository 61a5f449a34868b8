/**
 * The OPC UA settings form: endpoint, security, credentials (the password write-only),
 * timing, the naming template, and the monitored items picked in the browser below (each
 * with a Remove button). "Save and connect" sends it to main, which checks every field.
 */
import { Alert, Box, Button, IconButton, List, ListItem, ListItemText, MenuItem, Stack, TextField, Typography } from '@mui/material';
import Close from '@mui/icons-material/Close';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../common/format';
import { usePlant } from '../../../common/usePlant';
import { Text } from '../SettingsText';
import { settingsOfOpcuaDraft, withoutItem, type OpcuaDraft } from './opcuaDraft';

export interface OpcuaFormProps {
  readonly draft: OpcuaDraft;
  readonly onDraft: (draft: OpcuaDraft) => void;
  readonly hasSavedPassword: boolean;
  readonly configured: boolean;
  readonly onSaved: () => void;
}

export function OpcuaForm({ draft, onDraft, hasSavedPassword, configured, onSaved }: OpcuaFormProps) {
  const plant = usePlant();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<{ readonly ok: boolean; readonly message: string } | null>(null);
  const field = (key: keyof OpcuaDraft) => (value: string) => onDraft({ ...draft, [key]: value });

  const act = async (kind: 'save' | 'disconnect') => {
    const prepared = settingsOfOpcuaDraft(draft, hasSavedPassword);
    if (kind === 'save' && !prepared.ok) return setShown({ ok: false, message: prepared.problem });
    setBusy(true);
    setShown(null);
    try {
      if (kind === 'disconnect') await plant.opcua.disconnect();
      else if (prepared.ok) {
        await plant.opcua.configure(prepared.settings, prepared.options);
        onDraft({ ...draft, password: '' });
        setShown({ ok: true, message: 'Saved; the console connects with these settings (the status above follows it).' });
      }
      onSaved();
    } catch (error) {
      setShown({ ok: false, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act('save');
  };

  return (
    <Box component="form" onSubmit={submit} aria-label="OPC UA connection settings" data-testid="opcua-form">
      <Stack spacing={2}>
        <Text label="Endpoint URL" value={draft.endpointUrl} onChange={field('endpointUrl')} testId="opcua-endpoint" help="opc.tcp://host:4840/path" />
        <Stack direction="row" spacing={2}>
          <TextField
            select
            size="small"
            label="Security mode"
            value={draft.securityMode}
            onChange={(e) => onDraft({ ...draft, securityMode: e.target.value as OpcuaDraft['securityMode'] })}
            sx={{ minWidth: 220 }}
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'opcua-security-mode' } as object } }}
          >
            <MenuItem value="None">None</MenuItem>
            <MenuItem value="Sign">Sign (Basic256Sha256)</MenuItem>
            <MenuItem value="SignAndEncrypt">Sign and encrypt (Basic256Sha256)</MenuItem>
          </TextField>
          <Text label="User name (empty: anonymous)" value={draft.username} onChange={field('username')} testId="opcua-username" />
          <Text
            label={hasSavedPassword ? 'New password (a password is set)' : 'Password'}
            value={draft.password}
            onChange={field('password')}
            testId="opcua-password"
            type="password"
            help={hasSavedPassword ? 'Leave empty to keep the saved password.' : undefined}
          />
        </Stack>
        <Stack direction="row" spacing={2}>
          <Text label="Publishing interval (ms)" value={draft.publishingIntervalMs} onChange={field('publishingIntervalMs')} testId="opcua-publishing" help="Empty: 500" />
          <Text label="Sampling interval (ms)" value={draft.samplingIntervalMs} onChange={field('samplingIntervalMs')} testId="opcua-sampling" help="Empty: 250" />
          <Text label="Naming template" value={draft.naming} onChange={field('naming')} testId="opcua-naming" help="Empty: {equipment}.{reading}, read from the node id" />
        </Stack>
        <Typography variant="subtitle2" component="p">
          Monitored items ({draft.items.length}): pick them in the address space below
        </Typography>
        <List dense data-testid="opcua-items" sx={{ maxHeight: 240, overflow: 'auto' }}>
          {draft.items.slice(0, 500).map((item) => (
            <ListItem
              key={String(item.nodeId)}
              data-testid="opcua-item"
              secondaryAction={
                <IconButton edge="end" aria-label={`Remove ${String(item.nodeId)}`} onClick={() => onDraft(withoutItem(draft, String(item.nodeId)))}>
                  <Close />
                </IconButton>
              }
            >
              <ListItemText primary={String(item.nodeId)} />
            </ListItem>
          ))}
          {draft.items.length > 500 && <ListItem>…and {draft.items.length - 500} more</ListItem>}
        </List>
      </Stack>
      <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
        <Button type="submit" variant="contained" disabled={busy || draft.endpointUrl.trim() === ''} data-testid="opcua-save">
          Save and connect
        </Button>
        <Button color="warning" disabled={busy || !configured} onClick={() => void act('disconnect')} data-testid="opcua-disconnect">
          Disconnect
        </Button>
      </Stack>
      {busy && <Typography variant="body2" sx={{ mt: 1 }} role="status">Working…</Typography>}
      {shown && (
        <Alert severity={shown.ok ? 'success' : 'error'} sx={{ mt: 1 }} data-testid={shown.ok ? 'opcua-saved' : 'opcua-form-error'}>
          {shown.message}
        </Alert>
      )}
    </Box>
  );
}
