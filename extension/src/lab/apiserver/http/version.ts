/**
 * version is the Kubernetes release the lab plays, served at /version as
 * k8s.io/apimachinery/pkg/version.Info. The lab is a distribution of 1.32 in
 * the way k3s is ("v1.32.0+k3s1"): the release with build metadata, so semver
 * comparisons against v1.32.0 hold, which a pre-release suffix would break.
 */

/** VersionInfo is version.Info's JSON, fields in upstream's order. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** KUBERNETES_VERSION is the one place the lab's Kubernetes version is written. */
export const KUBERNETES_VERSION = { major: 1, minor: 32, patch: 0 } as const;

/** VERSION_INFO is what /version answers. */
export const VERSION_INFO: VersionInfo = {
  major: String(KUBERNETES_VERSION.major),
  minor: String(KUBERNETES_VERSION.minor),
  gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}+kubelab`,
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '',
  goVersion: '',
  compiler: 'kubelab',
  platform: 'linux/amd64',
};

/** versionBody is responsewriters.WriteRawJSON's rendering: json.MarshalIndent with two spaces, no trailing newline. */
export function versionBody(info: VersionInfo = VERSION_INFO): string {
  return JSON.stringify(info, null, 2);
}
