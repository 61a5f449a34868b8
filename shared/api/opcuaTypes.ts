/** Shapes main reports through the API about its OPC UA connection. Types only. */
import type { ConnectionState } from '../ingest/ingestEvents';

/** A certificate as the operator checks it before trusting it. */
export interface CertificateInfo {
  /** SHA-256 of the DER certificate, hex pairs separated by colons. */
  readonly sha256: string;
  /** SHA-1 thumbprint, the form OPC UA tools show. */
  readonly sha1: string;
  readonly subject: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface OpcuaStatus {
  readonly name: string;
  readonly endpointUrl: string;
  readonly securityMode: string;
  readonly state: ConnectionState;
  readonly reason: string | null;
  readonly since: number;
  readonly attempt: number;
  /** Items monitored on the current session / items configured. */
  readonly monitored: number;
  readonly items: number;
  readonly subscriptions: number;
  readonly lastError: { readonly message: string; readonly at: number } | null;
  /** The server's certificate when the connection was refused because it is not trusted yet. */
  readonly untrustedCertificate: CertificateInfo | null;
}

export interface OpcuaMetrics {
  readonly state: ConnectionState;
  readonly received: number;
  readonly mapped: number;
  readonly rejected: number;
  readonly bad: number;
  readonly connects: number;
  readonly published: number;
  readonly queued: number;
  readonly lost: number;
}

export interface OpcuaState {
  readonly status: OpcuaStatus | null;
  /** The settings in use, without the password. */
  readonly settings: Record<string, unknown> | null;
  readonly metrics: OpcuaMetrics | null;
  /** This console's own application certificate (to be trusted by the server), once made. */
  readonly clientCertificate: CertificateInfo | null;
}

/** One node of the server's address space, as the browse tree shows it. */
export interface BrowsedNode {
  readonly nodeId: string;
  readonly browseName: string;
  readonly displayName: string;
  readonly nodeClass: 'Object' | 'Variable' | 'Method' | 'ObjectType' | 'VariableType' | 'ReferenceType' | 'DataType' | 'View' | 'Unspecified';
  /** The equipment and reading the naming template gives a variable, or null when it gives none. */
  readonly mapsTo: { readonly equipmentId: string; readonly reading: string } | null;
}
