/**
 * ImageLocality prefers nodes that already have the pod's images, by their size
 * scaled by how widely each image is spread (an image on every node says little
 * about any one of them), clamped between 23 MiB and 1000 MiB per container, as
 * upstream's plugin. It reads the images kubelets report in node.status.images,
 * which the scheduler cache summarizes per node.
 */
import type { Pod } from '../../api/types';
import { type CycleState, MAX_NODE_SCORE, type ScorePlugin } from '../framework/interfaces';
import { ImageLocality } from '../framework/names';
import type { ImageStateSummary, NodeInfo } from '../nodeInfo';

const MB = 1024 * 1024;
/** MIN_THRESHOLD is the image size below which a node scores 0. */
export const MIN_THRESHOLD = 23 * MB;
/** MAX_CONTAINER_THRESHOLD is, per container, the image size at which a node scores 100. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** SnapshotLister is the part of the framework handle the plugin needs: the cycle's snapshot, for the number of nodes. */
export interface SnapshotLister {
  snapshot(): { readonly numNodes: number };
}

/** normalizedImageName is normalizedImageName: `:latest` when the reference names no tag (nothing else is expanded). */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** scaledImageScore is the image's size times the share of nodes that have it. */
export function scaledImageScore(state: ImageStateSummary, totalNodes: number): number {
  return Math.trunc(state.size * (state.numNodes / totalNodes));
}

/** calculatePriority maps the summed image scores onto 0..100 between the thresholds. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

/** sumImageScores adds up the scaled scores of the pod's init and app container images node has (node.imageStates, kept by the cache). */
export function sumImageScores(pod: Pod, node: NodeInfo, totalNodes: number, images = podImages(pod)): number {
  let sum = 0;
  for (const image of images) {
    const state = node.imageStates.get(image);
    if (state) sum += scaledImageScore(state, totalNodes);
  }
  return sum;
}

/** podImages are the normalized images of the pod's init and app containers, in that order. */
export function podImages(pod: Pod): string[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
}

const IMAGES_STATE_KEY = `PreScore${ImageLocality}`;

/** imagesFor is podImages kept in the cycle's state, so a cycle names the pod's images once rather than per node. */
function imagesFor(state: CycleState, pod: Pod): string[] {
  const held = state.get(IMAGES_STATE_KEY) as { pod: Pod; images: string[] } | undefined;
  if (held?.pod === pod) return held.images;
  const images = podImages(pod);
  state.set(IMAGES_STATE_KEY, { pod, images });
  return images;
}

/** imageLocalityScore is the plugin's score for pod on node in a cluster of totalNodes nodes. */
export function imageLocalityScore(pod: Pod, node: NodeInfo, totalNodes: number, images = podImages(pod)): number {
  return calculatePriority(sumImageScores(pod, node, totalNodes, images), images.length);
}

/**
 * imageLocality builds the plugin; the handle's snapshot tells how many nodes the
 * cluster has, which an image's spread is measured against.
 */
export function imageLocality(handle: SnapshotLister): ScorePlugin {
  return {
    name: ImageLocality,
    score(state: CycleState, pod: Pod, node: NodeInfo): number {
      return imageLocalityScore(pod, node, handle.snapshot().numNodes, imagesFor(state, pod));
    },
  };
}
