/** Editing one rule: fields for its kind, checked here first (the same validation main runs), then saved through the bridge. */
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import { useState } from 'react';
import { validateAlarmRule, type AlarmRule, type AlarmRuleKind } from '../../../shared/domain/alarms';
import { errorMessage } from '../../common/format';
import { COMMON_FIELDS, KIND_FIELDS, formToCandidate, type FieldSpec, type RuleForm } from './ruleFields';

export interface RuleDialogProps {
  readonly initial: RuleForm;
  readonly isNew: boolean;
  readonly onCancel: () => void;
  readonly onSave: (rule: AlarmRule) => Promise<void>;
}

export function RuleDialog({ initial, isNew, onCancel, onSave }: RuleDialogProps) {
  const [form, setForm] = useState<RuleForm>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const specs = [...COMMON_FIELDS, ...(KIND_FIELDS[form.kind as AlarmRuleKind] ?? [])];

  const field = (spec: FieldSpec) => {
    const value = form[spec.name];
    const set = (v: string | boolean) => setForm((f) => ({ ...f, [spec.name]: v }));
    if (spec.type === 'boolean') return <FormControlLabel key={spec.name} control={<Switch checked={value === true} onChange={(e) => set(e.target.checked)} />} label={spec.label} />;
    return (
      <TextField
        key={spec.name}
        label={spec.label}
        select={spec.type === 'select'}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => set(e.target.value)}
        disabled={spec.name === 'id' && !isNew}
        slotProps={{ htmlInput: { 'data-testid': `rule-${spec.name}`, ...(spec.type === 'number' ? { inputMode: 'decimal' } : {}) } }}
      >
        {spec.options?.map((o) => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </TextField>
    );
  };

  const save = async () => {
    let rule: AlarmRule;
    try {
      rule = validateAlarmRule(formToCandidate(form));
    } catch (e) {
      return setError(errorMessage(e));
    }
    setBusy(true);
    try {
      await onSave(rule);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onCancel} aria-labelledby="rule-dialog-title" data-testid="rule-dialog" fullWidth maxWidth="sm">
      <DialogTitle id="rule-dialog-title">{isNew ? 'New rule' : `Edit rule ${String(initial.id)}`}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          {specs.map(field)}
          {error && (
            <Alert severity="error" data-testid="rule-error">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" disabled={busy} onClick={() => void save()} data-testid="rule-save">
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
