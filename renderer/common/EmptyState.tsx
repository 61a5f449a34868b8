/** What an empty view says: what is missing and what to do about it. */
import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function EmptyState({ title, children, testId = 'empty-state' }: { readonly title: string; readonly children?: ReactNode; readonly testId?: string }) {
  return (
    <Box sx={{ p: 3, textAlign: 'center' }} data-testid={testId}>
      <Typography variant="subtitle1" component="p" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      {children && (
        <Typography variant="body2" color="text.secondary" component="div" sx={{ mt: 1 }}>
          {children}
        </Typography>
      )}
    </Box>
  );
}
