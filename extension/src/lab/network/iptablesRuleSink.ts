/**
 * iptablesRuleSink is where the iptables proxier writes a Service's rules:
 * as iptables-restore text on every sync (TextSink), or as rule objects when
 * the packet tracer or the published rule set asks for them (DataSink). One
 * writer feeds both, so the text and the data cannot disagree.
 */
import { type IptChain, type IptMatch, type IptRule, type IptTarget, rule, ruleText } from './iptablesRules';

/** TOP_CHAINS are the top-level chains each Service has a share of. */
export const TOP_CHAINS = ['filterNodePorts', 'filterServices', 'filterExternal', 'filterFirewall', 'natServices', 'natNodePorts'] as const;
/** TopChain names a Service's share of a top-level chain. */
export type TopChain = typeof TOP_CHAINS[number];

/**
 * RuleSink receives a Service's rules as servicePort writes them: either as
 * text (every sync) or as objects (when the rule set is asked for as data).
 * One writer feeds both, so the text and the data cannot disagree.
 */
export interface RuleSink {
  /** top adds a rule to the Service's share of a top-level chain. */
  top(share: TopChain, chain: string, matches: IptMatch[], target?: IptTarget): void;
  /** ensure creates a nat chain of the Service, empty until rules are added. */
  ensure(chain: string): void;
  /** add appends a rule to one of the Service's nat chains, creating it on first use. */
  add(chain: string, matches: IptMatch[], target?: IptTarget): void;
}

/**
 * TextSink renders rules straight to iptables-restore lines; the rule objects
 * die young. Each chain's lines are joined once, when the Service is done, so
 * what a fragment keeps is one flat string per chain, not a rope of pieces.
 */
export class TextSink implements RuleSink {
  /** shares are the lines for each top-level chain, created on first use (most Services write to one or two). */
  private readonly shares: Partial<Record<TopChain, string[]>> = {};
  private readonly chains: { name: string; lines: string[] }[] = [];

  top(share: TopChain, chain: string, matches: IptMatch[], target?: IptTarget): void {
    (this.shares[share] ??= []).push(ruleText(chain, matches, target));
  }

  ensure(chain: string): void {
    this.find(chain);
  }

  add(chain: string, matches: IptMatch[], target?: IptTarget): void {
    this.find(chain).lines.push(ruleText(chain, matches, target));
  }

  /** finish is the Service's share of each top-level chain and its own chains, as text. */
  finish(): { lines: Record<TopChain, string>; rendered: RenderedChain[] } {
    const sh = this.shares;
    return {
      lines: {
        filterNodePorts: joinLines(sh.filterNodePorts), filterServices: joinLines(sh.filterServices), filterExternal: joinLines(sh.filterExternal),
        filterFirewall: joinLines(sh.filterFirewall), natServices: joinLines(sh.natServices), natNodePorts: joinLines(sh.natNodePorts),
      },
      rendered: this.chains.map((c) => ({ name: c.name, text: joinLines(c.lines) })),
    };
  }

  private find(name: string): { name: string; lines: string[] } {
    for (let i = this.chains.length - 1; i >= 0; i--) if (this.chains[i].name === name) return this.chains[i];
    const c = { name, lines: [] };
    this.chains.push(c);
    return c;
  }
}

/** joinLines is lines each ended by a newline, as one string. */
function joinLines(lines: string[] | undefined): string {
  if (!lines || lines.length === 0) return '';
  lines.push('');
  return lines.join('\n');
}

/** DataSink keeps rules as objects, chains in the order they are first used. */
export class DataSink implements RuleSink {
  readonly shares: Record<TopChain, IptRule[]> = { filterNodePorts: [], filterServices: [], filterExternal: [], filterFirewall: [], natServices: [], natNodePorts: [] };
  readonly chains: IptChain[] = [];

  top(share: TopChain, chain: string, matches: IptMatch[], target?: IptTarget): void {
    this.shares[share].push(rule(chain, matches, target));
  }

  ensure(chain: string): void {
    this.find(chain);
  }

  add(chain: string, matches: IptMatch[], target?: IptTarget): void {
    this.find(chain).rules.push(rule(chain, matches, target));
  }

  private find(name: string): IptChain {
    for (let i = this.chains.length - 1; i >= 0; i--) if (this.chains[i].name === name) return this.chains[i];
    const c: IptChain = { name, rules: [] };
    this.chains.push(c);
    return c;
  }
}

/** RenderedChain is a chain's name and its rules' text. */
export interface RenderedChain {
  name: string;
  text: string;
}

/** renderTable appends one table, as iptables-save prints it from already rendered chains, to parts joined once by the caller. */
export function renderTable(out: string[], name: string, chains: readonly RenderedChain[], stale: readonly string[] = []): void {
  out.push(`*${name}\n`);
  for (const c of chains) out.push(':', c.name, ' - [0:0]\n');
  for (const c of chains) out.push(c.text);
  for (const c of stale) out.push(':', c, ' - [0:0]\n');
  for (const c of stale) out.push('-X ', c, '\n');
  out.push('COMMIT\n');
}

/** ruleLines renders rules as iptables-restore lines. */
export function ruleLines(rules: readonly IptRule[]): string {
  let out = '';
  for (const r of rules) out += `${r.text}\n`;
  return out;
}
