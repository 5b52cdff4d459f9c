/**
 * nftablesEval runs a node's `table ip kube-proxy` (nftablesProxier's data)
 * against a packet as nf_tables does: the base chains hooked where the packet
 * is, by priority; each rule's expressions left to right (payload and meta
 * comparisons, set lookups, concatenated-key verdict maps, fib), its statements
 * (mark, dnat, masquerade, dynamic set updates, numgen) and its verdict (jump
 * returns, goto does not). `numgen random mod N` draws from the lab's random
 * source; affinity sets live in the node's kernel state with their timeout.
 */
import type { NftChain, NftRule, NftTable } from './nftablesProxier';
import { inCidr } from './networkModel';
import type { Hook, HookContext, Hop, ModeEvaluator, Packet, Verdict } from './packet';

type Outcome = Verdict | 'return';

const HOOK_NAMES: Record<Hook, string> = { prerouting: 'prerouting', output: 'output', input: 'input', forward: 'forward', postrouting: 'postrouting' };
const MAX_DEPTH = 64;

/** tokenize splits a rule into words, keeping `{ … }` groups as one token. */
function tokenize(rule: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rule.length) {
    if (rule[i] === ' ') {
      i++;
    } else if (rule[i] === '{') {
      const end = rule.indexOf('}', i);
      out.push(rule.slice(i, end + 1));
      i = end + 1;
    } else {
      const end = rule.indexOf(' ', i);
      out.push(rule.slice(i, end < 0 ? rule.length : end));
      i = end < 0 ? rule.length : end;
    }
  }
  return out;
}

/** groupItems are the elements of a `{ a, b }` token. */
function groupItems(token: string): string[] {
  return token.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
}

/** NftablesEvaluator evaluates one node's kube-proxy table. */
export class NftablesEvaluator implements ModeEvaluator {
  private readonly chains = new Map<string, NftChain>();
  private readonly hooks = new Map<string, NftChain[]>();
  private readonly maps = new Map<string, Map<string, string>>();
  private readonly sets = new Map<string, { members: Set<string>; timeoutSeconds?: number; dynamic: boolean }>();

  constructor(table: NftTable) {
    for (const c of table.chains) {
      this.chains.set(c.name, c);
      if (!c.base) continue;
      let l = this.hooks.get(c.base.hook);
      if (!l) this.hooks.set(c.base.hook, (l = []));
      l.push(c);
    }
    for (const l of this.hooks.values()) l.sort((a, b) => (a.base?.priority ?? 0) - (b.base?.priority ?? 0));
    for (const s of table.sets) {
      if (s.kind === 'map') this.maps.set(s.name, new Map(s.elements.map((e) => [e.key.join(' . '), (e.value ?? []).join(' . ')])));
      else this.sets.set(s.name, { members: new Set(s.elements.map((e) => e.key.join(' . '))), ...(s.timeoutSeconds !== undefined ? { timeoutSeconds: s.timeoutSeconds } : {}), dynamic: (s.flags ?? []).includes('dynamic') });
    }
  }

  localAddresses(): readonly string[] {
    return [];
  }

  hook(hook: Hook, pkt: Packet, ctx: HookContext): Verdict {
    for (const c of this.hooks.get(HOOK_NAMES[hook]) ?? []) {
      const out = this.walk(c.name, pkt, ctx, 0);
      if (out === 'drop' || out === 'reject') return out;
    }
    return 'accept';
  }

  /** inSet is set membership: static elements, or a dynamic set's live entries in the node's kernel. */
  private inSet(name: string, value: string, ctx: HookContext): boolean {
    const s = this.sets.get(name);
    if (!s) return false;
    if (!s.dynamic) return s.members.has(value);
    const expiry = ctx.kernel.sets.get(name)?.get(value);
    return expiry !== undefined && expiry > ctx.now;
  }

  private walk(chain: string, pkt: Packet, ctx: HookContext, depth: number): Outcome {
    if (depth > MAX_DEPTH) return 'drop';
    for (const r of this.chains.get(chain)?.rules ?? []) {
      const out = this.rule(chain, r, pkt, ctx, depth);
      if (out !== undefined) return out;
    }
    return 'return';
  }

  /** rule evaluates one rule: undefined when the packet goes on to the next rule. */
  private rule(chain: string, r: NftRule, pkt: Packet, ctx: HookContext, depth: number): Outcome | undefined {
    const t = tokenize(r.rule);
    const hop = (extra: Partial<Hop> = {}): Hop => ({ type: 'rule', node: ctx.node, table: 'ip kube-proxy', chain, rule: r.rule, text: `${chain}: ${r.rule}`, ...extra });
    const verdict = (v: string, h: Hop): Outcome | undefined => this.verdict(v, h, pkt, ctx, depth);
    let i = 0;
    while (i < t.length) {
      const w = t[i];
      if (w === 'ct' && t[i + 1] === 'state') {
        if (t[i + 2] !== 'new') return undefined;
        i += 3;
      } else if ((w === 'ip' || w === 'meta' || w === 'th') && t[i + 2] === '.') {
        // A concatenated key looked up in a verdict map: ip daddr . meta l4proto . th dport vmap @map.
        const parts: string[] = [];
        while (t[i] !== 'vmap') {
          parts.push(field(t[i], t[i + 1], pkt));
          i += t[i + 2] === '.' ? 3 : 2;
        }
        const name = t[i + 1].slice(1);
        const key = parts.join(' . ');
        const v = this.maps.get(name)?.get(key);
        if (v === undefined) return undefined;
        return verdict(v, hop({ text: `${chain}: ${r.rule} → @${name} element ${key} : ${v}` }));
      } else if (w === 'meta' && t[i + 1] === 'l4proto') {
        if (t[i + 2] !== pkt.protocol) return undefined;
        i += 3;
      } else if (w === 'ip') {
        const value = t[i + 1] === 'saddr' ? pkt.src : pkt.dst;
        const negated = t[i + 2] === '!=';
        const operand = t[i + (negated ? 3 : 2)];
        let hit: boolean;
        if (operand.startsWith('@')) hit = this.inSet(operand.slice(1), value, ctx);
        else if (operand.startsWith('{')) hit = groupItems(operand).some((c) => inCidr(value, c));
        else hit = inCidr(value, operand);
        if (hit === negated) return undefined;
        i += negated ? 4 : 3;
      } else if (w === 'fib') {
        // fib saddr type local
        if (!ctx.isLocal(t[i + 1] === 'saddr' ? pkt.src : pkt.dst)) return undefined;
        i += 4;
      } else if (w === 'mark' && t[i + 1] === 'and') {
        // mark and 0x4000 == 0
        if ((pkt.mark & Number(t[i + 2])) !== Number(t[i + 4])) return undefined;
        i += 5;
      } else if (w === 'mark' && t[i + 1] === 'set') {
        const v = Number(t[i + 4]);
        pkt.mark = t[i + 3] === 'or' ? pkt.mark | v : pkt.mark ^ v;
        ctx.hops.push(hop());
        i += 5;
      } else if (w === 'update') {
        const name = t[i + 1].slice(1);
        const timeout = this.sets.get(name)?.timeoutSeconds ?? 0;
        let live = ctx.kernel.sets.get(name);
        if (!live) ctx.kernel.sets.set(name, (live = new Map<string, number>()));
        live.set(pkt.src, ctx.now + timeout * 1000);
        ctx.hops.push(hop());
        i += 3;
      } else if (w === 'numgen') {
        if (!r.numgen) return undefined;
        const n = ctx.random.int(r.numgen.mod);
        const target = r.numgen.chains[n];
        return verdict(`goto ${target}`, hop({ probability: 1 / r.numgen.mod, taken: true, text: `${chain}: numgen random mod ${r.numgen.mod} = ${n} → goto ${target}` }));
      } else if (w === 'dnat') {
        const to = t[i + 2];
        ctx.hops.push(hop());
        const from = `${pkt.dst}:${pkt.dport}`;
        const [ip, port] = to.split(':');
        pkt.dst = ip;
        if (port) pkt.dport = Number(port);
        pkt.dnat = true;
        ctx.hops.push({ type: 'nat', node: ctx.node, text: `DNAT ${from} → ${to}`, from, to });
        return 'accept';
      } else if (w === 'masquerade') {
        ctx.hops.push(hop());
        const from = pkt.src;
        pkt.src = ctx.masqueradeAddress ?? pkt.src;
        ctx.hops.push({ type: 'nat', node: ctx.node, text: `MASQUERADE ${from} → ${pkt.src}`, from, to: pkt.src });
        return 'accept';
      } else {
        return verdict(t.slice(i).join(' '), hop());
      }
    }
    return undefined;
  }

  /** verdict applies a verdict (a rule's last words or a map element's value). */
  private verdict(v: string, h: Hop, pkt: Packet, ctx: HookContext, depth: number): Outcome | undefined {
    const [kind, target] = v.split(' ');
    switch (kind) {
      case 'jump':
      case 'goto': {
        const mark = ctx.hops.length;
        ctx.hops.push(h);
        const out = this.walk(target, pkt, ctx, depth + 1);
        if (out === 'return' && ctx.hops.length === mark + 1 && !/^(service|external|local|endpoint|firewall)-[A-Z2-7]{8}-/.test(target) && target !== 'reject-chain') ctx.hops.length = mark;
        if (kind === 'goto') return out;
        return out === 'return' ? undefined : out;
      }
      case 'return':
        return 'return';
      case 'accept':
        ctx.hops.push(h);
        return 'accept';
      case 'drop':
        ctx.hops.push({ ...h, type: 'drop' });
        return 'drop';
      case 'reject':
        ctx.hops.push({ ...h, type: 'reject' });
        return 'reject';
      default:
        return undefined;
    }
  }
}

/** field is a packet field's value as a set key prints it. */
function field(a: string, b: string, pkt: Packet): string {
  if (a === 'ip') return b === 'saddr' ? pkt.src : pkt.dst;
  if (a === 'meta' && b === 'l4proto') return pkt.protocol;
  if (a === 'th') return String(b === 'sport' ? pkt.sport : pkt.dport);
  return '';
}
