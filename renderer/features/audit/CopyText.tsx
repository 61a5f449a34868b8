/** A value the operator may need elsewhere (a head hash): shown in full, in monospace, with a copy button. */
import ContentCopy from '@mui/icons-material/ContentCopy';
import { Box, IconButton, Typography } from '@mui/material';
import { useState } from 'react';
import { useReportError } from '../../common/ErrorsProvider';

export function CopyText({ value, label, testId }: { readonly value: string; readonly label: string; readonly testId: string }) {
  const report = useReportError();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setCopied(true),
      (error: unknown) => report(`Copying the ${label}`, error),
    );
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, maxWidth: '100%' }}>
      <Typography component="code" variant="body2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid={testId}>
        {value}
      </Typography>
      <IconButton size="small" aria-label={`Copy the ${label}`} onClick={() => void copy()} data-testid={`${testId}-copy`}>
        <ContentCopy fontSize="inherit" />
      </IconButton>
      <Typography component="span" variant="caption" aria-live="polite">
        {copied ? 'Copied' : ''}
      </Typography>
    </Box>
  );
}
