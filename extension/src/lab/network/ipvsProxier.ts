/**
 * ipvsProxier renders a node's Services as kube-proxy's IPVS proxier
 * (pkg/proxy/ipvs/proxier.go) programs them: a virtual server per service
 * address and port (cluster IP, external IPs, load-balancer IPs, the node's
 * address for node ports) with the round-robin scheduler, persistence for
 * ClientIP affinity, the endpoints as masqueraded real servers; the service
 * addresses bound to the dummy interface kube-ipvs0; the ipsets its few
 * iptables rules match on. The text is what `ipvsadm -Ln` prints.
 */
import type { ProxierConfig } from './iptablesProxier';
import { type Endpoint, type ProxyState, categorizeEndpoints } from './serviceInfo';

/** RealServer is an IPVS destination. */
export interface RealServer {
  address: string;
  port: number;
  forward: 'Masq';
  weight: number;
  activeConns: number;
  inactiveConns: number;
}

/** VirtualServer is an IPVS service: what it listens on, how it schedules, where it sends. */
export interface VirtualServer {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  address: string;
  port: number;
  scheduler: 'rr';
  /** persistentSeconds is set for ClientIP session affinity. */
  persistentSeconds?: number;
  /** service is "ns/svc:port" and kind which of its addresses this is. */
  service: string;
  kind: 'clusterIP' | 'externalIP' | 'loadBalancer' | 'nodePort';
  realServers: RealServer[];
}

/** IpvsRuleSet is the IPVS proxier's state as data. */
export interface IpvsRuleSet {
  virtualServers: VirtualServer[];
  /** kubeIpvs0 are the addresses bound to the kube-ipvs0 dummy interface. */
  kubeIpvs0: string[];
  /** ipsets are the sets the proxier's iptables rules match on, by name. */
  ipsets: Record<string, { type: string; members: string[] }>;
}

/** IPVS_VERSION is what the kernel module reports. */
const IPVS_HEADER = 'IP Virtual Server version 1.2.1 (size=4096)';

const ipNumber = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);

/** IpvsProxier keeps one node's IPVS configuration in step with a ProxyState, rebuilding it on each sync. */
export class IpvsProxier {
  private set: IpvsRuleSet = { virtualServers: [], kubeIpvs0: [], ipsets: {} };

  constructor(private readonly state: ProxyState, private readonly config: ProxierConfig) {}

  sync(full: boolean): { full: boolean; services: number; rewritten: number } {
    const changed = this.state.takeChanges();
    this.set = this.build();
    return { full, services: this.state.services.size, rewritten: full ? this.state.services.size : changed.size };
  }

  rules(): IpvsRuleSet {
    return this.set;
  }

  text(): string {
    return ipvsadmList(this.set.virtualServers);
  }

  private build(): IpvsRuleSet {
    const servers: VirtualServer[] = [];
    const addresses = new Set<string>();
    const sets: IpvsRuleSet['ipsets'] = {
      'KUBE-CLUSTER-IP': { type: 'hash:ip,port', members: [] },
      'KUBE-EXTERNAL-IP': { type: 'hash:ip,port', members: [] },
      'KUBE-LOAD-BALANCER': { type: 'hash:ip,port', members: [] },
      'KUBE-LOOP-BACK': { type: 'hash:ip,port,ip', members: [] },
      'KUBE-NODE-PORT-TCP': { type: 'bitmap:port', members: [] },
      'KUBE-NODE-PORT-UDP': { type: 'bitmap:port', members: [] },
    };
    for (const ports of this.state.services.values()) {
      for (const svc of ports) {
        const { clusterEndpoints, localEndpoints, allReachableEndpoints } = categorizeEndpoints(this.state.endpoints(svc), svc);
        const internal = svc.internalPolicyLocal ? localEndpoints : clusterEndpoints;
        const external = svc.externalPolicyLocal ? localEndpoints : clusterEndpoints;
        const add = (kind: VirtualServer['kind'], address: string, port: number, eps: Endpoint[]): void => {
          servers.push({
            protocol: svc.protocol.toUpperCase() as VirtualServer['protocol'], address, port, scheduler: 'rr',
            ...(svc.sessionAffinityClientIP ? { persistentSeconds: svc.stickyMaxAgeSeconds } : {}),
            service: svc.nameString, kind,
            realServers: eps.map((e) => ({ address: e.ip, port: e.port, forward: 'Masq', weight: 1, activeConns: 0, inactiveConns: 0 })),
          });
        };
        const member = (ip: string, port: number): string => `${ip},${svc.protocol}:${port}`;
        add('clusterIP', svc.clusterIP, svc.portNumber, internal);
        addresses.add(svc.clusterIP);
        sets['KUBE-CLUSTER-IP'].members.push(member(svc.clusterIP, svc.portNumber));
        for (const ip of svc.externalIPs) {
          add('externalIP', ip, svc.portNumber, external);
          addresses.add(ip);
          sets['KUBE-EXTERNAL-IP'].members.push(member(ip, svc.portNumber));
        }
        for (const ip of svc.loadBalancerVIPs) {
          add('loadBalancer', ip, svc.portNumber, external);
          addresses.add(ip);
          sets['KUBE-LOAD-BALANCER'].members.push(member(ip, svc.portNumber));
        }
        if (svc.nodePort) {
          add('nodePort', this.config.nodeIP, svc.nodePort, external);
          const set = sets[`KUBE-NODE-PORT-${svc.protocol.toUpperCase()}`];
          if (set) set.members.push(String(svc.nodePort));
        }
        for (const e of allReachableEndpoints) sets['KUBE-LOOP-BACK'].members.push(`${e.ip},${svc.protocol}:${e.port},${e.ip}`);
      }
    }
    servers.sort(byVirtualServer);
    for (const s of Object.values(sets)) s.members.sort();
    return { virtualServers: servers, kubeIpvs0: [...addresses].sort((a, b) => ipNumber(a) - ipNumber(b)), ipsets: sets };
  }
}

function byVirtualServer(a: VirtualServer, b: VirtualServer): number {
  return a.protocol.localeCompare(b.protocol) || ipNumber(a.address) - ipNumber(b.address) || a.port - b.port;
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);

/** ipvsadmList prints virtual servers as `ipvsadm -Ln` does (print_service_entry and print_dest). */
export function ipvsadmList(servers: readonly VirtualServer[]): string {
  const out = [IPVS_HEADER, 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];
  for (const s of servers) {
    out.push(`${s.protocol}  ${s.address}:${s.port} ${s.scheduler}${s.persistentSeconds !== undefined ? ` persistent ${s.persistentSeconds}` : ''}`);
    for (const r of [...s.realServers].sort((a, b) => ipNumber(a.address) - ipNumber(b.address) || a.port - b.port)) {
      out.push(`  -> ${pad(`${r.address}:${r.port}`, 28)} ${pad(r.forward, 7)} ${pad(r.weight, 6)} ${pad(r.activeConns, 10)} ${pad(r.inactiveConns, 10)}`);
    }
  }
  return `${out.join('\n')}\n`;
}


