/**
 * The Sparkplug B card: whether the MQTT connection decodes Sparkplug B, which groups it
 * follows, the primary host id (STATE publishing) and the mapping rules. Its fields are part
 * of the MQTT draft, so "Save and connect" here saves the MQTT settings with them, as the
 * MQTT form does. The draft is checked with main's own rules first; once a save was tried,
 * the field at fault stays marked (and its sentence shown) until it is put right.
 */
import { Alert, Box, Button, Checkbox, FormControlLabel, Stack, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../common/format';
import { usePlant } from '../../../common/usePlant';
import { settingsOfDraft, type MqttDraft } from '../mqttDraft';
import { Text } from '../SettingsText';
import { sparkplugOfDraft, type SparkplugDraft } from './sparkplugDraft';
import { SparkplugRules } from './SparkplugRules';

export interface SparkplugCardProps {
  readonly draft: MqttDraft;
  readonly onDraft: (draft: MqttDraft) => void;
  readonly hasSavedPassword: boolean;
  readonly onSaved: () => void;
}

export function SparkplugCard({ draft, onDraft, hasSavedPassword, onSaved }: SparkplugCardProps) {
  const plant = usePlant();
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly message: string } | null>(null);
  const sparkplug = draft.sparkplug;
  const edit = (patch: Partial<SparkplugDraft>) => onDraft({ ...draft, sparkplug: { ...sparkplug, ...patch } });
  const checked = tried ? sparkplugOfDraft(sparkplug) : null;
  const fault = checked && !checked.ok ? checked.field : null;
  const cardFault = (key: 'groups' | 'hostId' | 'source') => fault?.kind === 'card' && fault.key === key;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const prepared = settingsOfDraft(draft, hasSavedPassword);
    if (!prepared.ok) return setOutcome({ ok: false, message: prepared.problem });
    setBusy(true);
    setOutcome(null);
    try {
      await plant.mqtt.configure(prepared.settings, prepared.options);
      onDraft({ ...draft, password: '', clearPassword: false });
      setOutcome({ ok: true, message: sparkplug.enabled ? 'Saved; the MQTT connection decodes Sparkplug B with these settings.' : 'Saved; Sparkplug B is off on the MQTT connection.' });
      onSaved();
    } catch (error) {
      setOutcome({ ok: false, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box component="form" onSubmit={(event) => void save(event)} aria-label="Sparkplug B settings" data-testid="sparkplug-form">
      <Stack spacing={2}>
        <FormControlLabel
          label="Decode Sparkplug B (spBv1.0/…) on this MQTT connection"
          control={<Checkbox checked={sparkplug.enabled} onChange={(e) => edit({ enabled: e.target.checked })}  />}
          data-testid="sparkplug-enabled"
        />
        {sparkplug.enabled && (
          <>
            <Stack direction="row" spacing={2}>
              <Text
                label="Groups"
                value={sparkplug.groups}
                onChange={(groups) => edit({ groups })}
                testId="sparkplug-groups"
                error={cardFault('groups')}
                help="Group ids, comma-separated. Empty: every group."
              />
              <Text
                label="Primary host id"
                value={sparkplug.hostId}
                onChange={(hostId) => edit({ hostId })}
                testId="sparkplug-host-id"
                error={cardFault('hostId')}
                help="Publishes STATE/<id>: ONLINE while connected, OFFLINE as the MQTT will. Empty: no STATE."
              />
              <Text label="Event source" value={sparkplug.source} onChange={(source) => edit({ source })} testId="sparkplug-source" error={cardFault('source')} help="Empty: sparkplug-ingest" />
            </Stack>
            {draft.topics.trim() !== '' && !draft.topics.includes('spBv1.0') && (
              <Alert severity="warning" data-testid="sparkplug-topics-warning">
                The MQTT form lists topic filters of its own: add spBv1.0/&lt;group&gt;/# there, or leave it empty to subscribe to the Sparkplug groups by themselves.
              </Alert>
            )}
            <SparkplugRules rules={sparkplug.rules} onRules={(rules) => edit({ rules })} fault={fault} />
          </>
        )}
      </Stack>
      <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center' }}>
        <Button type="submit" variant="contained" disabled={busy || draft.url.trim() === ''} data-testid="sparkplug-save">
          Save and connect
        </Button>
        {draft.url.trim() === '' && <Typography variant="body2">Give the broker URL in the MQTT settings first.</Typography>}
      </Stack>
      {busy && (
        <Typography variant="body2" sx={{ mt: 1 }} role="status">
          Working…
        </Typography>
      )}
      {outcome && (
        <Alert severity={outcome.ok ? 'success' : 'error'} sx={{ mt: 1 }} data-testid={outcome.ok ? 'sparkplug-saved' : 'sparkplug-form-error'}>
          {outcome.message}
        </Alert>
      )}
    </Box>
  );
}
