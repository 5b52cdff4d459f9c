/**
 * labPki is the lab cluster's certificate set, as `kubeadm init` leaves it in
 * /etc/kubernetes/pki and admin.conf: the cluster CA, the API server's serving
 * certificate, and the admin's client certificate.
 */
import { API_SERVER_NAMES, type Entropy, type KeyPair, type Subject, newCA, newClientCert, newServerCert } from './certificates';

/** LabPki is the CA and the pairs it signed. */
export interface LabPki {
  ca: KeyPair;
  apiServer: KeyPair;
  admin: KeyPair;
}

/** API_SERVER_SUBJECT is the serving certificate's subject, as kubeadm's apiserver certificate. */
export const API_SERVER_SUBJECT: Subject = { commonName: 'kube-apiserver' };

/**
 * ADMIN_SUBJECT is the lab's ADMIN identity. kubeadm 1.29+ gives admin.conf
 * O=kubeadm:cluster-admins and binds that group to cluster-admin in its own init
 * phase; the API server's bootstrap policy, which is all the lab creates, binds
 * cluster-admin only to system:masters (kubeadm's super-admin.conf), so the
 * admin certificate carries system:masters.
 */
export const ADMIN_SUBJECT: Subject = { commonName: 'kubernetes-admin', organizations: ['system:masters'] };

/** createLabPki issues a fresh CA, the API server's serving pair and the admin's client pair at time now. */
export function createLabPki(entropy: Entropy, now: number, admin: Subject = ADMIN_SUBJECT): LabPki {
  const ca = newCA(entropy, now);
  return {
    ca,
    apiServer: newServerCert(ca, entropy, now, API_SERVER_SUBJECT, API_SERVER_NAMES),
    admin: newClientCert(ca, entropy, now, admin),
  };
}
