/**
 * An absolute path on the machine running the console, checked as typed. In the desktop app a
 * "Choose…" button opens the operating system's Save or Open dialog (shown by main) and
 * fills the field; browser mode has no such dialog, so an "Upload…" button (for files to
 * read) sends the file to the host and fills the field with the path the host keeps it at.
 * A typed path always works.
 */
import { Box, Button, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import type { FileChoice } from '../../../shared/api/contractFiles';
import { useReportError } from '../../common/ErrorsProvider';
import { usePlant } from '../../common/usePlant';
import { isAbsolutePath } from './exportRequest';
import { hasHostFiles, uploadToHost } from './hostFiles';

export function pathProblemOf(path: string): string | null {
  const trimmed = path.trim();
  return trimmed === '' || isAbsolutePath(trimmed) ? null : 'Give an absolute path, e.g. /home/operator/exports/audit.ndjson';
}

/** Which dialog "Choose…" opens, and what it offers. */
export interface PathDialog extends FileChoice {
  readonly kind: 'save' | 'open';
}

export interface PathFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly help: string;
  readonly testId: string;
  readonly dialog?: PathDialog;
}

/** Whether main can show file dialogs here (asked once per field; false until known or when the call fails). */
function useHasDialogs(): boolean {
  const plant = usePlant();
  const [has, setHas] = useState(false);
  useEffect(() => {
    let active = true;
    const ask = plant.files?.dialogs;
    if (typeof ask !== 'function') return;
    ask().then(
      (value) => active && setHas(value === true),
      () => undefined,
    );
    return () => void (active = false);
  }, [plant]);
  return has;
}

export function PathField({ label, value, onChange, help, testId, dialog }: PathFieldProps) {
  const plant = usePlant();
  const report = useReportError();
  const hasDialogs = useHasDialogs();
  const problem = pathProblemOf(value);
  const [uploading, setUploading] = useState(false);
  const canUpload = dialog?.kind === 'open' && !hasDialogs && hasHostFiles();
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    try {
      onChange(await uploadToHost(file));
    } catch (error) {
      report('Uploading a file', error);
    } finally {
      setUploading(false);
    }
  };
  const choose = async () => {
    if (!dialog) return;
    const { kind, ...choice } = dialog;
    try {
      const chosen = kind === 'save' ? await plant.files.chooseSave(choice) : await plant.files.chooseOpen(choice);
      if (chosen !== null) onChange(chosen);
    } catch (error) {
      report('Choosing a file', error);
    }
  };
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', mt: 1 }}>
      <TextField
        fullWidth
        required
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={problem !== null}
        helperText={problem ?? help}
        slotProps={{ htmlInput: { 'data-testid': testId, spellCheck: false } }}
      />
      {dialog && hasDialogs && (
        <Button variant="outlined" sx={{ mt: 1, flexShrink: 0 }} onClick={() => void choose()} data-testid={`${testId}-choose`}>
          Choose…
        </Button>
      )}
      {canUpload && (
        <Button component="label" variant="outlined" sx={{ mt: 1, flexShrink: 0 }} disabled={uploading} data-testid={`${testId}-upload`}>
          {uploading ? 'Uploading…' : 'Upload…'}
          <input
            hidden
            type="file"
            accept={dialog.extensions.map((e) => `.${e}`).join(',')}
            data-testid={`${testId}-upload-input`}
            onChange={(e) => {
              void upload(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </Button>
      )}
    </Box>
  );
}
