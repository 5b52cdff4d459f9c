/**
 * ipvsEval runs a node's IPVS configuration (ipvsProxier's data) against a
 * packet: the few iptables rules kube-proxy's IPVS proxier keeps (marking
 * off-cluster and node-port traffic for masquerade through its ipsets, the
 * hairpin masquerade of KUBE-LOOP-BACK), and the IPVS hook itself, which finds
 * the virtual service of the destination, picks a real server with the
 * round-robin scheduler — or the one a persistence template remembers for the
 * client (ClientIP affinity) — and rewrites the destination to it (Masq).
 */
import type { IpvsRuleSet, VirtualServer } from './ipvsProxier';
import { inCidr } from './networkModel';
import type { Hook, HookContext, ModeEvaluator, Packet, Verdict } from './packet';

const MASQ_MARK = 0x4000;

/** The IPVS proxier's iptables rules the evaluator applies, as iptables-save prints them. */
const RULES = {
  clusterIP: (cidr: string) => `-A KUBE-SERVICES ! -s ${cidr} -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`,
  nodePortJump: '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
  nodePort: (proto: string) => `-A KUBE-NODE-PORT -p ${proto} -m comment --comment "Kubernetes nodeport ${proto.toUpperCase()} port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-${proto.toUpperCase()} dst -j KUBE-MARK-MASQ`,
  externalIP: '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ',
  loadBalancer: '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-MARK-MASQ',
  loopBack: '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
  masquerade: '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
};

/** IpvsEvaluator evaluates one node's IPVS configuration. */
export class IpvsEvaluator implements ModeEvaluator {
  private readonly byAddress = new Map<string, VirtualServer>();

  constructor(private readonly set: IpvsRuleSet, private readonly clusterCIDR: string | undefined) {
    for (const vs of set.virtualServers) this.byAddress.set(`${vs.protocol.toLowerCase()}|${vs.address}|${vs.port}`, vs);
  }

  localAddresses(): readonly string[] {
    return this.set.kubeIpvs0;
  }

  private member(setName: string, pkt: Packet): boolean {
    const members = this.set.ipsets[setName]?.members ?? [];
    return members.includes(`${pkt.dst},${pkt.protocol}:${pkt.dport}`);
  }

  hook(hook: Hook, pkt: Packet, ctx: HookContext): Verdict {
    switch (hook) {
      case 'prerouting':
      case 'output':
        this.mark(pkt, ctx);
        return 'accept';
      case 'input':
        return this.schedule(pkt, ctx);
      case 'forward':
        return 'accept';
      case 'postrouting':
        return this.postrouting(pkt, ctx);
    }
  }

  private markMasq(pkt: Packet, ctx: HookContext, rule: string): void {
    pkt.mark |= MASQ_MARK;
    ctx.hops.push({ type: 'rule', node: ctx.node, table: 'nat', chain: rule.split(' ')[1], rule, text: `nat ${rule.split(' ')[1]}: ${rule}` });
  }

  /** mark is the nat KUBE-SERVICES / KUBE-NODE-PORT rules: who will be masqueraded. */
  private mark(pkt: Packet, ctx: HookContext): void {
    if (this.member('KUBE-CLUSTER-IP', pkt)) {
      if (this.clusterCIDR && !inCidr(pkt.src, this.clusterCIDR)) this.markMasq(pkt, ctx, RULES.clusterIP(this.clusterCIDR));
      return;
    }
    if (this.member('KUBE-EXTERNAL-IP', pkt)) return this.markMasq(pkt, ctx, RULES.externalIP);
    if (this.member('KUBE-LOAD-BALANCER', pkt)) return this.markMasq(pkt, ctx, RULES.loadBalancer);
    if (ctx.isLocal(pkt.dst) && (this.set.ipsets[`KUBE-NODE-PORT-${pkt.protocol.toUpperCase()}`]?.members ?? []).includes(String(pkt.dport))) {
      ctx.hops.push({ type: 'rule', node: ctx.node, table: 'nat', chain: 'KUBE-SERVICES', rule: RULES.nodePortJump, text: `nat KUBE-SERVICES: ${RULES.nodePortJump}` });
      this.markMasq(pkt, ctx, RULES.nodePort(pkt.protocol));
    }
  }

  /** virtualServer is the IPVS service a packet is addressed to. */
  private virtualServer(pkt: Packet, ctx: HookContext): VirtualServer | undefined {
    const vs = this.byAddress.get(`${pkt.protocol}|${pkt.dst}|${pkt.dport}`);
    if (vs) return vs;
    // Node ports listen on the node's addresses.
    if (!ctx.isLocal(pkt.dst)) return undefined;
    return this.set.virtualServers.find((v) => v.kind === 'nodePort' && v.port === pkt.dport && v.protocol.toLowerCase() === pkt.protocol);
  }

  /** schedule is ip_vs_in: the virtual service's scheduler picks a destination and the packet is rewritten to it. */
  private schedule(pkt: Packet, ctx: HookContext): Verdict {
    const vs = this.virtualServer(pkt, ctx);
    if (!vs) return 'accept';
    const head = `${vs.protocol}  ${vs.address}:${vs.port} ${vs.scheduler}${vs.persistentSeconds !== undefined ? ` persistent ${vs.persistentSeconds}` : ''}`;
    const key = `${vs.protocol}|${vs.address}|${vs.port}`;
    if (vs.realServers.length === 0) {
      ctx.hops.push({ type: 'reject', node: ctx.node, text: `IPVS ${head}: no destination available (ICMP port unreachable)`, rule: head });
      return 'reject';
    }
    let server: string | undefined;
    let why = 'rr';
    if (vs.persistentSeconds !== undefined) {
      const template = ctx.kernel.persistence.get(`${key}|${pkt.src}`);
      if (template && template.expires > ctx.now && vs.realServers.some((r) => `${r.address}:${r.port}` === template.server)) {
        server = template.server;
        why = `persistence template for ${pkt.src}`;
      }
    }
    if (!server) {
      const at = ctx.kernel.rr.get(key) ?? 0;
      const r = vs.realServers[at % vs.realServers.length];
      ctx.kernel.rr.set(key, (at + 1) % vs.realServers.length);
      server = `${r.address}:${r.port}`;
      why = `rr: destination ${(at % vs.realServers.length) + 1} of ${vs.realServers.length}`;
    }
    if (vs.persistentSeconds !== undefined) ctx.kernel.persistence.set(`${key}|${pkt.src}`, { server, expires: ctx.now + vs.persistentSeconds * 1000 });
    ctx.hops.push({ type: 'ipvs', node: ctx.node, text: `IPVS ${head} -> ${server} Masq (${why})`, rule: head, to: server });
    const from = `${pkt.dst}:${pkt.dport}`;
    const [ip, port] = server.split(':');
    pkt.dst = ip;
    pkt.dport = Number(port);
    pkt.dnat = true;
    ctx.hops.push({ type: 'nat', node: ctx.node, text: `DNAT ${from} → ${server} (IPVS Masq)`, from, to: server });
    return 'accept';
  }

  private postrouting(pkt: Packet, ctx: HookContext): Verdict {
    const hairpin = pkt.src === pkt.dst && (this.set.ipsets['KUBE-LOOP-BACK']?.members ?? []).includes(`${pkt.dst},${pkt.protocol}:${pkt.dport},${pkt.src}`);
    const rule = hairpin ? RULES.loopBack : (pkt.mark & MASQ_MARK) !== 0 ? RULES.masquerade : undefined;
    if (!rule) return 'accept';
    pkt.mark &= ~MASQ_MARK;
    ctx.hops.push({ type: 'rule', node: ctx.node, table: 'nat', chain: 'KUBE-POSTROUTING', rule, text: `nat KUBE-POSTROUTING: ${rule}` });
    const from = pkt.src;
    pkt.src = ctx.masqueradeAddress ?? pkt.src;
    ctx.hops.push({ type: 'nat', node: ctx.node, text: `MASQUERADE ${from} → ${pkt.src}`, from, to: pkt.src });
    return 'accept';
  }
}
