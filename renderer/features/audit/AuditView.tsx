/** The audit view: a placeholder until the audit export lands, its entry points shown disabled. */
import { Alert, Button, Paper, Stack, Typography } from '@mui/material';

export function AuditView() {
  return (
    <Paper variant="outlined" sx={{ p: 3 }} data-testid="audit">
      <Typography variant="h5" component="h2" gutterBottom>
        Audit
      </Typography>
      <Alert severity="info" data-testid="audit-coming">
        Coming with the audit export: a tamper-evident log of every event, verifiable and exportable from here.
      </Alert>
      <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
        <Button variant="outlined" disabled data-testid="audit-verify">
          Verify the audit log
        </Button>
        <Button variant="outlined" disabled data-testid="audit-export">
          Export…
        </Button>
      </Stack>
    </Paper>
  );
}
