/** Editing one rule: fields for its kind, checked here first (the same validation main runs), then saved through the bridge. */
import { Alert, Autocomplete, type AutocompleteRenderInputParams, Dialog, DialogContent, DialogTitle, FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import { useState } from 'react';
import { CancelConfirmActions } from '../../common/CancelConfirmActions';
import { validateAlarmRule, type AlarmRule, type AlarmRuleKind } from '../../../shared/domain/alarms';
import { errorMessage } from '../../common/format';
import { COMMON_FIELDS, KIND_FIELDS, formToCandidate, type FieldSpec, type KnownNames, type RuleForm } from './ruleFields';

export interface RuleDialogProps {
  readonly initial: RuleForm;
  readonly isNew: boolean;
  readonly onCancel: () => void;
  readonly onSave: (rule: AlarmRule) => Promise<void>;
  /** Equipment, telemetry fields and parameters to pick from. */
  readonly known: KnownNames;
  /** Rule ids in use, so that a generated id is new. */
  readonly taken: ReadonlySet<string>;
}

export function RuleDialog({ initial, isNew, onCancel, onSave, known, taken }: RuleDialogProps) {
  const [form, setForm] = useState<RuleForm>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const specs = [...COMMON_FIELDS, ...(KIND_FIELDS[form.kind as AlarmRuleKind] ?? [])];

  const field = (spec: FieldSpec) => {
    const value = form[spec.name];
    const set = (v: string | boolean) => setForm((f) => ({ ...f, [spec.name]: v }));
    if (spec.type === 'boolean') return <FormControlLabel key={spec.name} control={<Switch checked={value === true} onChange={(e) => set(e.target.checked)} />} label={spec.label} />;
    const text = typeof value === 'string' ? value : '';
    const input = (params: AutocompleteRenderInputParams) => (
      <TextField {...params} label={spec.label} slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': `rule-${spec.name}` } }} />
    );
    if (spec.type === 'pick' && spec.known) {
      // Free text as well: a field the plant has not reported yet can still be watched.
      return (
        <Autocomplete
          key={spec.name}
          freeSolo
          options={known[spec.known]}
          inputValue={text}
          onInputChange={(_e, v) => set(v)}
          renderInput={input}
        />
      );
    }
    if (spec.type === 'pickMany' && spec.known) {
      const picked = text.split(',').map((s) => s.trim()).filter(Boolean);
      return (
        <Autocomplete
          key={spec.name}
          multiple
          freeSolo
          autoSelect
          options={known[spec.known]}
          value={picked}
          onChange={(_e, v) => set(v.join(', '))}
          renderInput={input}
        />
      );
    }
    return (
      <TextField
        key={spec.name}
        label={spec.label}
        select={spec.type === 'select'}
        value={text}
        onChange={(e) => set(e.target.value)}
        disabled={spec.name === 'id' && !isNew}
        slotProps={{ htmlInput: { 'data-testid': `rule-${spec.name}`, ...(spec.type === 'number' || spec.type === 'seconds' ? { inputMode: 'decimal' } : {}) } }}
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
      rule = validateAlarmRule(formToCandidate(form, taken));
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
      <CancelConfirmActions onCancel={onCancel} onConfirm={() => void save()} disabled={busy} confirmTestId="rule-save">
        Save
      </CancelConfirmActions>
    </Dialog>
  );
}
