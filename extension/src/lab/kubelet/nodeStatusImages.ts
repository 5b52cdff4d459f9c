/**
 * nodeStatusImages is the kubelet's Images node status setter: the images on the
 * node, largest first, at most nodeStatusMaxImages of them (50 by default), each
 * with its digest and tag names (up to 5), as ImageLocality reads them.
 */
import type { PulledImage } from './runtime';

/** NODE_STATUS_MAX_IMAGES is the kubelet's default --node-status-max-images. */
export const NODE_STATUS_MAX_IMAGES = 50;
/** MAX_NAMES_PER_IMAGE is MaxNamesPerImageInNodeStatus. */
export const MAX_NAMES_PER_IMAGE = 5;

/** nodeStatusImages lists images for node.status.images; a negative max means no limit. */
export function nodeStatusImages(images: readonly PulledImage[], max = NODE_STATUS_MAX_IMAGES): { names: string[]; sizeBytes: number }[] {
  // sliceutils.ByImageSize: larger first, then by ID, descending.
  const sorted = [...images].sort((a, b) => b.sizeBytes - a.sizeBytes || (a.imageID < b.imageID ? 1 : a.imageID > b.imageID ? -1 : 0));
  const kept = max >= 0 ? sorted.slice(0, max) : sorted;
  // RepoDigests first, then RepoTags.
  return kept.map((i) => ({ names: [i.imageID, i.ref].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: i.sizeBytes }));
}
