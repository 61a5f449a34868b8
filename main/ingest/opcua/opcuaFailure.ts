/**
 * One sentence for the operator from what node-opcua or the socket reported, naming the
 * endpoint (never a credential: node-opcua's messages name none, and the user name is not
 * repeated either).
 */
export function describeOpcuaFailure(endpoint: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const has = (pattern: RegExp) => pattern.test(message);
  if (has(/BadCertificateUntrusted/)) return `${endpoint}: the server's certificate is not trusted yet; check its fingerprint and trust it in Connections (nothing is trusted without that).`;
  if (has(/BadCertificate(TimeInvalid|IssuerTimeInvalid)/)) return `${endpoint}: the server's certificate is outside its validity dates.`;
  if (has(/BadCertificate|certificate verification failed/i)) return `${endpoint}: the server's certificate was refused (${firstStatus(message) ?? 'invalid'}).`;
  if (has(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/)) return `${endpoint} refused the user name or password.`;
  if (has(/BadSecurityChecksFailed/)) return `${endpoint} refused this console's certificate: trust it on the server (its fingerprint is shown in Connections).`;
  if (has(/Cannot find an Endpoint|cannot find endpoint/i)) return `${endpoint} offers no endpoint with this security mode and policy.`;
  if (has(/ECONNREFUSED/)) return `${endpoint} refused the connection: nothing listens on that port, or a firewall rejects it.`;
  if (has(/ENOTFOUND|EAI_AGAIN/)) return `${endpoint}: the host name could not be found.`;
  if (has(/EHOSTUNREACH|ENETUNREACH/)) return `${endpoint} cannot be reached from this machine.`;
  if (has(/timeout|timed out/i)) return `${endpoint} did not answer in time.`;
  const status = firstStatus(message);
  return `${endpoint}: ${status ?? message.split('\n')[0]!.replace(/\.$/, '').slice(0, 300)}.`;
}

function firstStatus(message: string): string | null {
  return /\b(Bad[A-Za-z]+)\b/.exec(message)?.[1] ?? null;
}
