/**
 * X509Authenticator takes the identity of a verified client certificate, as
 * request/x509's CommonNameUserConversion: the subject's CN is the username,
 * its Os are the groups (kubeadm's admin is CN=kubernetes-admin,
 * O=system:masters). Verifying the chain is the TLS layer's work.
 */
import { agnosticAudiences } from './audiences';
import type { AuthnRequest, AuthnResult, Authenticator } from './types';

/** X509Authenticator maps a client certificate's subject to a user. */
export class X509Authenticator implements Authenticator {
  constructor(private readonly apiAudiences: readonly string[]) {}

  authenticate(req: AuthnRequest): AuthnResult {
    const cert = req.clientCertificate;
    if (!cert?.commonName) return undefined;
    const auds = agnosticAudiences(this.apiAudiences, req.audiences);
    if (!auds) return undefined;
    return { user: { username: cert.commonName, groups: [...cert.organizations] }, audiences: auds };
  }
}
