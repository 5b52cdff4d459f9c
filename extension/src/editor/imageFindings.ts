/**
 * imageFindings is KubeLab's own check on container images: an image without a
 * tag means `:latest`, which moves under the pods (and makes imagePullPolicy
 * default to Always), so it is a warning with a version to pin where one is known.
 */
import type { KubeObject } from '../lab/api/types';
import { normalizeImage, repository } from '../lab/kubelet/images';
import type { Finding } from './findings';
import { containersOf } from './podTemplates';

/** PINNED_TAGS are the versions the quick fix pins well-known images to (the lab's catalogue of images that behave). */
const PINNED_TAGS: Record<string, string> = {
  'docker.io/library/nginx': '1.27',
  'docker.io/library/busybox': '1.36',
  'docker.io/library/alpine': '3.20',
  'docker.io/library/httpd': '2.4',
  'docker.io/library/redis': '7.4',
  'docker.io/library/postgres': '16.4',
  'docker.io/hashicorp/http-echo': '1.0',
  'registry.k8s.io/e2e-test-images/agnhost': '2.52',
  'registry.k8s.io/pause': '3.10',
};

/** floatingTag tells an image that names no version: no tag and no digest, or `:latest`. */
export function floatingTag(image: string): boolean {
  if (image.includes('@')) return false;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon < 0 || name.slice(colon + 1) === 'latest';
}

/** pinnedImage is image with a known version instead of no tag or `:latest`, if the image is a well-known one. */
export function pinnedImage(image: string): string | undefined {
  const tag = PINNED_TAGS[repository(normalizeImage(image))];
  if (!tag) return undefined;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const bare = name.includes(':') ? image.slice(0, image.lastIndexOf(':')) : image;
  return `${bare}:${tag}`;
}

/** imageFindings warns about each container whose image has no version. */
export function imageFindings(obj: KubeObject): Finding[] {
  const out: Finding[] = [];
  for (const c of containersOf(obj)) {
    const image = c.container.image;
    if (typeof image !== 'string' || !image.trim() || !floatingTag(image.trim())) continue;
    const pinned = pinnedImage(image.trim());
    const what = image.includes(':') ? `image "${image}" uses the moving tag latest` : `image "${image}" has no tag, so it means :latest`;
    out.push({
      severity: 'warning', stage: 'image', code: 'ImageTagLatest',
      message: `${what}: each node pulls whatever that is on the day, and imagePullPolicy defaults to Always. Pin a version${pinned ? ` such as ${pinned}` : ''}.`,
      paths: [`${c.path}.image`], placement: 'value',
      ...(pinned ? { fix: { kind: 'imageTag' as const, path: `${c.path}.image`, image: pinned } } : {}),
    });
  }
  return out;
}
