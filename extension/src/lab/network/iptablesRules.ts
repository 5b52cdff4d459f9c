/**
 * iptablesRules is the data model of an iptables rule set — tables of chains of
 * rules, each rule a list of matches and a target — and its rendering in the
 * iptables-save syntax kube-proxy feeds to iptables-restore. Matches carry
 * their values (probabilities as numbers, CIDRs, ports), so a packet tracer can
 * evaluate the same rules the text shows.
 */

/** IptMatch is one match of a rule, in the order upstream writes it. */
export type IptMatch =
  | { kind: 'comment'; text: string }
  | { kind: 'protocol'; protocol: string }
  | { kind: 'destination'; cidr: string; negated?: boolean }
  | { kind: 'source'; cidr: string; negated?: boolean }
  | { kind: 'dport'; port: number }
  | { kind: 'addrtype'; direction: 'src' | 'dst'; type: 'LOCAL' }
  | { kind: 'statistic'; mode: 'random'; probability: number }
  | { kind: 'recent'; name: string; set: true }
  | { kind: 'recent'; name: string; rcheck: true; seconds: number; reap: true }
  | { kind: 'mark'; mark: string; negated?: boolean }
  | { kind: 'conntrack'; states: string[]; negated?: boolean }
  | { kind: 'nfacct'; name: string };

/** IptTarget is what a matching rule does; a rule without one only counts the packet. */
export type IptTarget =
  | { kind: 'jump'; chain: string }
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' }
  | { kind: 'dnat'; to: string }
  | { kind: 'masquerade'; randomFully: boolean }
  | { kind: 'mark'; op: 'or' | 'xor'; value: string };

/** IptRule is one `-A chain …` line. */
export interface IptRule {
  chain: string;
  matches: IptMatch[];
  target?: IptTarget;
  /** text is the line as iptables-save prints it. */
  text: string;
}

/** IptChain is a chain and its rules in order. */
export interface IptChain {
  name: string;
  rules: IptRule[];
}

/** IptTable is a table's chains in the order they are printed. */
export interface IptTable {
  name: 'filter' | 'nat';
  chains: IptChain[];
}

/** IptJump is a rule kube-proxy keeps in a built-in chain with `iptables -I` (iptablesJumpChains), outside the restored tables. */
export interface IptJump {
  table: 'filter' | 'nat';
  chain: string;
  rule: IptRule;
}

/** quote quotes a comment as iptables-save does when it holds a space. */
function quote(s: string): string {
  return /[\s"]/.test(s) ? `"${s}"` : s;
}

/** probabilityText is upstream's computeProbability format, fmt "%0.10f". */
export function probabilityText(p: number): string {
  return p.toFixed(10);
}

function not(negated?: boolean): string {
  return negated ? '! ' : '';
}

function matchText(m: IptMatch): string {
  switch (m.kind) {
    case 'comment': return `-m comment --comment ${quote(m.text)}`;
    case 'protocol': return `-m ${m.protocol} -p ${m.protocol}`;
    case 'destination': return `${not(m.negated)}-d ${m.cidr}`;
    case 'source': return `${not(m.negated)}-s ${m.cidr}`;
    case 'dport': return `--dport ${m.port}`;
    case 'addrtype': return `-m addrtype --${m.direction}-type ${m.type}`;
    case 'statistic': return `-m statistic --mode random --probability ${probabilityText(m.probability)}`;
    case 'recent': return 'set' in m ? `-m recent --name ${m.name} --set` : `-m recent --name ${m.name} --rcheck --seconds ${m.seconds} --reap`;
    case 'mark': return `-m mark ${not(m.negated)}--mark ${m.mark}`;
    case 'conntrack': return `-m conntrack ${not(m.negated)}--ctstate ${m.states.join(',')}`;
    case 'nfacct': return `-m nfacct --nfacct-name ${m.name}`;
  }
}

function targetText(t: IptTarget): string {
  switch (t.kind) {
    case 'jump': return `-j ${t.chain}`;
    case 'verdict': return `-j ${t.verdict}`;
    case 'dnat': return `-j DNAT --to-destination ${t.to}`;
    case 'masquerade': return t.randomFully ? '-j MASQUERADE --random-fully' : '-j MASQUERADE';
    case 'mark': return `-j MARK --${t.op}-mark ${t.value}`;
  }
}

/** ruleText is a rule's line as iptables-save prints it, without building the rule. */
export function ruleText(chain: string, matches: readonly IptMatch[], target?: IptTarget): string {
  let text = `-A ${chain}`;
  for (const m of matches) text += ` ${matchText(m)}`;
  if (target) text += ` ${targetText(target)}`;
  return text;
}

/** rule builds a rule and its text. */
export function rule(chain: string, matches: IptMatch[], target?: IptTarget): IptRule {
  const text = ruleText(chain, matches, target);
  return target ? { chain, matches, target, text } : { chain, matches, text };
}

export const jump = (chain: string): IptTarget => ({ kind: 'jump', chain });
export const verdict = (v: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN'): IptTarget => ({ kind: 'verdict', verdict: v });

/** renderTables prints tables as iptables-save does: `*table`, the chain lines, the rules, COMMIT. */
export function renderTables(tables: readonly IptTable[]): string {
  let out = '';
  for (const t of tables) {
    out += `*${t.name}\n`;
    for (const c of t.chains) out += `:${c.name} - [0:0]\n`;
    for (const c of t.chains) for (const r of c.rules) out += `${r.text}\n`;
    out += 'COMMIT\n';
  }
  return out;
}

function chainRank(n: string): number {
  return n === 'KUBE-NODEPORTS' ? 0 : n === 'KUBE-SERVICES' ? 1 : 2;
}

/**
 * chainOrder sorts chain names as upstream's tests print a dump: KUBE-NODEPORTS,
 * then KUBE-SERVICES, then the rest alphabetically.
 */
export function chainOrder(a: string, b: string): number {
  return chainRank(a) - chainRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
