/** A chip for the app bar: readable on the bar's colour in both themes, its state shown by a coloured dot and by its words. */
import FiberManualRecord from '@mui/icons-material/FiberManualRecord';
import { Chip, type ChipProps } from '@mui/material';

export type StatusTone = 'success' | 'info' | 'warning' | 'error' | 'default';

export function StatusChip({ tone, ...props }: Omit<ChipProps, 'color' | 'variant' | 'icon'> & { readonly tone: StatusTone }) {
  return (
    <Chip
      size="small"
      {...props}
      icon={<FiberManualRecord sx={{ '&&': { color: tone === 'default' ? 'text.disabled' : `${tone}.main` } }} />}
      sx={{ bgcolor: 'background.paper', color: 'text.primary', fontWeight: 500 }}
    />
  );
}
