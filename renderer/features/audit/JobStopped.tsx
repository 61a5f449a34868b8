/** Why an audit job ended without a result: cancelled by the operator (information), or failed (an error, with its reason). */
import { Alert } from '@mui/material';

export interface JobStoppedProps {
  readonly stopped: { readonly message: string; readonly cancelled: boolean };
  /** The sentence for a cancelled job ("Import cancelled."). */
  readonly cancelledText: string;
  /** What failed, before the reason ("The import failed"). */
  readonly failedText: string;
  readonly testId: string;
}

export function JobStopped({ stopped, cancelledText, failedText, testId }: JobStoppedProps) {
  return (
    <Alert severity={stopped.cancelled ? 'info' : 'error'} sx={{ mt: 1 }} data-testid={testId}>
      {stopped.cancelled ? cancelledText : `${failedText}: ${stopped.message}`}
    </Alert>
  );
}
