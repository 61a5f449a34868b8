/**
 * The plant link's settings form. What is typed stays a draft until the operator saves it;
 * main checks every field, names the one at fault, keeps the settings in settings.json and
 * reconnects the link. Password and token are write-only: the form says whether one is set.
 */
import { Alert, Box, Button, Stack, Typography } from '@mui/material';
import type { FormEvent } from 'react';
import type { PlantLinkPublicSettings } from '../../../shared/api/contractPlantLink';
import { useFormAction } from '../../common/useFormAction';
import { usePlant } from '../../common/usePlant';
import { plantSettingsOfDraft, type PlantLinkDraft } from './plantLinkDraft';
import { Text } from './SettingsText';

export interface PlantLinkFormProps {
  readonly draft: PlantLinkDraft;
  readonly onDraft: (draft: PlantLinkDraft) => void;
  readonly saved: PlantLinkPublicSettings | null;
  /** The command line's settings run this time: saving keeps the new ones for the next run. */
  readonly overridden: boolean;
  readonly onSaved: () => void;
}

export function PlantLinkForm({ draft, onDraft, saved, overridden, onSaved }: PlantLinkFormProps) {
  const plant = usePlant();
  const { busy, outcome, run } = useFormAction<string>();
  const field = (key: keyof PlantLinkDraft) => (value: string) => onDraft({ ...draft, [key]: value });
  const saveNote = overridden ? 'Saved for the next run without --plant.' : 'Saved; the station links with these settings (the status above follows it).';
  const forgetNote = overridden ? 'The saved settings are forgotten; the command line’s link runs on until the console stops.' : 'The saved settings are forgotten and the link is off.';

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { settings, options } = plantSettingsOfDraft(draft, saved);
      await plant.plantLink.configure(settings, options);
      onDraft({ ...draft, password: '', token: '' });
      onSaved();
      return saveNote;
    });
  };
  const forget = () =>
    void run(async () => {
      await plant.plantLink.disconnect();
      onSaved();
      return forgetNote;
    });

  return (
    <Box component="form" onSubmit={save} aria-label="Plant link settings" data-testid="plant-link-form">
      <Stack spacing={2}>
        {overridden && (
          <Alert severity="info" data-testid="plant-link-overridden">
            This run uses the plant link given on the command line (--plant …), which overrides the settings below; what is saved here applies when the console starts without those options.
          </Alert>
        )}
        <Text label="NATS servers" value={draft.servers} onChange={field('servers')} testId="plant-link-servers" required help="nats://host:4222 or tls://host:4222; several servers of a cluster separated by commas" />
        <Stack direction="row" spacing={2}>
          <Text label="Station name" value={draft.station} onChange={field('station')} testId="plant-link-station" required help='Letters, digits, "-" or "_"; unique in the plant' />
          <Text label="Stream" value={draft.stream} onChange={field('stream')} testId="plant-link-stream" help="Empty: PLANT" />
        </Stack>
        <Typography variant="subtitle2" component="p">
          Signing in (one way at most): a user and password, a token, or an NKey seed file
        </Typography>
        <Stack direction="row" spacing={2}>
          <Text label="User name" value={draft.user} onChange={field('user')} testId="plant-link-user" />
          <Secret what="password" set={saved?.hasPassword === true} value={draft.password} onChange={field('password')} />
          <Secret what="token" set={saved?.hasToken === true} value={draft.token} onChange={field('token')} />
        </Stack>
        <Text label="NKey seed file" value={draft.nkeySeedFile} onChange={field('nkeySeedFile')} testId="plant-link-nkey" help="Absolute path of a file holding the seed (SU…), read when connecting" />
        <Typography variant="subtitle2" component="p">
          TLS: PEM files on the machine that runs the console
        </Typography>
        <Stack direction="row" spacing={2}>
          <Text label="CA certificate file" value={draft.caFile} onChange={field('caFile')} testId="plant-link-ca" />
          <Text label="Client certificate file" value={draft.certFile} onChange={field('certFile')} testId="plant-link-cert" />
          <Text label="Client key file" value={draft.keyFile} onChange={field('keyFile')} testId="plant-link-key" />
        </Stack>
      </Stack>
      <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
        <Button type="submit" variant="contained" disabled={busy} data-testid="plant-link-save">
          {overridden ? 'Save for the next run' : 'Save and connect'}
        </Button>
        <Button color="warning" disabled={busy || saved === null} onClick={forget} data-testid="plant-link-disconnect">
          Forget and disconnect
        </Button>
      </Stack>
      {busy && <Typography variant="body2" sx={{ mt: 1 }} role="status">Working…</Typography>}
      {outcome && (
        <Alert severity={outcome.ok ? 'success' : 'error'} sx={{ mt: 1 }} data-testid={outcome.ok ? 'plant-link-saved' : 'plant-link-form-error'}>
          {outcome.ok ? outcome.value : outcome.message}
        </Alert>
      )}
    </Box>
  );
}

/** A password or token field: write-only, saying whether one is saved (an empty field keeps it). */
function Secret({ what, set, value, onChange }: { readonly what: 'password' | 'token'; readonly set: boolean; readonly value: string; readonly onChange: (value: string) => void }) {
  const name = what === 'password' ? 'Password' : 'Token';
  return (
    <Text
      label={set ? `New ${what} (a ${what} is set)` : name}
      value={value}
      onChange={onChange}
      testId={`plant-link-${what}`}
      type="password"
      help={set ? `Leave empty to keep the saved ${what}.` : undefined}
    />
  );
}
