/**
 * Lab is the composition root: from a LabConfig it builds the store, the API
 * server, the controller manager, the scheduler and one kubelet per node, each
 * component an API client of the server and nothing else. It owns the clock and
 * the random source they all share.
 */
import { ApiServer, type ApiRequest } from './apiserver/apiServer';
import { DEFAULT_API_AUDIENCES } from './apiserver/apiServer';
import { BearerTokenAuthenticator, type TokenAuthenticator } from './apiserver/auth/bearerToken';
import { bootstrapPolicy } from './apiserver/auth/bootstrapPolicy';
import { API_SERVER_ADDRESS, API_SERVER_PORT, kubernetesServiceObjects } from './controllers/kubernetesService';
import { ServiceAccountTokenAuthenticator, TokenGenerator } from './apiserver/auth/serviceAccountToken';
import { StaticTokenAuthenticator } from './apiserver/auth/tokenFile';
import type { Authorizer, UserInfo } from './apiserver/auth/types';
import { unionAuthenticator } from './apiserver/auth/unionAuthenticator';
import { defaultAuthorizer } from './apiserver/auth/unionAuthorizer';
import { X509Authenticator } from './apiserver/auth/x509';
import { mutatingAdmissionWebhook } from './apiserver/admission/mutatingWebhook';
import { builtinPlugins } from './apiserver/admission/plugins';
import { newValidatingAdmissionPolicy } from './apiserver/admission/validatingAdmissionPolicy';
import { validatingAdmissionWebhook } from './apiserver/admission/validatingWebhook';
import { type HttpTransport, createHttpTransport } from './apiserver/admission/webhook/httpTransport';
import { AuditSink } from './apiserver/audit/sink';
import { type Timer, settle } from './clock';
import { InProcessTransport } from './client/transport';
import { KubeClient } from './client/kubeClient';
import { NAMESPACES } from './client/resources';
import { ControllerManager } from './controllers/controllerManager';
import type { Kubelet } from './kubelet/kubelet';
import { kubeProxyPolicy } from './network/proxyRuleSet';
import { installCoreDns } from './network/dns/coreDnsAddon';
import { DnsNetwork } from './network/dns/dnsNetwork';
import { KUBE_DNS_SERVICE_IP } from './network/dns/coreDnsAddon';
import { ClusterNetwork } from './network/clusterNetwork';
import { HostPorts } from './network/hostPorts';
import { PacketTracer } from './network/packetTracer';
import { NodePartition } from './partition';
import { networkPolicy } from './network/packetTrace';
import { SeededRandom, hexString, type Random } from './random';
import { Scheduler } from './scheduler/scheduler';
import { LOCAL_PATH_PROVISIONER_USER, LocalPathProvisioner, installLocalPathStorage } from './storage/localPathProvisioner';
import { schedulerLabPolicy } from './scheduler/labPolicy';
import { SERVICE_CIDR } from './apiserver/registry/serviceAlloc';
import { MemoryStore } from './store/memoryStore';
import { Compactor } from './store/compactor';
import type { DurableStore } from './store/durableStore';
import { quotaError } from './store/quota';
import { EtcdStore } from './store/etcdStore';
import { encryptionTransformers } from './apiserver/encryption/config';
import type { StoreSnapshot } from './store/snapshot';
import { type Store, type StoreAdmin, asStoreAdmin } from './store/store';
import { type LabConfig, NODE_CIDR_MASK_SIZE, clusterCIDRFor, nodeCapacityError, proxyModeError } from './labConfig';
import { ADMIN, CONTROLLER_MANAGER, SCHEDULER, controllerUser } from './identities';
import { ControlPlaneReplicas, KUBE_CONTROLLER_MANAGER_LEASE, KUBE_SCHEDULER_LEASE } from './controlPlaneReplicas';
import * as labNodes from './labNodes';
import type { KubeProxy } from './network/kubeProxy';

// The lab's callers import these from here; each lives in its concept's module.
export { type KubeProxyMode, type LabConfig, type StoreConfig, CLUSTER_CIDR, NODE_CIDR_MASK_SIZE, clusterCIDRFor, nodeCapacityError, proxyModeError } from './labConfig';
export { ADMIN, CONTROLLER_MANAGER, KUBE_PROXY, SCHEDULER, controllerUser, nodeUser } from './identities';
export { CONTROL_PLANE_HOSTNAME, KUBE_CONTROLLER_MANAGER_LEASE, KUBE_SCHEDULER_LEASE } from './controlPlaneReplicas';
export { nodeIPFor } from './labNodes';

/** The issuer of the lab's service account tokens, as kubeadm's default. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** System namespaces the API server's bootstrap creates. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** EXTERNAL_ETCD_SNAPSHOTS is why the lab does not snapshot a store it does not own. */
const EXTERNAL_ETCD_SNAPSHOTS = 'the lab runs on an external etcd: take and restore its snapshots with etcdctl snapshot save and etcdctl snapshot restore';

/** Upstream's apiserver compacts etcd every 5 minutes. */
const DEFAULT_COMPACTION_MS = 5 * 60_000;

export type LabState = 'stopped' | 'starting' | 'running' | 'stopping';

export class Lab {
  readonly store: Store;
  /** memory is the embedded store itself (durable when config.durable is set), for snapshots. */
  private readonly memory: MemoryStore | DurableStore;
  /** etcd is the store when the lab runs on a real etcd (the embedded store then stays empty). */
  private readonly etcd?: EtcdStore;
  readonly server: ApiServer;
  readonly random: Random;
  readonly kubelets: Kubelet[] = [];
  /** kubeProxies are the nodes' kube-proxies, one per kubelet. */
  readonly kubeProxies: KubeProxy[] = [];
  /** provisioner is the default StorageClass's dynamic provisioner, as kind's local-path-provisioner. */
  private provisioner?: LocalPathProvisioner;
  private compactTimer?: Timer;
  /** storeAdmin is the store's maintenance (status, defrag, alarms; compact is the store's own), when its backend has one. */
  readonly storeAdmin?: StoreAdmin;
  /** compactor runs the store's auto-compaction policy, when one is configured. */
  private readonly compactor?: Compactor;
  private lastCompactRevision = 0;
  state: LabState = 'stopped';
  /** tokens are the static bearer tokens of the lab's identities (upstream's --token-auth-file). */
  private readonly tokens = new Map<string, UserInfo>();
  private readonly tokenOf = new Map<string, string>();
  private readonly webhookTransport: HttpTransport;
  /** network carries the pods' DNS traffic and runs the CoreDNS processes of coredns containers. */
  readonly network: DnsNetwork;
  /** traffic is the pod network's data plane: the network model, each node's rules, the packet engine. */
  readonly traffic: ClusterNetwork;
  /** hostPorts forwards the node ports from 127.0.0.1 while the lab runs, when the config asks. */
  hostPorts?: HostPorts;
  private tracer?: PacketTracer;
  /** clusterCIDR is the pod network (--cluster-cidr) the node IPAM cuts the nodes' ranges from. */
  readonly clusterCIDR: string;
  /** partition is which nodes are cut off the network (fault injection's cutNodeOff): their components' API traffic and their pods' packets. */
  readonly partition = new NodePartition();
  /** replicas are the scheduler's and the controller manager's leader-electing replicas. */
  private readonly replicas = new ControlPlaneReplicas(this);

  constructor(readonly config: LabConfig) {
    const badConfig = nodeCapacityError(config.nodeCapacity) ?? proxyModeError(config.kubeProxyMode) ?? (config.storeQuotaBytes === undefined ? undefined : quotaError(config.storeQuotaBytes))
      ?? (config.eventTTLSeconds === undefined || (Number.isSafeInteger(config.eventTTLSeconds) && config.eventTTLSeconds > 0) ? undefined : `eventTTLSeconds must be a positive whole number of seconds, not ${config.eventTTLSeconds}`);
    if (badConfig) throw new Error(badConfig);
    this.random = new SeededRandom(config.seed ?? 1);
    this.clusterCIDR = clusterCIDRFor(config.nodes);
    if (config.durable && config.store?.backend === 'etcd') throw new Error('a lab on an external etcd keeps no store of its own: drop the durable store or the etcd backend');
    this.memory = config.durable ?? new MemoryStore({ clock: config.clock, ...(config.storeQuotaBytes === undefined ? {} : { quotaBytes: config.storeQuotaBytes }) });
    const backend = config.store ?? { backend: 'embedded' };
    if (backend.backend === 'etcd') {
      if (config.snapshot) throw new Error('a snapshot cannot be restored into an external etcd: use etcdctl snapshot restore');
      this.etcd = new EtcdStore({ endpoints: backend.endpoints, ...(backend.requestTimeoutMs ? { requestTimeoutMs: backend.requestTimeoutMs } : {}) });
    } else if (backend.backend !== 'embedded') {
      throw new Error(`unknown store backend ${JSON.stringify((backend as { backend: unknown }).backend)}: must be embedded or etcd`);
    }
    this.store = this.etcd ?? this.memory;
    this.storeAdmin = asStoreAdmin(this.store);
    if (config.autoCompaction) this.compactor = new Compactor(this.store, config.clock, config.autoCompaction);
    // Node,RBAC authorization over the server's own caches; bound once the server exists.
    const late: { authorizer?: Authorizer } = {};
    const tokenAuthenticators: TokenAuthenticator[] = [new StaticTokenAuthenticator(this.tokens, DEFAULT_API_AUDIENCES)];
    const key = config.serviceAccountKey;
    const encryption = config.encryption ? encryptionTransformers(config.encryption.config, {
      randomBytes: config.encryption.randomBytes,
      record: (type, prefix, status) => this.server.metrics.recordTransformation(type, prefix, status),
    }) : undefined;
    if (encryption && 'error' in encryption) throw new Error(encryption.error);
    this.server = new ApiServer({
      store: this.store, clock: config.clock, random: this.random,
      // kube-apiserver's order (pkg/kubeapiserver/authenticator/config.go): a verified client certificate wins over a bearer token sent beside it.
      authenticators: [unionAuthenticator([new X509Authenticator(DEFAULT_API_AUDIENCES), new BearerTokenAuthenticator(tokenAuthenticators)])],
      authorizer: { authorize: (a) => (late.authorizer as Authorizer).authorize(a) },
      // A cut-off node's kubelet gets no packets from the API server either.
      nodeNetwork: this.partition,
      ...(key ? { tokenIssuer: { generator: new TokenGenerator(SERVICE_ACCOUNT_ISSUER, key) } } : {}),
      ...(config.stopwatch ? { stopwatch: config.stopwatch } : {}),
      ...(config.schedulingDecisions === undefined ? {} : { decisionCapacity: config.schedulingDecisions }),
      ...(config.eventTTLSeconds === undefined ? {} : { eventTTLSeconds: config.eventTTLSeconds }),
      ...(encryption ? { encryption } : {}),
      // Audit IDs come from a stream of their own, so turning auditing on leaves the lab's generated names as they were.
      ...(config.audit ? { audit: { sink: new AuditSink(config.audit.write), random: new SeededRandom(~(config.seed ?? 1)), ...(config.audit.policy ? { policy: config.audit.policy } : {}) } } : {}),
    });
    late.authorizer = defaultAuthorizer(this.server.cache, this.server.pods);
    // kube-apiserver's default admission plugins, with the policy and webhook plugins in their places.
    this.webhookTransport = createHttpTransport();
    const webhooks = { transport: this.webhookTransport, random: this.random };
    const chain = builtinPlugins({
      random: this.random,
      ...(config.admissionPlugins?.enable ? { enable: config.admissionPlugins.enable } : {}),
      ...(config.admissionPlugins?.disable ? { disable: config.admissionPlugins.disable } : {}),
      external: [
        newValidatingAdmissionPolicy((apiVersion, kind) => this.server.resources.forKind(apiVersion, kind)),
        mutatingAdmissionWebhook(webhooks),
        validatingAdmissionWebhook(webhooks),
      ],
    });
    if (!Array.isArray(chain)) throw new Error(chain.error);
    this.server.useAdmission(chain);
    const nodeOf = (ip: string): string | undefined => this.kubelets.find((k) => k.runtime.hasPodIP(ip))?.nodeName;
    this.network = new DnsNetwork(config.clock, {
      isPodIP: (ip) => this.kubelets.some((k) => k.runtime.hasPodIP(ip)),
      reachable: (from, to) => this.partition.reachable(nodeOf(from), nodeOf(to)),
      proxyStateFor: (ip) => {
        const node = nodeOf(ip);
        return (this.kubeProxies.find((p) => p.nodeName === node) ?? this.kubeProxies[0])?.state;
      },
      inClusterClient: (namespace, name, podIP) => this.client({ username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] }, nodeOf(podIP)),
    });
    // The rules' random draws (statistic, numgen) come from a stream of their own, so traffic leaves the lab's generated names as they were.
    this.traffic = new ClusterNetwork({
      clock: config.clock, random: new SeededRandom((config.seed ?? 1) ^ 0x7e7f1c),
      runtimeOf: (node) => this.kubelets.find((k) => k.nodeName === node)?.runtime,
      proxyOf: (node) => this.kubeProxies.find((p) => p.nodeName === node),
      isCutOff: (node) => this.partition.isCutOff(node),
      clusterCIDR: this.clusterCIDR,
    });
    if (key) tokenAuthenticators.push(new ServiceAccountTokenAuthenticator([SERVICE_ACCOUNT_ISSUER], [key], DEFAULT_API_AUDIENCES, this.server.objects, config.clock));
  }

  /** tokenFor returns the bearer token of an identity, minting one on first use. */
  tokenFor(user: UserInfo): string {
    let token = this.tokenOf.get(user.username);
    if (!token) {
      token = hexString(this.random, 32);
      this.tokenOf.set(user.username, token);
      this.tokens.set(token, user);
    }
    return token;
  }

  /** client returns an API client acting as user (the admin by default), as a component gets its own credentials; a node's components reach the server over the node's network, which the partition can cut. */
  client(user: UserInfo = ADMIN, node?: string): KubeClient {
    return new KubeClient(this.partition.transport(node, new InProcessTransport(this.server, this.tokenFor(user))));
  }

  /** asAdmin stamps a request from the editor with the admin's credentials. */
  asAdmin(req: ApiRequest): ApiRequest {
    return { ...req, headers: { ...req.headers, authorization: `Bearer ${this.tokenFor(ADMIN)}` } };
  }

  /** startApiServer primes the API server and runs its bootstrap (system namespaces), without the other components. */
  async startApiServer(): Promise<void> {
    await this.server.start();
    const bootstrap = this.client();
    for (const name of SYSTEM_NAMESPACES) await bootstrap.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    // The rbac/bootstrap-roles post-start hook: the default roles and bindings every component's access rests on.
    const policy = bootstrapPolicy();
    const rbac = (resource: string, namespaced: boolean) => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, namespaced });
    for (const r of policy.clusterRoles) await bootstrap.create(rbac('clusterroles', false), r);
    for (const b of policy.clusterRoleBindings) await bootstrap.create(rbac('clusterrolebindings', false), b);
    for (const r of policy.roles) await bootstrap.create(rbac('roles', true), r);
    for (const b of policy.roleBindings) await bootstrap.create(rbac('rolebindings', true), b);
    // The lab's own grant beside system:node-proxier: kube-proxies publish their rule sets (proxyrulesets).
    const proxyPolicy = kubeProxyPolicy();
    await bootstrap.create(rbac('clusterroles', false), proxyPolicy.role);
    await bootstrap.create(rbac('clusterrolebindings', false), proxyPolicy.binding);
    // The network components' grant (kindnet's reads, the packet tracer's and host-port forwarder's writes).
    const netPolicy = networkPolicy();
    await bootstrap.create(rbac('clusterroles', false), netPolicy.role);
    await bootstrap.create(rbac('clusterrolebindings', false), netPolicy.binding);
    // kube-scheduler's lab grants (its decisions, its configuration ConfigMap), as kubeadm adds roles of its own.
    const schedulerPolicy = schedulerLabPolicy();
    for (const r of schedulerPolicy.clusterRoles) await bootstrap.create(rbac('clusterroles', false), r);
    for (const b of schedulerPolicy.clusterRoleBindings) await bootstrap.create(rbac('clusterrolebindings', false), b);
    for (const r of schedulerPolicy.roles) await bootstrap.create(rbac('roles', true), r);
    for (const b of schedulerPolicy.roleBindings) await bootstrap.create(rbac('rolebindings', true), b);
    // The controlplane bootstrap controller: the `kubernetes` Service and the endpoints that lead to the API server.
    for (const [ref, obj] of kubernetesServiceObjects(API_SERVER_ADDRESS, API_SERVER_PORT)) await bootstrap.create(ref, obj);
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    this.state = 'starting';
    const snapshot = this.config.snapshot;
    if (snapshot) await this.memory.restore(snapshot);
    // A durable store that holds a cluster already is a persisted lab: its own nodes come back.
    const persisted = snapshot !== undefined || (this.config.durable !== undefined && (await this.store.revision()) > 1);
    await this.startApiServer();
    // kind's storage add-on: the default StorageClass and its provisioner's access (a persisted lab has them).
    if (!persisted) await installLocalPathStorage(this.client());
    // kubeadm's DNS addon phase, once per cluster: a persisted lab keeps what it had.
    if (!persisted && this.config.dns !== false) {
      const failed = await installCoreDns(this.client());
      if (failed) throw new Error(`the DNS addon: ${failed}`);
    }
    await this.startComponents(persisted ? await labNodes.labNodeIndexes(this) : Array.from({ length: this.config.nodes }, (_, i) => i + 1));
    this.scheduleCompaction();
    this.compactor?.start();
    this.state = 'running';
  }

  /** startComponents starts the controller manager, the scheduler and a kubelet for each node index. */
  private async startComponents(nodes: readonly number[]): Promise<void> {
    const clock = this.config.clock;
    this.server.componentProbes.set('scheduler', () => ({ healthy: this.state === 'running', message: 'ok' }));
    this.server.componentProbes.set('controller-manager', () => ({ healthy: this.state === 'running', message: 'ok' }));
    this.server.componentProbes.set('etcd-0', () => ({ healthy: true, message: 'ok' }));
    const controlPlane = this.config.controlPlaneNode === true ? labNodes.newControlPlaneKubelet(this) : undefined;
    if (controlPlane) {
      this.kubelets.push(controlPlane);
      this.kubeProxies.push(labNodes.newControlPlaneKubeProxy(this));
    }
    for (const i of nodes) {
      this.kubelets.push(labNodes.newKubelet(this, i));
      this.kubeProxies.push(labNodes.newKubeProxy(this, i));
    }
    // The API server reaches each kubelet by node name, as over its kubelet client, for pod logs.
    for (const k of this.kubelets) this.server.kubelets.set(k.nodeName, k);
    await Promise.all([
      // Each controller writes as its own service account (--use-service-account-credentials), reading through the manager's informers.
      ...Array.from({ length: Math.max(1, this.config.controllerManagerReplicas ?? 1) }, () => this.replicas.elect(KUBE_CONTROLLER_MANAGER_LEASE, CONTROLLER_MANAGER, 'kube-controller-manager', false,
        () => new ControllerManager(this.client(CONTROLLER_MANAGER), (name) => this.client(controllerUser(name)), clock, {
          ...(this.config.rootCA ? { rootCA: this.config.rootCA } : {}),
          // kubeadm's --allocate-node-cidrs with the pod subnet; 24 is --node-cidr-mask-size's IPv4 default.
          nodeIpam: { clusterCIDR: this.clusterCIDR, nodeCIDRMaskSize: NODE_CIDR_MASK_SIZE, serviceCIDR: SERVICE_CIDR },
        }))),
      ...Array.from({ length: Math.max(1, this.config.schedulerReplicas ?? 1) }, () => this.replicas.elect(KUBE_SCHEDULER_LEASE, SCHEDULER, 'default-scheduler', true,
        () => new Scheduler({ client: this.client(SCHEDULER), clock, random: this.random, publishDecisions: this.config.schedulingDecisions !== 0 }))),
      ...this.kubelets.map((k) => (k === controlPlane ? k.start().then(() => labNodes.markControlPlane(this)) : k.start())),
      ...this.kubeProxies.map((p) => p.start()),
      // Its own random stream, so its identity leaves the lab's generated names as they were.
      (this.provisioner = new LocalPathProvisioner(this.client(LOCAL_PATH_PROVISIONER_USER), clock, new SeededRandom(~(this.config.seed ?? 1) ^ 0x10ca1))).start(),
      this.startNetwork(),
    ]);
  }

  /** startNetwork runs the pod network's agent, the packet tracer and, when asked, the host-port forwarder, as kindnet's service account. */
  private async startNetwork(): Promise<void> {
    const clock = this.config.clock;
    const client = this.client(controllerUser('kindnet'));
    const dns = this.config.dns === false ? {} : { dns: { server: KUBE_DNS_SERVICE_IP, exchange: this.network.exchange.bind(this.network) } };
    this.tracer = new PacketTracer(client, clock, this.traffic, dns);
    this.hostPorts = this.config.hostPorts ? new HostPorts(client, clock, this.traffic) : undefined;
    await this.traffic.start(client);
    await Promise.all([this.tracer.start(), this.hostPorts?.start()]);
  }

  /** addNode joins the next node-N (see labNodes.ts). */
  addNode(): Promise<{ node: string } | { error: string }> {
    return labNodes.addNode(this);
  }

  /** removeNode takes a node away as a cloud provider does, listing the pods left bound to it. */
  removeNode(name: string): Promise<{ node: string; pods: string[] } | { error: string }> {
    return labNodes.removeNode(this, name);
  }

  /** stopNode stops a node's kubelet; its containers keep running. */
  stopNode(name: string): Promise<{ node: string; kubelet: 'stopped' } | { error: string }> {
    return labNodes.stopNode(this, name);
  }

  /** startNode starts a stopped node's kubelet again. */
  startNode(name: string): Promise<{ node: string; kubelet: 'running' } | { error: string }> {
    return labNodes.startNode(this, name);
  }

  /** nodeStates tells, for each Node, whether the lab runs its kubelet. */
  nodeStates(): Promise<{ nodes: { name: string; kubelet: 'running' | 'stopped' | 'none' }[] } | { error: string }> {
    return labNodes.nodeStates(this);
  }

  /** snapshot is the store's whole state at its current revision. */
  snapshot(): StoreSnapshot {
    if (this.etcd) throw new Error(EXTERNAL_ETCD_SNAPSHOTS);
    return this.memory.snapshot();
  }

  /**
   * restore puts the store back to a snapshot and restarts the components over
   * it: every watch ends with 410 Gone (the API server's caches and every
   * informer relist) and each node-N Node of the snapshot gets a fresh kubelet,
   * which runs the pods bound to it as after a reboot.
   */
  async restore(snapshot: StoreSnapshot): Promise<{ revision: number; nodes: string[] } | { error: string }> {
    if (this.state !== 'running') return { error: 'the lab is not running' };
    if (this.etcd) return { error: EXTERNAL_ETCD_SNAPSHOTS };
    this.state = 'starting';
    this.compactTimer?.cancel();
    // Stopped first, so no leader's last write (the scheduler's release of its lease) lands in the restored store.
    await this.stopComponents();
    // A durable store can fail to write the snapshot (a full disk): the lab then goes on over the store it had.
    const failed = await Promise.resolve(this.memory.restore(snapshot)).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    this.lastCompactRevision = 0;
    // A snapshot an older lab saved keeps its objects under the old key layout: they move to upstream's first.
    if (!failed) await this.server.migrateLegacyKeys();
    // The server's own caches relist from the restored store before any component reads through them.
    await settle();
    await this.startComponents(await labNodes.labNodeIndexes(this));
    this.scheduleCompaction();
    this.state = 'running';
    if (failed) return { error: `the snapshot could not be restored: ${failed}` };
    return { revision: snapshot.revision, nodes: this.kubelets.map((k) => k.nodeName) };
  }

  /** stopLeader stops the replica holding lease, which releases it on the way out (see controlPlaneReplicas.ts). */
  stopLeader(lease: string): Promise<{ identity: string } | { error: string }> {
    return this.replicas.stopLeader(lease);
  }

  /** killLeader kills the replica holding lease, which releases nothing; it comes back as a new candidate. */
  killLeader(lease: string): Promise<{ identity: string } | { error: string }> {
    return this.replicas.killLeader(lease);
  }

  /** candidates counts the replicas campaigning for lease, the leader included. */
  candidates(lease: string): number {
    return this.replicas.candidates(lease);
  }

  /** leaders lists the identities holding each leader-election lease, as the candidates see them. */
  leaders(): { lease: string; identity: string }[] {
    return this.replicas.leaders();
  }

  /** stopComponents stops every component at once; the promise settles when the leaders have given up their leases. */
  private stopComponents(): Promise<void> {
    for (const k of this.kubelets) k.stop();
    // The nodes' containers go with them: their CoreDNS processes stop watching.
    this.network.reset();
    for (const p of this.kubeProxies) p.stop();
    this.kubeProxies.length = 0;
    this.traffic.stop();
    this.tracer?.stop();
    void this.hostPorts?.stop();
    this.hostPorts = undefined;
    this.provisioner?.stop();
    const released = this.replicas.stopAll();
    this.server.kubelets.clear();
    this.kubelets.length = 0;
    return released.then(() => undefined);
  }

  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.compactTimer?.cancel();
    this.compactor?.stop();
    // A durable store is its owner's to close, after the components' last writes.
    if (!this.config.durable) void this.memory.close();
    void this.stopComponents();
    this.server.stop();
    this.webhookTransport.close();
    this.etcd?.close();
    this.state = 'stopped';
  }

  /** Compaction keeps the history of the last interval, as the API server's compactor. */
  private scheduleCompaction(): void {
    this.compactTimer = this.config.clock.setTimer(this.config.compactionIntervalMs ?? DEFAULT_COMPACTION_MS, () => {
      void (async () => {
        try {
          if (this.lastCompactRevision) await this.store.compact(this.lastCompactRevision);
          this.lastCompactRevision = await this.store.revision();
        } catch {
          // As the API server's compactor, a store that cannot be reached is compacted at the next interval.
        }
        if (this.state === 'running') this.scheduleCompaction();
      })();
    });
  }
}
