/**
 * The MQTT settings form. What is typed stays a draft (status polls never overwrite it)
 * until the operator tests it ("Test connection": one attempt, nothing saved) or saves it
 * ("Save and connect": main checks every field and names the one at fault). The password is
 * write-only: the form says whether one is saved and offers to replace or remove it.
 */
import { Alert, Box, Button, Checkbox, FormControlLabel, Stack, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { MqttProbeResult } from '../../../shared/api/statusTypes';
import { errorMessage, formatDuration } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { settingsOfDraft, type MqttDraft } from './mqttDraft';
import { Text } from './SettingsText';

type Shown = { readonly kind: 'test'; readonly result: MqttProbeResult } | { readonly kind: 'saved' } | { readonly kind: 'failed'; readonly message: string };

export interface MqttFormProps {
  readonly draft: MqttDraft;
  readonly onDraft: (draft: MqttDraft) => void;
  readonly hasSavedPassword: boolean;
  readonly configured: boolean;
  readonly onSaved: () => void;
}

export function MqttForm({ draft, onDraft, hasSavedPassword, configured, onSaved }: MqttFormProps) {
  const plant = usePlant();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const field = (key: keyof MqttDraft) => (value: string) => onDraft({ ...draft, [key]: value });

  const act = async (kind: 'test' | 'save' | 'disconnect') => {
    const prepared = settingsOfDraft(draft, hasSavedPassword);
    if (kind !== 'disconnect' && !prepared.ok) return setShown({ kind: 'failed', message: prepared.problem });
    setBusy(true);
    setShown(null);
    try {
      if (kind === 'disconnect') {
        await plant.mqtt.disconnect();
        onSaved();
      } else if (prepared.ok && kind === 'test') {
        setShown({ kind: 'test', result: await plant.mqtt.test(prepared.settings, prepared.options) });
      } else if (prepared.ok) {
        await plant.mqtt.configure(prepared.settings, prepared.options);
        onDraft({ ...draft, password: '', clearPassword: false });
        setShown({ kind: 'saved' });
        onSaved();
      }
    } catch (error) {
      setShown({ kind: 'failed', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act('save');
  };

  return (
    <Box component="form" onSubmit={submit} aria-label="MQTT connection settings" data-testid="mqtt-form">
      <Stack spacing={2}>
        <Text label="Broker URL" value={draft.url} onChange={field('url')} testId="mqtt-url" required help="mqtt://host:1883, mqtts://host:8883 (TLS), ws:// or wss://" />
        <Stack direction="row" spacing={2}>
          <Text label="User name" value={draft.username} onChange={field('username')} testId="mqtt-username" />
          <Text
            label={hasSavedPassword ? 'New password (a password is set)' : 'Password'}
            value={draft.password}
            onChange={field('password')}
            testId="mqtt-password"
            type="password"
            help={hasSavedPassword ? 'Leave empty to keep the saved password.' : 'Needs a user name.'}
          />
        </Stack>
        {hasSavedPassword && (
          <FormControlLabel
            label="Remove the saved password"
            control={<Checkbox checked={draft.clearPassword} onChange={(e) => onDraft({ ...draft, clearPassword: e.target.checked })} />}
            data-testid="mqtt-clear-password"
          />
        )}
        <Typography variant="subtitle2" component="p">
          TLS (mqtts:// and wss:// only): PEM files on the machine that runs the console
        </Typography>
        <Stack direction="row" spacing={2}>
          <Text label="CA certificate file" value={draft.caFile} onChange={field('caFile')} testId="mqtt-ca" />
          <Text label="Client certificate file" value={draft.certFile} onChange={field('certFile')} testId="mqtt-cert" />
          <Text label="Client key file" value={draft.keyFile} onChange={field('keyFile')} testId="mqtt-key" />
        </Stack>
        <FormControlLabel
          label="Check the broker's certificate (turn off only for a test broker)"
          control={<Checkbox checked={draft.rejectUnauthorized} onChange={(e) => onDraft({ ...draft, rejectUnauthorized: e.target.checked })} />}
          data-testid="mqtt-verify-cert"
        />
        <Text label="Topic filters, one per line" value={draft.topics} onChange={field('topics')} testId="mqtt-topics" multiline help="Empty: the filters of the mapping." />
        <Text
          label="Topic-to-event mapping (JSON)"
          value={draft.mapping}
          onChange={field('mapping')}
          testId="mqtt-mapping"
          multiline
          help="Empty: the default mapping (plant/<line>/<equipment>/status, …/telemetry, …/quality/<parameter>, plant/events)."
        />
      </Stack>
      <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
        <Button variant="outlined" disabled={busy || draft.url.trim() === ''} onClick={() => void act('test')} data-testid="mqtt-test">
          Test connection
        </Button>
        <Button type="submit" variant="contained" disabled={busy || draft.url.trim() === ''} data-testid="mqtt-save">
          Save and connect
        </Button>
        <Button color="warning" disabled={busy || !configured} onClick={() => void act('disconnect')} data-testid="mqtt-disconnect">
          Disconnect
        </Button>
      </Stack>
      {busy && <Typography variant="body2" sx={{ mt: 1 }} role="status">Working…</Typography>}
      {shown?.kind === 'test' && <TestOutcome result={shown.result} />}
      {shown?.kind === 'saved' && (
        <Alert severity="success" sx={{ mt: 1 }} data-testid="mqtt-saved">
          Saved; the console connects with these settings (the status above follows it).
        </Alert>
      )}
      {shown?.kind === 'failed' && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="mqtt-form-error">
          {shown.message}
        </Alert>
      )}
    </Box>
  );
}

function TestOutcome({ result }: { readonly result: MqttProbeResult }) {
  if (!result.ok) {
    return (
      <Alert severity="error" sx={{ mt: 1 }} data-testid="mqtt-test-result" data-ok="false">
        Test failed after {formatDuration(result.elapsedMs)}: {result.reason}
      </Alert>
    );
  }
  const refused = result.refusedTopics.length > 0 ? ` The broker refused the subscription to ${result.refusedTopics.join(', ')}.` : '';
  return (
    <Alert severity={refused ? 'warning' : 'success'} sx={{ mt: 1 }} data-testid="mqtt-test-result" data-ok="true">
      Connected to {result.broker} in {formatDuration(result.elapsedMs)} and subscribed to {result.topics.join(', ')}.{refused} Nothing was saved.
    </Alert>
  );
}
