/**
 * The Sparkplug mapping rules, one row each: what a rule matches (group, edge node, device,
 * metric: exact, `*`, `prefix*`; device `-` for the edge node's own metrics) and where the
 * metric goes (equipment and line id templates, event type), or that it is ignored. The
 * first rule that matches decides; the built-in default follows the last row.
 */
import { Box, Button, Checkbox, FormControlLabel, IconButton, MenuItem, Stack, TextField, Typography } from '@mui/material';
import Close from '@mui/icons-material/Close';
import { SPARKPLUG_EVENT_TYPES } from '../../../../shared/ingest/sparkplugSettings';
import { Text } from '../SettingsText';
import { EMPTY_RULE, RULE_LABELS, type DraftField, type RuleField, type SparkplugRuleDraft } from './sparkplugDraft';

export interface SparkplugRulesProps {
  readonly rules: readonly SparkplugRuleDraft[];
  readonly onRules: (rules: readonly SparkplugRuleDraft[]) => void;
  /** The field at fault, if the last check found one. */
  readonly fault: DraftField | null;
}

const TEXT_FIELDS: readonly { readonly key: Exclude<RuleField, 'type' | 'ignore'>; readonly help: string }[] = [
  { key: 'group', help: 'Empty: any' },
  { key: 'node', help: 'Empty: any' },
  { key: 'device', help: '- : the node itself' },
  { key: 'metric', help: 'e.g. temp* ; empty: any' },
  { key: 'equipmentId', help: 'Empty: {device}' },
  { key: 'lineId', help: 'Empty: {group}' },
];

export function SparkplugRules({ rules, onRules, fault }: SparkplugRulesProps) {
  const change = (index: number, patch: Partial<SparkplugRuleDraft>) => onRules(rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)));
  const faulty = (index: number, key: RuleField) => fault?.kind === 'rule' && fault.index === index && fault.key === key;

  return (
    <Stack spacing={1} data-testid="sparkplug-rules">
      <Typography variant="subtitle2" component="p">
        Mapping rules ({rules.length}): the first rule that matches a metric decides. After them, the default: the device is the equipment (the edge node for its own
        metrics), the group is the line, every metric a reading of equipment.telemetry.recorded. Templates may use {'{group}'}, {'{node}'} and {'{device}'}.
      </Typography>
      {rules.map((rule, index) => (
        <Box key={index} data-testid={`sparkplug-rule-${index}`} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
          <Typography variant="body2" sx={{ pt: 1, minWidth: 24 }}>
            {index + 1}.
          </Typography>
          {TEXT_FIELDS.map(({ key, help }) => (
            <Text
              key={key}
              label={RULE_LABELS[key]}
              value={rule[key]}
              onChange={(value) => change(index, { [key]: value })}
              testId={`sparkplug-rule-${index}-${key}`}
              help={help}
              error={faulty(index, key)}
            />
          ))}
          <TextField
            select
            size="small"
            label={RULE_LABELS.type}
            value={rule.type}
            onChange={(e) => change(index, { type: e.target.value as SparkplugRuleDraft['type'] })}
            sx={{ minWidth: 220 }}
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': `sparkplug-rule-${index}-type` } as object } }}
          >
            <MenuItem value="">default (telemetry)</MenuItem>
            {SPARKPLUG_EVENT_TYPES.map((type) => (
              <MenuItem key={type} value={type}>
                {type}
              </MenuItem>
            ))}
          </TextField>
          <FormControlLabel label="ignore" control={<Checkbox checked={rule.ignore} onChange={(e) => change(index, { ignore: e.target.checked })} />} data-testid={`sparkplug-rule-${index}-ignore`} />
          <IconButton aria-label={`Remove mapping rule ${index + 1}`} onClick={() => onRules(rules.filter((_, i) => i !== index))} data-testid={`sparkplug-rule-${index}-remove`}>
            <Close />
          </IconButton>
        </Box>
      ))}
      <Box>
        <Button size="small" onClick={() => onRules([...rules, EMPTY_RULE])} data-testid="sparkplug-add-rule">
          Add a mapping rule
        </Button>
      </Box>
    </Stack>
  );
}
