/**
 * PodSecurity is the Pod Security Standards' admission plugin
 * (plugin/pkg/admission/security/podsecurity over k8s.io/pod-security-admission):
 * it checks pods and namespaces, and the pod templates of workload resources,
 * turning the decision into a refusal, `Warning` headers, and
 * `pod-security.kubernetes.io/*` audit annotations. The policy logic lives in podsecurity/.
 */
import type { Status } from '../../api/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { POD_SECURITY } from './names';
import { AUDIT_ANNOTATION_PREFIX, type Version } from './podsecurity/api';
import { type PodSecurityConfiguration, PodSecurityAdmission, hasPodSpec } from './podsecurity/admission';
import { DEFAULT_CHECKS } from './podsecurity/defaultChecks';
import { CheckRegistry } from './podsecurity/registry';

/** PodSecurityOptions configure the plugin: its configuration file, and the minor version `latest` stands for when the server emulates an older one. */
export interface PodSecurityOptions {
  configuration?: PodSecurityConfiguration;
  emulationVersion?: Version;
}

/** newPodSecurity returns the plugin. */
export function newPodSecurity(options: PodSecurityOptions = {}): AdmissionPlugin {
  const core = new PodSecurityAdmission(new CheckRegistry(DEFAULT_CHECKS, options.emulationVersion), options.configuration);
  return {
    name: POD_SECURITY,
    async validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return undefined;
      const applicable = a.type.group === '' && (a.type.resource === 'pods' || a.type.resource === 'namespaces');
      if (!applicable && !hasPodSpec(a.type.group, a.type.resource)) return undefined;
      const verdict = await core.validate(a, ctx);
      a.warnings.push(...verdict.warnings);
      for (const [k, v] of Object.entries(verdict.auditAnnotations)) a.auditAnnotations[AUDIT_ANNOTATION_PREFIX + k] = v;
      return verdict.status;
    },
  };
}
