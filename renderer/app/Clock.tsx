/** The app bar's clock: the time every view's times are in, 24-hour, with its time zone. */
import { Typography } from '@mui/material';
import { formatClock, formatTimeZone } from '../common/format';
import { useNow } from '../common/useNow';

export function Clock() {
  const now = useNow();
  return (
    <Typography variant="body2" component="span" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid="clock" title="Times on every view are in this time zone">
      {formatClock(now, true)} {formatTimeZone(now)}
    </Typography>
  );
}
