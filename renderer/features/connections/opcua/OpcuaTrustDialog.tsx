/**
 * Trusting a server certificate is the operator's decision, taken on its fingerprint: the
 * dialog shows the SHA-256 fingerprint (and SHA-1 thumbprint, subject, validity) to compare
 * with what the server's administrator gives, and trusts only that certificate.
 */
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useState } from 'react';
import type { CertificateInfo } from '../../../../shared/api/opcuaTypes';
import { errorMessage } from '../../../common/format';
import { usePlant } from '../../../common/usePlant';

export function OpcuaTrustDialog({ certificate, onClose }: { readonly certificate: CertificateInfo | null; readonly onClose: (trusted: boolean) => void }) {
  const plant = usePlant();
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trust = async () => {
    if (!certificate) return;
    setBusy(true);
    try {
      await plant.opcua.trustCertificate(certificate.sha256);
      setFailed(null);
      onClose(true);
    } catch (error) {
      setFailed(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={certificate !== null} onClose={() => onClose(false)} aria-labelledby="opcua-trust-title" data-testid="opcua-trust-dialog">
      <DialogTitle id="opcua-trust-title">Trust this server certificate?</DialogTitle>
      {certificate && (
        <DialogContent>
          <Typography variant="body2" gutterBottom>
            Compare the fingerprint with the one the server's administrator gives you. Trust it only if they are the same.
          </Typography>
          <Typography variant="body2">Subject: {certificate.subject}</Typography>
          <Typography variant="body2">
            Valid from {certificate.validFrom ?? 'unknown'} to {certificate.validTo ?? 'unknown'}
          </Typography>
          <Typography variant="body2" sx={{ mt: 1, fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="opcua-fingerprint">
            SHA-256 {certificate.sha256}
          </Typography>
          <Typography variant="body2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="opcua-thumbprint">
            SHA-1 {certificate.sha1}
          </Typography>
          {failed && (
            <Alert severity="error" sx={{ mt: 1 }} data-testid="opcua-trust-error">
              {failed}
            </Alert>
          )}
        </DialogContent>
      )}
      <DialogActions>
        <Button onClick={() => onClose(false)}>Cancel</Button>
        <Button variant="contained" color="warning" disabled={busy} onClick={() => void trust()} data-testid="opcua-trust">
          Trust this certificate
        </Button>
      </DialogActions>
    </Dialog>
  );
}
