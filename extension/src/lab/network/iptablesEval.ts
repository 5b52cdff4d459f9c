/**
 * iptablesEval runs an iptables rule set (iptablesRules' data, as kube-proxy's
 * iptables proxier wrote it) against a packet the way netfilter's x_tables
 * does: at each hook the built-in chain's rules in order, jumps into user
 * chains and back on RETURN or at a chain's end, the first terminal target
 * deciding. The matches are evaluated for real: statistic draws from the
 * lab's random source, recent keeps its lists in the node's kernel state,
 * addrtype asks which addresses are the node's.
 */
import type { IptJump, IptMatch, IptRule, IptTable } from './iptablesRules';
import { inCidr } from './networkModel';
import type { Hook, HookContext, Hop, ModeEvaluator, Packet, Verdict } from './packet';

/** IptablesRuleSet is what IptablesProxier.rules() returns. */
export interface IptablesRuleSet {
  jumps: IptJump[];
  tables: IptTable[];
}

/** HOOK_CHAINS are the (table, built-in chain) pairs each hook traverses, in priority order. */
const HOOK_CHAINS: Record<Hook, ['nat' | 'filter', string][]> = {
  prerouting: [['nat', 'PREROUTING']],
  output: [['nat', 'OUTPUT'], ['filter', 'OUTPUT']],
  input: [['filter', 'INPUT']],
  forward: [['filter', 'FORWARD']],
  postrouting: [['nat', 'POSTROUTING']],
};

/** MAX_DEPTH is how deep jumps may nest, as the kernel's loop check bounds it. */
const MAX_DEPTH = 64;

type Outcome = Verdict | 'return';

/** IptablesEvaluator evaluates one node's iptables rule set. */
export class IptablesEvaluator implements ModeEvaluator {
  private readonly chains = new Map<string, IptRule[]>();

  constructor(rules: IptablesRuleSet) {
    for (const j of rules.jumps) this.list(j.table, j.chain).push(j.rule);
    for (const t of rules.tables) for (const c of t.chains) this.chains.set(`${t.name}/${c.name}`, c.rules);
  }

  private list(table: string, chain: string): IptRule[] {
    const key = `${table}/${chain}`;
    let l = this.chains.get(key);
    if (!l) this.chains.set(key, (l = []));
    return l;
  }

  localAddresses(): readonly string[] {
    return [];
  }

  hook(hook: Hook, pkt: Packet, ctx: HookContext): Verdict {
    for (const [table, chain] of HOOK_CHAINS[hook]) {
      const out = this.walk(table, chain, pkt, ctx, 0);
      if (out === 'drop' || out === 'reject') return out;
      // ACCEPT ends this table's traversal; the next table at the hook still sees the packet.
    }
    return 'accept';
  }

  private walk(table: string, chain: string, pkt: Packet, ctx: HookContext, depth: number): Outcome {
    if (depth > MAX_DEPTH) return 'drop';
    for (const r of this.chains.get(`${table}/${chain}`) ?? []) {
      const stat = r.matches.find((m): m is Extract<IptMatch, { kind: 'statistic' }> => m.kind === 'statistic');
      if (!r.matches.every((m) => m.kind === 'statistic' || matches(m, pkt, ctx))) continue;
      let taken = true;
      if (stat) taken = ctx.random.float() < stat.probability;
      const hop: Hop = { type: 'rule', node: ctx.node, table, chain, rule: r.text, text: `${table} ${chain}: ${r.text}`, ...(stat ? { probability: stat.probability, taken } : {}) };
      if (!taken) {
        ctx.hops.push(hop);
        continue;
      }
      // recent --set records the source once the rule matches.
      for (const m of r.matches) if (m.kind === 'recent' && 'set' in m) recentList(ctx, m.name).set(pkt.src, ctx.now);
      const t = r.target;
      if (!t) continue;
      switch (t.kind) {
        case 'jump': {
          const mark = ctx.hops.length;
          ctx.hops.push(hop);
          const out = this.walk(table, t.chain, pkt, ctx, depth + 1);
          if (out !== 'return') return out;
          // A chain that changed nothing and decided nothing stays out of the trace.
          if (ctx.hops.length === mark + 1 && !stat && !isInteresting(t.chain)) ctx.hops.length = mark;
          continue;
        }
        case 'verdict':
          if (t.verdict === 'RETURN') return 'return';
          ctx.hops.push({ ...hop, type: t.verdict === 'ACCEPT' ? 'rule' : t.verdict === 'DROP' ? 'drop' : t.verdict === 'REJECT' ? 'reject' : 'rule' });
          return t.verdict === 'ACCEPT' ? 'accept' : t.verdict === 'DROP' ? 'drop' : 'reject';
        case 'dnat': {
          ctx.hops.push(hop);
          const from = `${pkt.dst}:${pkt.dport}`;
          const [ip, port] = t.to.split(':');
          pkt.dst = ip;
          if (port) pkt.dport = Number(port);
          pkt.dnat = true;
          ctx.hops.push({ type: 'nat', node: ctx.node, text: `DNAT ${from} → ${t.to}`, from, to: t.to });
          return 'accept';
        }
        case 'masquerade': {
          ctx.hops.push(hop);
          const from = pkt.src;
          pkt.src = ctx.masqueradeAddress ?? pkt.src;
          ctx.hops.push({ type: 'nat', node: ctx.node, text: `MASQUERADE ${from} → ${pkt.src}${t.randomFully ? ' (--random-fully)' : ''}`, from, to: pkt.src });
          return 'accept';
        }
        case 'mark': {
          const v = Number(t.value);
          pkt.mark = t.op === 'or' ? pkt.mark | v : pkt.mark ^ v;
          ctx.hops.push(hop);
          continue;
        }
      }
    }
    return 'return';
  }
}

/** isInteresting keeps a jump in the trace though nothing in the chain matched: the per-service chains. */
function isInteresting(chain: string): boolean {
  return /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(chain);
}

function recentList(ctx: HookContext, name: string): Map<string, number> {
  let l = ctx.kernel.recent.get(name);
  if (!l) ctx.kernel.recent.set(name, (l = new Map<string, number>()));
  return l;
}

/** matches evaluates one match of a rule (not statistic: the caller draws for it last). */
function matches(m: IptMatch, pkt: Packet, ctx: HookContext): boolean {
  switch (m.kind) {
    case 'comment':
    case 'nfacct':
    case 'statistic':
      return true;
    case 'protocol': return pkt.protocol === m.protocol;
    case 'destination': return inCidr(pkt.dst, m.cidr) !== (m.negated ?? false);
    case 'source': return inCidr(pkt.src, m.cidr) !== (m.negated ?? false);
    case 'dport': return pkt.dport === m.port;
    case 'addrtype': return ctx.isLocal(m.direction === 'src' ? pkt.src : pkt.dst);
    case 'mark': {
      const [value, mask] = m.mark.split('/').map(Number);
      return ((pkt.mark & (mask ?? 0xffffffff)) === value) !== (m.negated ?? false);
    }
    case 'conntrack': {
      const states = new Set(['NEW', ...(pkt.dnat ? ['DNAT'] : [])]);
      return m.states.some((s) => states.has(s)) !== (m.negated ?? false);
    }
    case 'recent': {
      if ('set' in m) return true;
      const list = recentList(ctx, m.name);
      const cutoff = ctx.now - m.seconds * 1000;
      // --reap drops the entries older than --seconds as the check walks the list.
      for (const [ip, seen] of list) if (seen < cutoff) list.delete(ip);
      return list.has(pkt.src);
    }
  }
}
