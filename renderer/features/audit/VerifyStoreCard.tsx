/** Verify the store's own hash chain: "intact: N events, head hash H", or the first event that breaks it and why. */
import { Box, Button, Typography } from '@mui/material';
import { useRemembered } from '../../common/remembered';
import type { ChainVerdict } from '../../../shared/audit/storeChain';
import { usePlant } from '../../common/usePlant';
import { JobProgress } from './JobProgress';
import { JobStopped } from './JobStopped';
import type { AuditJobControl } from './useAuditJob';
import { StoreVerdict } from './Verdicts';

type Shown = { readonly kind: 'verdict'; readonly verdict: ChainVerdict } | { readonly kind: 'stopped'; readonly message: string; readonly cancelled: boolean };

export function VerifyStoreCard({ control }: { readonly control: AuditJobControl }) {
  const plant = usePlant();
  const [shown, setShown] = useRemembered<Shown | null>('audit.verifyStore.shown', null);

  const verify = async () => {
    setShown(null);
    const outcome = await control.run('verifyStore', 'verifyStore', () => plant.audit.verifyStore());
    setShown(outcome.ok ? { kind: 'verdict', verdict: outcome.value } : { kind: 'stopped', message: outcome.message, cancelled: outcome.cancelled });
  };

  return (
    <Box data-testid="verify-store">
      <Typography variant="body2" color="text.secondary">
        Every stored event carries a hash over the one before it; this reads the whole store and checks the chain.
      </Typography>
      <Button variant="contained" sx={{ mt: 1 }} disabled={control.busy} onClick={() => void verify()} data-testid="verify-store-run">
        Verify the store
      </Button>
      <JobProgress control={control} owner="verifyStore" kinds={['verifyStore']} />
      {shown?.kind === 'verdict' && <StoreVerdict verdict={shown.verdict} testId="verify-store-verdict" />}
      {shown?.kind === 'stopped' && <JobStopped stopped={shown} cancelledText="Verification cancelled." failedText="The store could not be verified" testId="verify-store-error" />}
    </Box>
  );
}
