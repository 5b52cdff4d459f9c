/**
 * Lab is the composition root: from a LabConfig it builds the store, the API
 * server, the controller manager, the scheduler and one kubelet per node, each
 * component an API client of the server and nothing else. It owns the clock and
 * the random source they all share.
 */
import { ApiServer, type ApiRequest } from './apiserver/apiServer';
import type { KeyObject } from 'node:crypto';
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
import { AuditSink, type AuditWriter } from './apiserver/audit/sink';
import type { AuditPolicy } from './apiserver/audit/types';
import { type HttpTransport, createHttpTransport } from './apiserver/admission/webhook/httpTransport';
import { type Clock, type Timer, settle } from './clock';
import { InProcessTransport } from './client/transport';
import { KubeClient } from './client/kubeClient';
import { EventRecorder } from './client/eventRecorder';
import { LeaderElector } from './client/leaderElection';
import { NAMESPACES, NODES, PODS } from './client/resources';
import { isStatus, type Node, type Pod } from './api/types';
import { ControllerManager } from './controllers/controllerManager';
import { Kubelet } from './kubelet/kubelet';
import { CONTROL_PLANE_LABEL, CONTROL_PLANE_TAINT, EXCLUDE_FROM_LB_LABEL, controlPlaneManifests } from './controlPlane';
import { KubeProxy } from './network/kubeProxy';
import { kubeProxyPolicy } from './network/proxyRuleSet';
import { installCoreDns } from './network/dns/coreDnsAddon';
import { DnsNetwork } from './network/dns/dnsNetwork';
import { KUBE_DNS_SERVICE_IP } from './network/dns/coreDnsAddon';
import { ClusterNetwork } from './network/clusterNetwork';
import { HostPorts } from './network/hostPorts';
import { PacketTracer } from './network/packetTracer';
import { NodePartition } from './partition';
import { networkPolicy } from './network/packetTrace';
import { SeededRandom, hexString, uuid, type Random } from './random';
import { Scheduler } from './scheduler/scheduler';
import { LOCAL_PATH_PROVISIONER_USER, LocalPathProvisioner, installLocalPathStorage } from './storage/localPathProvisioner';
import { schedulerLabPolicy } from './scheduler/labPolicy';
import { SERVICE_CIDR } from './apiserver/registry/serviceAlloc';
import { isQuantity, parseQuantity } from './api/quantity';
import { QUANTITY_FORMAT_ERROR } from './apiserver/validation/quantities';
import { MemoryStore } from './store/memoryStore';
import type { DurableStore } from './store/durableStore';
import { type AutoCompaction, Compactor } from './store/compactor';
import { quotaError } from './store/quota';
import { EtcdStore } from './store/etcdStore';
import { encryptionTransformers } from './apiserver/encryption/config';
import type { StoreSnapshot } from './store/snapshot';
import { type Store, type StoreAdmin, asStoreAdmin } from './store/store';

export interface LabConfig {
  /** nodes is how many worker nodes to simulate. */
  nodes: number;
  clock: Clock;
  seed?: number;
  /** Per-node capacity; defaults to a 4-CPU, 8 GiB node with 110 pod slots. */
  nodeCapacity?: { cpu: string; memory: string; pods: string };
  /** Keep this many revisions of history for watches; older ones are compacted every 5 minutes. */
  compactionIntervalMs?: number;
  /** stopwatch is a monotonic millisecond counter for request traces (the worker passes performance.now). */
  stopwatch?: () => number;
  /** serviceAccountKey signs service account tokens (--service-account-signing-key-file); made outside the lab core, which has no randomness of its own. */
  serviceAccountKey?: KeyObject;
  /** audit turns on the API server's audit log: events its policy selects (DEFAULT_AUDIT_POLICY when omitted) go to write as JSON lines. */
  audit?: { policy?: AuditPolicy; write: AuditWriter };
  /** admissionPlugins adds to and removes from the default chain, as --enable-admission-plugins and --disable-admission-plugins; an unknown name stops the lab from being built. */
  admissionPlugins?: { enable?: readonly string[]; disable?: readonly string[] };
  /** kubeProxyMode is the proxier every node's kube-proxy runs (--proxy-mode); iptables when omitted. */
  kubeProxyMode?: KubeProxyMode;
  /** snapshot is a store to start from (a persisted lab): its objects and revision, with a kubelet for each of its node-N Nodes. */
  snapshot?: StoreSnapshot;
  /** rootCA is the cluster CA certificate (PEM) the controller manager publishes as kube-root-ca.crt in every namespace; none, no publishing. */
  rootCA?: string;
  /** durable is an open DurableStore for the embedded store to be (a persisted lab: its objects and revision, with a kubelet for each of its node-N Nodes); the caller opens it and closes it after stop. */
  durable?: DurableStore;
  /** storeQuotaBytes is the embedded store's backend quota (etcd's --quota-backend-bytes); past it writes fail with NOSPACE. 256 MiB when omitted. */
  storeQuotaBytes?: number;
  /** autoCompaction is the store's own compaction policy (etcd's --auto-compaction-mode/-retention, see parseAutoCompaction), besides the API server's every 5 minutes. */
  autoCompaction?: AutoCompaction;
  /** store chooses the backend: the embedded store (the default), or a real etcd cluster at endpoints (kube-apiserver's --etcd-servers). */
  store?: StoreConfig;
  /**
   * encryption encrypts resources at rest, as --encryption-provider-config: config
   * is an apiserver.config.k8s.io/v1 EncryptionConfiguration (object, or a file's
   * YAML/JSON text), randomBytes the cryptographic randomness its IVs and nonces
   * come from (the lab core has none). A bad configuration stops the lab from being built.
   */
  encryption?: { config: unknown; randomBytes: (n: number) => Uint8Array };
  /** dns runs kubeadm's DNS addon at start (the coredns Deployment and the kube-dns Service in kube-system); on unless false. */
  dns?: boolean;
  /** hostPorts listens on 127.0.0.1 for every NodePort and LoadBalancer Service's node ports (real sockets, see network/hostPorts.ts); off unless true. */
  hostPorts?: boolean;
  /** schedulerReplicas is how many kube-scheduler candidates run for the kube-scheduler Lease (1 when omitted); one leads. */
  schedulerReplicas?: number;
  /** controllerManagerReplicas is how many kube-controller-manager candidates run for its Lease (1 when omitted); one leads. */
  controllerManagerReplicas?: number;
  /** schedulingDecisions is how many SchedulingDecisions the API server keeps (DEFAULT_DECISION_CAPACITY when omitted); 0 turns explaining off. */
  schedulingDecisions?: number;
  /**
   * controlPlaneNode adds a control-plane node as kubeadm makes one, beside the
   * `nodes` workers: `control-plane`, labelled and tainted NoSchedule, whose
   * kubelet runs the static pods of etcd, kube-apiserver, kube-controller-manager
   * and kube-scheduler (mirrored in kube-system). Off unless true.
   */
  controlPlaneNode?: boolean;
}

/**
 * StoreConfig is where the lab keeps its objects: `embedded`, its own store; or
 * `etcd`, an etcd v3 cluster at endpoints, each call bounded by requestTimeoutMs.
 */
export type StoreConfig = { backend: 'embedded' } | { backend: 'etcd'; endpoints: string[]; requestTimeoutMs?: number };

/** KubeProxyMode is a kube-proxy --proxy-mode on Linux. */
export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables';

/** NODE_NAME is how the lab names its nodes: node-1, node-2, … */
const NODE_NAME = /^node-([1-9]\d*)$/;

/** The issuer of the lab's service account tokens, as kubeadm's default. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** ADMIN is the lab's user: the person at the editor, as kubeadm's kubernetes-admin in system:masters. */
export const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

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
  /** electors run the scheduler and the controller manager, each once it holds its leader-election Lease. */
  private readonly electors: LeaderElector[] = [];
  /** leaseOf names each elector's lease. */
  private readonly leaseOf = new WeakMap<LeaderElector, string>();
  /** rerunOf starts a new candidate in an elector's place, as the kubelet restarts a killed control-plane container. */
  private readonly rerunOf = new WeakMap<LeaderElector, () => Promise<void>>();
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

  constructor(readonly config: LabConfig) {
    const badConfig = nodeCapacityError(config.nodeCapacity) ?? proxyModeError(config.kubeProxyMode) ?? (config.storeQuotaBytes === undefined ? undefined : quotaError(config.storeQuotaBytes));
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
      ...(key ? { tokenIssuer: { generator: new TokenGenerator(SERVICE_ACCOUNT_ISSUER, key) } } : {}),
      ...(config.stopwatch ? { stopwatch: config.stopwatch } : {}),
      ...(config.schedulingDecisions === undefined ? {} : { decisionCapacity: config.schedulingDecisions }),
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
    await this.startComponents(persisted ? await this.labNodes() : Array.from({ length: this.config.nodes }, (_, i) => i + 1));
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
    const controlPlane = this.config.controlPlaneNode === true ? this.newControlPlaneKubelet() : undefined;
    if (controlPlane) {
      this.kubelets.push(controlPlane);
      this.kubeProxies.push(new KubeProxy(this.client(KUBE_PROXY, CONTROL_PLANE_HOSTNAME), clock, { nodeName: CONTROL_PLANE_HOSTNAME, nodeIP: API_SERVER_ADDRESS, mode: this.config.kubeProxyMode ?? 'iptables', clusterCIDR: this.clusterCIDR }));
    }
    for (const i of nodes) {
      this.kubelets.push(this.newKubelet(i));
      this.kubeProxies.push(this.newKubeProxy(i));
    }
    // The API server reaches each kubelet by node name, as over its kubelet client, for pod logs.
    for (const k of this.kubelets) this.server.kubelets.set(k.nodeName, k);
    await Promise.all([
      // Each controller writes as its own service account (--use-service-account-credentials), reading through the manager's informers.
      ...Array.from({ length: Math.max(1, this.config.controllerManagerReplicas ?? 1) }, () => this.elect(KUBE_CONTROLLER_MANAGER_LEASE, CONTROLLER_MANAGER, 'kube-controller-manager', false,
        () => new ControllerManager(this.client(CONTROLLER_MANAGER), (name) => this.client(controllerUser(name)), clock, {
          ...(this.config.rootCA ? { rootCA: this.config.rootCA } : {}),
          // kubeadm's --allocate-node-cidrs with the pod subnet; 24 is --node-cidr-mask-size's IPv4 default.
          nodeIpam: { clusterCIDR: this.clusterCIDR, nodeCIDRMaskSize: NODE_CIDR_MASK_SIZE, serviceCIDR: SERVICE_CIDR },
        }))),
      ...Array.from({ length: Math.max(1, this.config.schedulerReplicas ?? 1) }, () => this.elect(KUBE_SCHEDULER_LEASE, SCHEDULER, 'default-scheduler', true,
        () => new Scheduler({ client: this.client(SCHEDULER), clock, random: this.random, publishDecisions: this.config.schedulingDecisions !== 0 }))),
      ...this.kubelets.map((k) => (k === controlPlane ? k.start().then(() => this.markControlPlane()) : k.start())),
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

  /**
   * elect runs a control-plane component as kube-scheduler and
   * kube-controller-manager run with --leader-elect: a candidate for the Lease
   * in kube-system that starts the component once it leads. Losing the lease
   * ends the process upstream and its static pod comes back as a new candidate;
   * here the component stops and a new candidate, with a new identity, campaigns.
   * It settles after the first attempt (and the component's start when it won).
   */
  private elect(lease: string, user: UserInfo, eventSource: string, releaseOnCancel: boolean, make: () => { start(): Promise<void>; stop(): void }): Promise<void> {
    const clock = this.config.clock;
    const client = this.client(user);
    let component: { start(): Promise<void>; stop(): void } | undefined;
    const elector = new LeaderElector({
      client, clock, random: this.random,
      lock: { namespace: 'kube-system', name: lease, identity: `${CONTROL_PLANE_HOSTNAME}_${uuid(this.random)}` },
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
          // stopComponents takes its electors out of the list first: only a lost lease gets here while listed.
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

  /** newKubelet makes node-i's kubelet: its pod CIDR, its address and the configured capacity. */
  private newKubelet(i: number): Kubelet {
    const capacity = { cpu: '4', memory: '8Gi', pods: '110', ...this.config.nodeCapacity, 'ephemeral-storage': '100Gi' };
    const k = new Kubelet(this.client(nodeUser(`node-${i}`), `node-${i}`), this.config.clock, this.random, { nodeName: `node-${i}`, internalIP: nodeIPFor(i), capacity, network: this.network });
    k.runtime.traffic = this.traffic;
    return k;
  }

  /**
   * newControlPlaneKubelet makes the control-plane node's kubelet, as kubeadm
   * init configures it: the node at the API server's address with the first
   * pod range, registered with the control-plane taint, running the control
   * plane's static pods.
   */
  private newControlPlaneKubelet(): Kubelet {
    const capacity = { cpu: '4', memory: '8Gi', pods: '110', ...this.config.nodeCapacity, 'ephemeral-storage': '100Gi' };
    return new Kubelet(this.client(nodeUser(CONTROL_PLANE_HOSTNAME), CONTROL_PLANE_HOSTNAME), this.config.clock, this.random, {
      nodeName: CONTROL_PLANE_HOSTNAME, internalIP: API_SERVER_ADDRESS, capacity, network: this.network,
      staticPods: controlPlaneManifests(CONTROL_PLANE_HOSTNAME, API_SERVER_ADDRESS, API_SERVER_PORT, this.clusterCIDR),
      registerWithTaints: [CONTROL_PLANE_TAINT],
    });
  }

  /** markControlPlane is kubeadm's mark-control-plane phase: the node's role labels (a kubelet may not set them itself) and its taint. */
  private async markControlPlane(): Promise<void> {
    const admin = this.client();
    const node = await admin.get<Node>(NODES, '', CONTROL_PLANE_HOSTNAME);
    if (isStatus(node)) return;
    const taints = node.spec?.taints ?? [];
    const labels = node.metadata.labels ?? {};
    if (CONTROL_PLANE_LABEL in labels && EXCLUDE_FROM_LB_LABEL in labels && taints.some((t) => t.key === CONTROL_PLANE_TAINT.key && t.effect === CONTROL_PLANE_TAINT.effect)) return;
    // A merge patch, as kubeadm patches the Node: the kubelet's status writes meanwhile do not conflict with it.
    await admin.patch(NODES, '', CONTROL_PLANE_HOSTNAME, {
      metadata: { labels: { [CONTROL_PLANE_LABEL]: '', [EXCLUDE_FROM_LB_LABEL]: '' } },
      spec: { taints: [...taints.filter((t) => t.key !== CONTROL_PLANE_TAINT.key), CONTROL_PLANE_TAINT] },
    });
  }

  /** newKubeProxy makes node-i's kube-proxy in the configured mode, an API client as system:kube-proxy. */
  private newKubeProxy(i: number): KubeProxy {
    return new KubeProxy(this.client(KUBE_PROXY, `node-${i}`), this.config.clock, { nodeName: `node-${i}`, nodeIP: nodeIPFor(i), mode: this.config.kubeProxyMode ?? 'iptables', clusterCIDR: this.clusterCIDR });
  }

  /** labNodes are the indexes of the stored Nodes named as the lab names its own (node-N), whose kubelets it runs. */
  private async labNodes(): Promise<number[]> {
    const nodes = await this.client().list<Node>(NODES);
    if (isStatus(nodes)) throw new Error(`listing nodes: ${nodes.message ?? ''}`);
    return nodes.items.map((n) => NODE_NAME.exec(n.metadata.name ?? '')).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
  }

  /** kubelet is the running lab's kubelet of a node, or why there is none. */
  private async kubelet(name: string): Promise<Kubelet | { error: string }> {
    if (this.state !== 'running') return { error: 'the lab is not running' };
    const k = this.kubelets.find((x) => x.nodeName === name);
    if (k) return k;
    const node = await this.client().get<Node>(NODES, '', name);
    return { error: isStatus(node) ? node.message ?? `nodes "${name}" not found` : `node "${name}" has no kubelet in the lab` };
  }

  /** addNode joins the next node (one past the highest node-N in use) with the configured size; its kubelet registers the Node. */
  async addNode(): Promise<{ node: string } | { error: string }> {
    if (this.state !== 'running') return { error: 'the lab is not running' };
    const used = [...(await this.labNodes()), ...this.kubelets.map((k) => Number(NODE_NAME.exec(k.nodeName)?.[1] ?? 0))];
    const next = Math.max(0, ...used) + 1;
    const k = this.newKubelet(next);
    const proxy = this.newKubeProxy(next);
    this.kubelets.push(k);
    this.kubeProxies.push(proxy);
    this.server.kubelets.set(k.nodeName, k);
    await k.start();
    await proxy.start();
    return { node: k.nodeName };
  }

  /**
   * removeNode takes a node away as a cloud provider does: its kubelet stops and
   * the Node object is deleted. Pods bound to it stay until something deletes
   * them (upstream, the pod garbage collector's orphan sweep); they are listed.
   */
  async removeNode(name: string): Promise<{ node: string; pods: string[] } | { error: string }> {
    if (this.state !== 'running') return { error: 'the lab is not running' };
    const k = this.kubelets.find((x) => x.nodeName === name);
    const admin = this.client();
    const node = await admin.get<Node>(NODES, '', name);
    if (isStatus(node) && !k) return { error: node.message ?? `nodes "${name}" not found` };
    if (k) {
      k.stop();
      this.kubelets.splice(this.kubelets.indexOf(k), 1);
      this.server.kubelets.delete(name);
    }
    this.partition.reconnect(name);
    const proxy = this.kubeProxies.find((p) => p.nodeName === name);
    if (proxy) {
      proxy.stop();
      this.kubeProxies.splice(this.kubeProxies.indexOf(proxy), 1);
    }
    if (!isStatus(node)) {
      const deleted = await admin.delete(NODES, '', name);
      if (isStatus(deleted) && deleted.status === 'Failure' && deleted.code !== 404) return { error: deleted.message ?? `deleting node "${name}" failed` };
    }
    const pods = await admin.list<Pod>(PODS, '', { fieldSelector: `spec.nodeName=${name}` });
    return { node: name, pods: isStatus(pods) ? [] : pods.items.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`) };
  }

  /** stopNode stops a node's kubelet (no more status or lease updates; its containers keep running); startNode starts it again. */
  async stopNode(name: string): Promise<{ node: string; kubelet: 'stopped' } | { error: string }> {
    const k = await this.kubelet(name);
    if ('error' in k) return k;
    k.stop();
    // A stopped kubelet refuses the API server's connections (logs, exec, node proxy).
    this.server.kubelets.delete(name);
    return { node: name, kubelet: 'stopped' };
  }

  async startNode(name: string): Promise<{ node: string; kubelet: 'running' } | { error: string }> {
    const k = await this.kubelet(name);
    if ('error' in k) return k;
    this.server.kubelets.set(name, k);
    await k.start();
    return { node: name, kubelet: 'running' };
  }

  /** nodeStates tells, for each Node, whether the lab runs its kubelet. */
  async nodeStates(): Promise<{ nodes: { name: string; kubelet: 'running' | 'stopped' | 'none' }[] } | { error: string }> {
    if (this.state !== 'running') return { error: 'the lab is not running' };
    const nodes = await this.client().list<Node>(NODES);
    if (isStatus(nodes)) return { error: nodes.message ?? 'listing nodes failed' };
    return {
      nodes: nodes.items.map((n) => {
        const k = this.kubelets.find((x) => x.nodeName === n.metadata.name);
        return { name: n.metadata.name ?? '', kubelet: k ? (k.isRunning ? 'running' : 'stopped') : 'none' };
      }),
    };
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
    await this.startComponents(await this.labNodes());
    this.scheduleCompaction();
    this.state = 'running';
    if (failed) return { error: `the snapshot could not be restored: ${failed}` };
    return { revision: snapshot.revision, nodes: this.kubelets.map((k) => k.nodeName) };
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
    if (this.state !== 'running') return { error: 'the lab is not running' };
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
    const released = Promise.all(this.electors.splice(0).map((e) => e.stop()));
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

/** CONTROL_PLANE_HOSTNAME is the control-plane node's hostname, the first half of a leader's identity (os.Hostname() upstream). */
export const CONTROL_PLANE_HOSTNAME = 'control-plane';
/** The leader-election Leases in kube-system: --leader-elect-resource-name's defaults. */
export const KUBE_SCHEDULER_LEASE = 'kube-scheduler';
export const KUBE_CONTROLLER_MANAGER_LEASE = 'kube-controller-manager';

/** The control-plane components' identities, as their kubeconfigs name them upstream. */
export const SCHEDULER: UserInfo = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
export const CONTROLLER_MANAGER: UserInfo = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
export const KUBE_PROXY: UserInfo = { username: 'system:kube-proxy', groups: ['system:authenticated'] };

/** controllerUser is a controller's service account identity in kube-system. */
export function controllerUser(controller: string): UserInfo {
  return { username: `system:serviceaccount:kube-system:${controller}`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
}

/** nodeUser is a kubelet's identity: system:node:<name> in system:nodes. */
export function nodeUser(node: string): UserInfo {
  return { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] };
}

/** nodeCapacityError says what is wrong with a node size: cpu and memory positive quantities, pods a whole number from 1 to 253 (the node's /24 less its gateway and broadcast). */
export function nodeCapacityError(c: LabConfig['nodeCapacity']): string | undefined {
  if (!c) return undefined;
  for (const key of ['cpu', 'memory'] as const) {
    if (!isQuantity(c[key])) return `node ${key} ${JSON.stringify(c[key])}: ${QUANTITY_FORMAT_ERROR}`;
    if ((parseQuantity(c[key]) ?? 0) <= 0) return `node ${key} ${JSON.stringify(c[key])}: must be greater than zero`;
  }
  const pods = Number(c.pods);
  if (!/^\d+$/.test(String(c.pods)) || pods < 1 || pods > 253) return `node pods ${JSON.stringify(c.pods)}: must be a whole number from 1 to 253`;
  return undefined;
}

/** proxyModeError is kube-proxy's refusal of a --proxy-mode it does not have on Linux (validateProxyModeLinux). */
export function proxyModeError(mode: string | undefined): string | undefined {
  if (mode === undefined || mode === '' || ['iptables', 'ipvs', 'nftables'].includes(mode)) return undefined;
  return `KubeProxyConfiguration.Mode.ProxyMode: Invalid value: ${JSON.stringify(mode)}: must be iptables, ipvs, nftables or blank (blank means the best-available proxy [currently iptables])`;
}

/** CLUSTER_CIDR is kind's default pod subnet, the pod network (--cluster-cidr) of a lab of up to 256 nodes. */
export const CLUSTER_CIDR = '10.244.0.0/16';
/** NODE_CIDR_MASK_SIZE is the size of each node's pod range (--node-cidr-mask-size): a /24, 254 addresses. */
export const NODE_CIDR_MASK_SIZE = 24;

/**
 * clusterCIDRFor is the pod subnet a lab of n nodes is configured with, as a
 * kind config's networking.podSubnet: kind's 10.244.0.0/16 (256 node ranges)
 * unless the lab is bigger, then 10.244.0.0/14 (1,024), then 10.128.0.0/9
 * (32,768), clear of the service range. The node IPAM hands the ranges out in
 * the order nodes join; a node past the last gets none (CIDRNotAvailable).
 */
export function clusterCIDRFor(n: number): string {
  if (n <= 256) return CLUSTER_CIDR;
  if (n <= 1024) return '10.244.0.0/14';
  return '10.128.0.0/9';
}

/** nodeIPFor gives node i an address on the 172.18.0.0/16 node network (the first host is the gateway). */
export function nodeIPFor(i: number): string {
  const n = i + 1;
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}
