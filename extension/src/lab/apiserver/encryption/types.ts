/**
 * types are the apiserver.config.k8s.io/v1 EncryptionConfiguration, the file
 * kube-apiserver's --encryption-provider-config names, as decoded JSON.
 */

/** Key is one named key of a provider; secret is base64. */
export interface Key {
  name: string;
  secret: string;
}

/** KMSConfiguration is a KMS plugin's settings (decoded, validated, but not served by the lab). */
export interface KMSConfiguration {
  apiVersion?: string;
  name?: string;
  cachesize?: number;
  endpoint?: string;
  timeout?: string;
}

/** ProviderConfiguration names exactly one provider. */
export interface ProviderConfiguration {
  aesgcm?: { keys?: Key[] };
  aescbc?: { keys?: Key[] };
  secretbox?: { keys?: Key[] };
  identity?: Record<string, never>;
  kms?: KMSConfiguration;
}

/** ResourceConfiguration is one entry: the group-resources it covers and their providers, the first of which writes. */
export interface ResourceConfiguration {
  resources: string[];
  providers: ProviderConfiguration[];
}

export interface EncryptionConfiguration {
  apiVersion: string;
  kind: string;
  resources: ResourceConfiguration[];
}

/** The only group-version the configuration is registered for. */
export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';
export const ENCRYPTION_CONFIG_KIND = 'EncryptionConfiguration';

/** GroupResource is schema.GroupResource; `*` matches any group or resource. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** parseGroupResource is schema.ParseGroupResource: `secrets` is the core group's, `deployments.apps` and `*.apps` name a group, `*.` is every core resource. */
export function parseGroupResource(s: string): GroupResource {
  const dot = s.indexOf('.');
  return dot < 0 ? { group: '', resource: s } : { group: s.slice(dot + 1), resource: s.slice(0, dot) };
}

/** grYAMLString is how upstream's errors name a group-resource: as written in the file. */
export function grYAMLString(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}
