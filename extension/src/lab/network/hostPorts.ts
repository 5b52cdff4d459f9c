/**
 * HostPorts makes NodePort and LoadBalancer Services reachable from the
 * user's machine, as kind's port mappings make a node's ports reachable from
 * the host: for each TCP node port it listens on 127.0.0.1 at that port (or,
 * when the port is taken on the machine, at a free one), and each accepted
 * connection enters the cluster at the first node from outside — the node
 * network's gateway, to the node's InternalIP and node port — and goes
 * through the packet engine, its rules, routes and the answering pod.
 *
 * The address each port got is written to the Service as the annotation
 * `lab.kubelab.dev/host-port`: `127.0.0.1:<port>` per node port, in the
 * order of spec.ports, comma-separated — what the tree and `kubectl get -o
 * yaml` show. This is real I/O: the lab turns it on only when its config
 * asks (LabConfig.hostPorts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { isStatus } from '../api/types';
import type { Clock } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { Informer } from '../client/informer';
import { keyOf } from '../api/meta';
import { SERVICES } from '../controllers/kubernetesService';
import type { ClusterNetwork } from './clusterNetwork';
import type { Service } from './serviceInfo';

/** HOST_PORT_ANNOTATION records where a Service's node ports listen on the user's machine. */
export const HOST_PORT_ANNOTATION = 'lab.kubelab.dev/host-port';
/** HOST_ADDRESS is the only address the lab listens on. */
export const HOST_ADDRESS = '127.0.0.1';

/** Forward is one node port's listener on the host. */
interface Forward {
  nodePort: number;
  server: Server;
  /** hostPort is where it listens; 0 until listening. */
  hostPort: number;
  ready: Promise<void>;
  sockets: Set<Socket>;
}

export class HostPorts {
  private readonly services: Informer<Service>;
  private readonly forwards = new Map<number, Forward>();
  /** owners maps each node port to the Service ("ns/name") it belongs to. */
  private readonly owners = new Map<number, string>();
  private running = false;

  constructor(private readonly client: KubeClient, clock: Clock, private readonly network: ClusterNetwork) {
    this.services = new Informer<Service>(client, SERVICES, clock);
    this.services.addEventHandler({ onAdd: (s) => void this.sync(s), onUpdate: (_, s) => void this.sync(s), onDelete: (s) => this.drop(keyOf(s)) });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.services.start();
  }

  /** stop closes every listener and the connections through them. */
  async stop(): Promise<void> {
    this.running = false;
    this.services.stop();
    await Promise.all([...this.forwards.keys()].map((p) => this.close(p)));
    this.owners.clear();
  }

  /** mappings lists each node port and the host address it listens on. */
  mappings(): { service: string; nodePort: number; host: string }[] {
    return [...this.forwards.values()].filter((f) => f.hostPort).map((f) => ({ service: this.owners.get(f.nodePort) ?? '', nodePort: f.nodePort, host: `${HOST_ADDRESS}:${f.hostPort}` }));
  }

  /** hostPortOf waits for a node port's listener and returns its host port. */
  async hostPortOf(nodePort: number): Promise<number | undefined> {
    const f = this.forwards.get(nodePort);
    if (!f) return undefined;
    await f.ready;
    return f.hostPort || undefined;
  }

  private nodePorts(s: Service): number[] {
    const type = s.spec?.type;
    if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
    return (s.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && p.nodePort).map((p) => p.nodePort as number);
  }

  private async sync(s: Service): Promise<void> {
    if (!this.running) return;
    const key = keyOf(s);
    const want = this.nodePorts(s);
    for (const [port, owner] of [...this.owners]) if (owner === key && !want.includes(port)) await this.close(port);
    for (const port of want) {
      this.owners.set(port, key);
      if (!this.forwards.has(port)) this.open(port);
    }
    await Promise.all(want.map((p) => this.forwards.get(p)?.ready ?? Promise.resolve()));
    if (!this.running) return;
    const value = want.map((p) => `${HOST_ADDRESS}:${this.forwards.get(p)?.hostPort ?? 0}`).join(',');
    const current = s.metadata.annotations?.[HOST_PORT_ANNOTATION];
    if ((value || undefined) === current) return;
    const res = await this.client.patch(SERVICES, s.metadata.namespace ?? '', s.metadata.name ?? '', { metadata: { annotations: { [HOST_PORT_ANNOTATION]: value || null } } });
    // A Service deleted meanwhile needs no annotation.
    void isStatus(res);
  }

  private drop(key: string): void {
    for (const [port, owner] of [...this.owners]) if (owner === key) void this.close(port);
  }

  /** open listens for a node port: at the same port on 127.0.0.1 if free, else at any free port. */
  private open(nodePort: number): void {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => this.accept(nodePort, socket, sockets));
    const f: Forward = { nodePort, server, hostPort: 0, sockets, ready: Promise.resolve() };
    f.ready = new Promise<void>((resolve) => {
      const listened = (): void => {
        const addr = server.address();
        f.hostPort = typeof addr === 'object' && addr ? addr.port : 0;
        resolve();
      };
      server.once('error', () => {
        server.once('error', () => resolve());
        server.listen(0, HOST_ADDRESS, listened);
      });
      server.listen(nodePort, HOST_ADDRESS, listened);
    });
    this.forwards.set(nodePort, f);
  }

  private async close(nodePort: number): Promise<void> {
    const f = this.forwards.get(nodePort);
    this.forwards.delete(nodePort);
    this.owners.delete(nodePort);
    if (!f) return;
    await f.ready;
    for (const s of f.sockets) s.destroy();
    await new Promise<void>((resolve) => (f.server.listening ? f.server.close(() => resolve()) : resolve()));
  }

  /** accept carries one host connection into the cluster at the first node, from outside. */
  private accept(nodePort: number, socket: Socket, sockets: Set<Socket>): void {
    const node = this.network.model().nodes[0];
    if (!node) {
      socket.destroy();
      return;
    }
    const { socket: conn } = this.network.connect({ kind: 'external', node: node.name }, node.internalIP, nodePort);
    if (!conn) {
      // Refused, unreachable or dropped inside the cluster: the host side resets the connection.
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => conn.send.write(chunk));
    socket.on('end', () => conn.send.end());
    socket.on('error', () => conn.send.end());
    socket.on('close', () => {
      sockets.delete(socket);
      conn.send.end();
    });
    void (async () => {
      for (let chunk = await conn.receive.read(); chunk; chunk = await conn.receive.read()) {
        if (socket.destroyed) return;
        socket.write(chunk);
      }
      socket.end();
    })();
  }
}
