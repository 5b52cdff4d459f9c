/**
 * SimulatedRuntime is the node's container runtime, shaped like CRI: pull an
 * image, run a pod sandbox (which gets the pod's IP), create, start and stop
 * containers. Nothing really runs; time passes on the lab's clock.
 */
import type { Clock } from '../clock';
import { hexString, type Random } from '../random';
import { digestOf, imageInfo, normalizeImage } from './images';

/** Simulated registry bandwidth: pulls take size / bandwidth. */
export const PULL_BYTES_PER_SECOND = 40_000_000;
/** Sandbox creation and container start take this long. */
const SANDBOX_MS = 300;
const START_MS = 100;

export interface PulledImage {
  ref: string;
  imageID: string;
  sizeBytes: number;
}

export interface ContainerRecord {
  id: string;
  name: string;
  image: PulledImage;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
}

export interface Sandbox {
  id: string;
  podUID: string;
  ip: string;
  containers: Map<string, ContainerRecord>;
}

export class SimulatedRuntime {
  private readonly images = new Map<string, PulledImage>();
  private readonly pulls = new Map<string, Promise<PulledImage>>();
  private readonly sandboxes = new Map<string, Sandbox>();

  constructor(private readonly clock: Clock, private readonly random: Random, private readonly allocateIP: () => string | undefined, private readonly releaseIP: (ip: string) => void) {}

  /** imageStatus returns the image if it is on the node. */
  imageStatus(image: string): PulledImage | undefined {
    return this.images.get(normalizeImage(image));
  }

  /** listImages is what the kubelet reports in node.status.images. */
  listImages(): PulledImage[] {
    return [...this.images.values()];
  }

  /** pullImage downloads an image; concurrent pulls of one image share the download. */
  pullImage(image: string): Promise<PulledImage> {
    const ref = normalizeImage(image);
    const inflight = this.pulls.get(ref);
    if (inflight) return inflight;
    const { sizeBytes } = imageInfo(ref);
    const pulled: PulledImage = { ref, imageID: `${ref.split(':').slice(0, -1).join(':') || ref}@${digestOf(ref)}`, sizeBytes };
    const p = this.sleep(Math.round((sizeBytes / PULL_BYTES_PER_SECOND) * 1000)).then(() => {
      this.images.set(ref, pulled);
      this.pulls.delete(ref);
      return pulled;
    });
    this.pulls.set(ref, p);
    return p;
  }

  /** runPodSandbox creates the pod's network namespace and pause container; undefined when no IP is left. */
  async runPodSandbox(podUID: string): Promise<Sandbox | undefined> {
    const existing = this.sandboxes.get(podUID);
    if (existing) return existing;
    const ip = this.allocateIP();
    if (!ip) return undefined;
    await this.sleep(SANDBOX_MS);
    const sandbox: Sandbox = { id: hexString(this.random, 64), podUID, ip, containers: new Map() };
    this.sandboxes.set(podUID, sandbox);
    return sandbox;
  }

  createContainer(sandbox: Sandbox, name: string, image: PulledImage): ContainerRecord {
    const c: ContainerRecord = { id: hexString(this.random, 64), name, image };
    sandbox.containers.set(name, c);
    return c;
  }

  async startContainer(c: ContainerRecord): Promise<void> {
    await this.sleep(START_MS);
    c.startedAt = this.clock.now();
  }

  /** stopContainer sends SIGTERM; the simulated processes exit promptly with 0. */
  async stopContainer(c: ContainerRecord): Promise<void> {
    if (c.finishedAt !== undefined || c.startedAt === undefined) return;
    await this.sleep(START_MS);
    c.finishedAt = this.clock.now();
    c.exitCode = 0;
  }

  removePodSandbox(podUID: string): void {
    const s = this.sandboxes.get(podUID);
    if (!s) return;
    this.releaseIP(s.ip);
    this.sandboxes.delete(podUID);
  }

  sandbox(podUID: string): Sandbox | undefined {
    return this.sandboxes.get(podUID);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }
}
