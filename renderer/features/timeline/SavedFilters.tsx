/** Named filters the operator saved, kept in main's settings. */
import { Button, Chip, Stack, TextField } from '@mui/material';
import { memo, useState } from 'react';
import type { JsonValue } from '../../../shared/events/event';
import { isArray, useSetting } from '../../app/settings';
import { filterToJson, readFilter, type TimelineFilter } from './filterModel';

interface Saved {
  readonly name: string;
  readonly filter: TimelineFilter;
}

function readSaved(list: JsonValue[]): Saved[] {
  return list.flatMap((item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) && typeof item.name === 'string' ? [{ name: item.name, filter: readFilter(item.filter) }] : [],
  );
}

export const SavedFilters = memo(function SavedFilters({ current, onApply }: { readonly current: TimelineFilter; readonly onApply: (f: TimelineFilter) => void }) {
  const [stored, setStored] = useSetting<JsonValue[]>('timeline.savedFilters', [], isArray);
  const [name, setName] = useState('');
  const saved = readSaved(stored);
  const store = (list: Saved[]) => setStored(list.map((s) => ({ name: s.name, filter: filterToJson(s.filter) })));

  const save = () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    store([...saved.filter((s) => s.name !== trimmed), { name: trimmed, filter: current }]);
    setName('');
  };

  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }} data-testid="saved-filters">
      <TextField
        label="Save current filter as"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && save()}
        slotProps={{ htmlInput: { 'data-testid': 'saved-filter-name', maxLength: 60 } }}
      />
      <Button onClick={save} disabled={!name.trim()} data-testid="saved-filter-save">
        Save
      </Button>
      {saved.map((s) => (
        <Chip key={s.name} label={s.name} onClick={() => onApply(s.filter)} onDelete={() => store(saved.filter((x) => x.name !== s.name))} data-testid="saved-filter" />
      ))}
    </Stack>
  );
});
