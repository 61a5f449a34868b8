/**
 * The console's OPC UA certificates, in `<data folder>/pki` (node-opcua's
 * OPCUACertificateManager: `own/` holds the console's application certificate, made on the
 * first connection; `trusted/` and `rejected/` the servers' certificates).
 *
 * A server certificate is never trusted silently: an unknown one is refused (node-opcua
 * files it under `rejected/`) and kept here as the pending certificate, shown to the operator
 * with its fingerprints; `trust(sha256)` trusts it only when the operator confirms the very
 * fingerprint that was shown.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPCUACertificateManager, StatusCodes, type StatusCode } from 'node-opcua';
import type { CertificateInfo } from '../../../shared/api/opcuaTypes';
import { InputError } from '../../../shared/api/errors';

export class ConsolePki {
  private pending: { readonly der: Buffer; readonly info: CertificateInfo } | null = null;
  private initialized: Promise<void> | null = null;

  private constructor(
    readonly rootFolder: string,
    readonly manager: OPCUACertificateManager,
  ) {}

  static create(rootFolder: string): ConsolePki {
    const manager = new OPCUACertificateManager({ rootFolder, automaticallyAcceptUnknownCertificate: false, disableFileWatchers: true });
    const pki = new ConsolePki(rootFolder, manager);
    const check = manager.checkCertificate.bind(manager) as (certificate: Buffer) => Promise<StatusCode>;
    // The client asks the manager about the server's certificate; an untrusted one is kept
    // so that the operator can be shown exactly what was refused.
    manager.checkCertificate = (async (certificate: Buffer) => {
      const status = await check(certificate);
      if (status.equals(StatusCodes.BadCertificateUntrusted)) pki.pending = { der: Buffer.from(certificate), info: describeCertificate(certificate) };
      return status;
    }) as typeof manager.checkCertificate;
    return pki;
  }

  /** Creates the folders once (node-opcua makes the console's own certificate on the first connection). */
  initialize(): Promise<void> {
    this.initialized ??= this.manager.initialize();
    return this.initialized;
  }

  /** The server certificate refused last because it is not trusted, if any. */
  untrusted(): CertificateInfo | null {
    return this.pending?.info ?? null;
  }

  /** Trusts the pending certificate, if `sha256` is its fingerprint; else refuses in one sentence. */
  async trust(sha256: string): Promise<CertificateInfo> {
    const pending = this.pending;
    if (!pending) throw new InputError('no server certificate is waiting to be trusted: connect with Sign or SignAndEncrypt first');
    if (normalise(sha256) !== normalise(pending.info.sha256)) {
      throw new InputError(`the fingerprint given is not the one of the certificate waiting (${pending.info.sha256}); nothing was trusted`);
    }
    await this.initialize();
    await this.manager.trustCertificate(pending.der);
    this.pending = null;
    return pending.info;
  }

  /** The console's own application certificate, once node-opcua has made it. */
  async ownCertificate(): Promise<CertificateInfo | null> {
    try {
      return describeCertificate(await readFile(join(this.rootFolder, 'own', 'certs', 'client_certificate.pem')));
    } catch {
      return null;
    }
  }

  async dispose(): Promise<void> {
    await this.manager.dispose();
  }
}

const normalise = (fingerprint: string) => fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();

/** Fingerprints and names of a certificate (DER, or PEM for our own). */
export function describeCertificate(certificate: Buffer): CertificateInfo {
  try {
    const x509 = new X509Certificate(certificate);
    return { sha256: x509.fingerprint256, sha1: x509.fingerprint, subject: x509.subject.replace(/\n/g, ', '), validFrom: x509.validFrom, validTo: x509.validTo };
  } catch {
    // A chain node-opcua could not split, or a format X509Certificate does not read: fingerprints only.
    const hex = (algorithm: string) => createHash(algorithm).update(certificate).digest('hex').toUpperCase().match(/../g)!.join(':');
    return { sha256: hex('sha256'), sha1: hex('sha1'), subject: 'unreadable certificate', validFrom: null, validTo: null };
  }
}
