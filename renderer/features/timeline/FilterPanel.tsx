/** The timeline's filter form: edited as a draft, applied with Enter or the Apply button. */
import { Alert, Box, Button, FormControl, InputLabel, MenuItem, Select, Stack, TextField, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { memo, useState, type FormEvent, type RefObject } from 'react';
import { EVENT_STATUSES, PRIORITIES, type EventStatus, type Priority } from '../../../shared/events/event';
import { DateTimeField } from '../../common/DateTimeField';
import { readDateTime, toDateTimeText } from '../../common/dateEntry';
import { EMPTY_FILTER, QUICK_RANGES, patternProblem, type QuickRangeId, type TimelineFilter } from './filterModel';

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

interface Draft {
  types: string;
  sources: string;
  priorities: Priority[];
  statuses: EventStatus[];
  quickRange: QuickRangeId | '';
  from: string;
  to: string;
  correlationId: string;
  subject: string;
  text: string;
}

function toDraft(f: TimelineFilter): Draft {
  return {
    types: f.types.join(', '), sources: f.sources.join(', '), priorities: f.priorities, statuses: f.statuses, quickRange: f.quickRange ?? '',
    from: toDateTimeText(f.from), to: toDateTimeText(f.to), correlationId: f.correlationId, subject: f.subject, text: f.text,
  };
}

const timeOf = (text: string): number | null => {
  const entry = readDateTime(text);
  return entry.ok ? entry.ms : null;
};

function fromDraft(d: Draft): TimelineFilter {
  return {
    types: list(d.types), sources: list(d.sources), priorities: d.priorities, statuses: d.statuses, quickRange: d.quickRange || null,
    from: timeOf(d.from), to: timeOf(d.to), correlationId: d.correlationId, subject: d.subject, text: d.text,
  };
}

// Memoised: the timeline re-renders as pages arrive while scrolling; the form need not.
export const FilterPanel = memo(function FilterPanel({ filter, onApply, searchRef }: { readonly filter: TimelineFilter; readonly onApply: (f: TimelineFilter) => void; readonly searchRef: RefObject<HTMLInputElement | null> }) {
  const [draft, setDraft] = useState(() => toDraft(filter));
  const [problem, setProblem] = useState<string | null>(null);
  // The draft follows the applied filter only when its content changes (Apply, Clear, a
  // saved filter): a filter object rebuilt by a re-render while events arrive must not
  // wipe what the operator is typing.
  const appliedKey = JSON.stringify(filter);
  const [draftOf, setDraftOf] = useState(appliedKey);
  if (draftOf !== appliedKey) {
    setDraftOf(appliedKey);
    setDraft(toDraft(filter));
  }
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    for (const [label, text] of [['From', draft.from], ['To', draft.to]] as const) {
      const entry = readDateTime(text);
      if (!entry.ok) return setProblem(`${label}: ${entry.problem}`);
    }
    const next = fromDraft(draft);
    const bad = patternProblem(next.types);
    if (bad) return setProblem(`Type pattern ${bad}`);
    if (next.from !== null && next.to !== null && next.from > next.to) return setProblem('The time range ends before it starts');
    setProblem(null);
    onApply(next);
  };

  // Clear empties the form too: when nothing was applied yet, the applied filter does not change.
  const clear = () => {
    setDraft(toDraft(EMPTY_FILTER));
    setProblem(null);
    onApply(EMPTY_FILTER);
  };

  return (
    <Box component="form" onSubmit={submit} aria-label="Timeline filters" data-testid="filter-panel" sx={{ mb: 1 }}>
      <Stack sx={{ alignItems: 'center', flexWrap: 'wrap' }} direction="row" spacing={1} useFlexGap>
        <TextField label="Search payload text" value={draft.text} onChange={(e) => set('text', e.target.value)} inputRef={searchRef} slotProps={{ htmlInput: { 'data-testid': 'filter-text' } }} />
        <TextField label="Types (e.g. equipment.*)" value={draft.types} onChange={(e) => set('types', e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'filter-types' } }} />
        <TextField label="Sources" value={draft.sources} onChange={(e) => set('sources', e.target.value)} sx={{ width: 140 }} />
        <TextField label="Subject" value={draft.subject} onChange={(e) => set('subject', e.target.value)} sx={{ width: 140 }} slotProps={{ htmlInput: { 'data-testid': 'filter-subject' } }} />
        <TextField label="Correlation id" value={draft.correlationId} onChange={(e) => set('correlationId', e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'filter-correlation' } }} />
        <ToggleButtonGroup size="small" value={draft.priorities} onChange={(_e, v: Priority[]) => set('priorities', v)} aria-label="Priorities">
          {PRIORITIES.map((p) => (
            <ToggleButton key={p} value={p} aria-label={p} data-testid={`filter-priority-${p}`}>
              {p}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="status-label">Status</InputLabel>
          <Select labelId="status-label" label="Status" multiple value={draft.statuses} onChange={(e) => set('statuses', e.target.value as EventStatus[])}>
            {EVENT_STATUSES.map((s) => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="range-label">Time range</InputLabel>
          <Select labelId="range-label" label="Time range" value={draft.quickRange} onChange={(e) => set('quickRange', e.target.value as QuickRangeId | '')} data-testid="filter-quick">
            <MenuItem value="">Absolute / all</MenuItem>
            {QUICK_RANGES.map((r) => (
              <MenuItem key={r.id} value={r.id}>
                {r.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {draft.quickRange === '' && (
          <>
            <DateTimeField label="From" value={draft.from} onChange={(v) => set('from', v)} testId="filter-from" />
            <DateTimeField label="To" value={draft.to} onChange={(v) => set('to', v)} testId="filter-to" />
          </>
        )}
        <Button type="submit" variant="contained" data-testid="filter-apply">
          Apply
        </Button>
        <Button onClick={clear} data-testid="filter-clear">
          Clear
        </Button>
      </Stack>
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="filter-problem">
          {problem}
        </Alert>
      )}
    </Box>
  );
});
