/**
 * controlPlaneReplicas runs the control plane's replicated components as
 * kubeadm's static pods run them with --leader-elect: every kube-scheduler and
 * kube-controller-manager replica campaigns for its component's Lease in
 * kube-system, and only the one holding it runs the component. Fault
 * injection stops or kills the leader here, and the standbys take over.
 */
import type { UserInfo } from './apiserver/auth/types';
import { EventRecorder } from './client/eventRecorder';
import { LeaderElector } from './client/leaderElection';
import type { Lab } from './lab';
import { uuid } from './random';

/** CONTROL_PLANE_HOSTNAME is the control-plane node's hostname, the first half of a leader's identity (os.Hostname() upstream). */
export const CONTROL_PLANE_HOSTNAME = 'control-plane';
/** The leader-election Leases in kube-system: --leader-elect-resource-name's defaults. */
export const KUBE_SCHEDULER_LEASE = 'kube-scheduler';
export const KUBE_CONTROLLER_MANAGER_LEASE = 'kube-controller-manager';

/** ControlPlaneReplicas are the lab's leader-electing replicas, each a LeaderElector for its component's Lease. */
export class ControlPlaneReplicas {
  /** electors run the scheduler and the controller manager, each once it holds its leader-election Lease. */
  private readonly electors: LeaderElector[] = [];
  /** leaseOf names each elector's lease. */
  private readonly leaseOf = new WeakMap<LeaderElector, string>();
  /** rerunOf starts a new candidate in an elector's place, as the kubelet restarts a killed control-plane container. */
  private readonly rerunOf = new WeakMap<LeaderElector, () => Promise<void>>();

  constructor(private readonly lab: Lab) {}

  /**
   * elect runs a control-plane component as kube-scheduler and
   * kube-controller-manager run with --leader-elect: a candidate for the Lease
   * in kube-system that starts the component once it leads. Losing the lease
   * ends the process upstream and its static pod comes back as a new candidate;
   * here the component stops and a new candidate, with a new identity, campaigns.
   * It settles after the first attempt (and the component's start when it won).
   */
  elect(lease: string, user: UserInfo, eventSource: string, releaseOnCancel: boolean, make: () => { start(): Promise<void>; stop(): void }): Promise<void> {
    const clock = this.lab.config.clock;
    const client = this.lab.client(user);
    let component: { start(): Promise<void>; stop(): void } | undefined;
    const elector = new LeaderElector({
      client, clock, random: this.lab.random,
      lock: { namespace: 'kube-system', name: lease, identity: `${CONTROL_PLANE_HOSTNAME}_${uuid(this.lab.random)}` },
      releaseOnCancel,
      recorder: new EventRecorder(client, clock, { component: eventSource }),
      callbacks: {
        onStartedLeading: async () => {
          component = make();
          await component.start();
        },
        onStoppedLeading: () => {
          component?.stop();
          component = undefined;
          // stopAll takes its electors out of the list first: only a lost lease gets here while listed.
          const i = this.electors.indexOf(elector);
          if (i < 0) return;
          this.electors.splice(i, 1);
          void this.elect(lease, user, eventSource, releaseOnCancel, make);
        },
      },
    });
    this.electors.push(elector);
    this.leaseOf.set(elector, lease);
    this.rerunOf.set(elector, () => this.elect(lease, user, eventSource, releaseOnCancel, make));
    return elector.run();
  }

  /**
   * stopLeader stops the replica holding lease, as killing the leading
   * kube-scheduler does: it releases the lease on the way out and a standby
   * takes over at its next retry. The stopped replica does not come back.
   * Returns the identity that was stopped, or an error when no replica leads.
   */
  async stopLeader(lease: string): Promise<{ identity: string } | { error: string }> {
    const leader = this.electors.find((e) => e.isLeader && this.leaseOf.get(e) === lease);
    if (!leader) return { error: `no replica holds the ${lease} lease` };
    this.electors.splice(this.electors.indexOf(leader), 1);
    await leader.stop();
    return { identity: leader.identity };
  }

  /**
   * killLeader kills the replica holding lease as SIGKILL does: it releases
   * nothing, so a standby takes over once the lease expires; the replica comes
   * back as a new candidate with a new identity, as the kubelet restarts a
   * killed control-plane container. Returns the identity killed.
   */
  async killLeader(lease: string): Promise<{ identity: string } | { error: string }> {
    if (this.lab.state !== 'running') return { error: 'the lab is not running' };
    const leader = this.electors.find((e) => e.isLeader && this.leaseOf.get(e) === lease);
    if (!leader) return { error: `no replica holds the ${lease} lease` };
    this.electors.splice(this.electors.indexOf(leader), 1);
    await leader.stop({ release: false });
    void this.rerunOf.get(leader)?.();
    return { identity: leader.identity };
  }

  /** candidates counts the replicas campaigning for lease, the leader included. */
  candidates(lease: string): number {
    return this.electors.filter((e) => this.leaseOf.get(e) === lease).length;
  }

  /** leaders lists the identities holding each leader-election lease, as the candidates see them. */
  leaders(): { lease: string; identity: string }[] {
    return this.electors.filter((e) => e.isLeader).map((e) => ({ lease: this.leaseOf.get(e) ?? '', identity: e.identity }));
  }

  /** stopAll stops every replica at once; the promise settles when the leaders have given up their leases. */
  stopAll(): Promise<void> {
    return Promise.all(this.electors.splice(0).map((e) => e.stop())).then(() => undefined);
  }
}
