/**
 * images is the image catalogue: what the simulated runtime knows about an image
 * (its size, so pulls take time and locality matters). Unknown images get a
 * typical size and run as long-lived processes.
 */
import { fnv32a } from '../controllers/controllerUtils';

export interface ImageInfo {
  sizeBytes: number;
}

const CATALOGUE: Record<string, ImageInfo> = {
  'registry.k8s.io/pause': { sizeBytes: 320_368 },
  'docker.io/library/nginx': { sizeBytes: 72_188_133 },
  'docker.io/library/busybox': { sizeBytes: 2_160_406 },
  'docker.io/library/alpine': { sizeBytes: 3_653_068 },
  'docker.io/library/httpd': { sizeBytes: 58_200_000 },
  'docker.io/hashicorp/http-echo': { sizeBytes: 3_800_000 },
  'registry.k8s.io/e2e-test-images/agnhost': { sizeBytes: 51_200_000 },
  'docker.io/library/redis': { sizeBytes: 45_000_000 },
  'docker.io/library/postgres': { sizeBytes: 158_000_000 },
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

export function imageInfo(normalized: string): ImageInfo {
  return CATALOGUE[repository(normalized)] ?? { sizeBytes: UNKNOWN_IMAGE_SIZE };
}

/** digestOf gives an image a stable sha256-looking digest derived from its reference. */
export function digestOf(normalized: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i++) hex += fnv32a(`${i}:${normalized}`).toString(16).padStart(8, '0');
  return `sha256:${hex.slice(0, 64)}`;
}
