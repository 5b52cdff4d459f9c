/**
 * images is the image catalogue: what the simulated runtime knows about an image
 * — its size (pulls take time, locality matters), its base (busybox, Alpine,
 * Debian, or distroless with no shell at all), and its config: entrypoint, cmd,
 * environment and working directory, as `docker inspect` shows them. Unknown
 * images get a typical size, a Debian base, and run as long-lived processes.
 */
import { fnv32a } from '../controllers/controllerUtils';

/** ImageBase is what an image is built on, which decides its shell and tools. */
export type ImageBase = 'busybox' | 'alpine' | 'debian' | 'distroless';

export interface ImageInfo {
  sizeBytes: number;
  base: ImageBase;
  entrypoint?: string[];
  cmd?: string[];
  /** env is the image config's Env, in order. */
  env: [string, string][];
  workingDir?: string;
}

/** DEFAULT_PATH is the PATH nearly every image sets. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PATH: [string, string] = ['PATH', DEFAULT_PATH];

const CATALOGUE: Record<string, ImageInfo> = {
  'registry.k8s.io/pause': { sizeBytes: 320_368, base: 'distroless', entrypoint: ['/pause'], env: [PATH] },
  'docker.io/library/nginx': {
    sizeBytes: 72_188_133, base: 'debian', entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'],
    env: [PATH, ['NGINX_VERSION', ''], ['NJS_VERSION', '0.8.10'], ['NJS_RELEASE', '1~bookworm'], ['PKG_RELEASE', '1~bookworm'], ['DYNPKG_RELEASE', '1~bookworm']],
  },
  'docker.io/library/busybox': { sizeBytes: 2_160_406, base: 'busybox', cmd: ['sh'], env: [PATH] },
  'docker.io/library/alpine': { sizeBytes: 3_653_068, base: 'alpine', cmd: ['/bin/sh'], env: [PATH] },
  'docker.io/library/debian': { sizeBytes: 48_494_272, base: 'debian', cmd: ['bash'], env: [PATH] },
  'docker.io/library/httpd': {
    sizeBytes: 58_200_000, base: 'debian', cmd: ['httpd-foreground'], workingDir: '/usr/local/apache2',
    env: [['PATH', `/usr/local/apache2/bin:${DEFAULT_PATH}`], ['HTTPD_PREFIX', '/usr/local/apache2'], ['HTTPD_VERSION', '2.4.63']],
  },
  'docker.io/hashicorp/http-echo': { sizeBytes: 3_800_000, base: 'distroless', entrypoint: ['/http-echo'], env: [PATH] },
  'registry.k8s.io/coredns/coredns': { sizeBytes: 18_562_039, base: 'distroless', entrypoint: ['/coredns'], env: [PATH] },
  // kubeadm's control plane: the static pods' images (their command comes from the manifest).
  'registry.k8s.io/kube-apiserver': { sizeBytes: 28_671_624, base: 'distroless', env: [PATH] },
  'registry.k8s.io/kube-controller-manager': { sizeBytes: 26_259_392, base: 'distroless', env: [PATH] },
  'registry.k8s.io/kube-scheduler': { sizeBytes: 20_657_536, base: 'distroless', env: [PATH] },
  'registry.k8s.io/etcd': { sizeBytes: 57_680_541, base: 'distroless', env: [PATH] },
  'registry.k8s.io/e2e-test-images/agnhost': { sizeBytes: 51_200_000, base: 'debian', entrypoint: ['/agnhost'], env: [PATH] },
  'docker.io/library/redis': { sizeBytes: 45_000_000, base: 'debian', entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], workingDir: '/data', env: [PATH, ['REDIS_VERSION', '7.4.2']] },
  'docker.io/library/postgres': {
    sizeBytes: 158_000_000, base: 'debian', entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'],
    env: [['PATH', `/usr/lib/postgresql/17/bin:${DEFAULT_PATH}`], ['PG_MAJOR', '17'], ['PGDATA', '/var/lib/postgresql/data']],
  },
};

const UNKNOWN_IMAGE_SIZE = 50_000_000;

/** normalizeImage expands a reference as containerd does: `nginx:1.27` → `docker.io/library/nginx:1.27`, `:latest` when untagged. */
export function normalizeImage(image: string): string {
  let ref = image.trim();
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  if (firstSlash < 0) ref = `docker.io/library/${ref}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') ref = `docker.io/${ref}`;
  const name = ref.split('@')[0];
  if (!ref.includes('@') && name.lastIndexOf(':') <= name.lastIndexOf('/')) ref = `${ref}:latest`;
  return ref;
}

/** repository is the reference without tag or digest. */
export function repository(normalized: string): string {
  const name = normalized.split('@')[0];
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** tagOf is the reference's tag (`latest` when it has only a digest). */
export function tagOf(normalized: string): string {
  const name = normalized.split('@')[0];
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

/** imageInfo is the catalogue's entry for an image, with config values that follow its tag filled in. */
export function imageInfo(normalized: string): ImageInfo {
  const known = CATALOGUE[repository(normalized)];
  if (!known) return { sizeBytes: UNKNOWN_IMAGE_SIZE, base: 'debian', env: [PATH] };
  if (repository(normalized) !== 'docker.io/library/nginx') return known;
  return { ...known, env: known.env.map(([k, v]) => [k, k === 'NGINX_VERSION' ? nginxVersion(normalized) : v]) };
}

/** catalogued tells whether the catalogue knows the image, so its files and programs are what the lab says they are. */
export function catalogued(normalized: string): boolean {
  return repository(normalized) in CATALOGUE;
}

/** The nginx releases an `X.Y` tag points at. */
const NGINX_RELEASES: Record<string, string> = { '1.25': '1.25.5', '1.26': '1.26.3', '1.27': '1.27.5' };
const NGINX_LATEST = '1.27.5';

/** nginxVersion is the nginx release an nginx image's tag stands for. */
export function nginxVersion(normalized: string): string {
  const tag = tagOf(normalized);
  return /^\d+\.\d+\.\d+/.exec(tag)?.[0] ?? NGINX_RELEASES[/^\d+\.\d+/.exec(tag)?.[0] ?? ''] ?? NGINX_LATEST;
}

/** digestOf gives an image a stable sha256-looking digest derived from its reference. */
export function digestOf(normalized: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i++) hex += fnv32a(`${i}:${normalized}`).toString(16).padStart(8, '0');
  return `sha256:${hex.slice(0, 64)}`;
}

/** processArgv is what a container runs, as the runtime combines them: the pod's command or the entrypoint, then the pod's args or (without a command) the image's cmd. */
export function processArgv(info: ImageInfo, command: string[] | undefined, args: string[] | undefined): string[] {
  const entry = command ?? info.entrypoint ?? [];
  const rest = args ?? (command ? [] : (info.cmd ?? []));
  return [...entry, ...rest];
}
