/**
 * environment builds the CEL environments the API server compiles expressions
 * in (k8s.io/apiserver/pkg/cel/environment): the base library plus Kubernetes'
 * libraries, optional types and heterogeneous literals, with the variables each
 * use declares. Expressions compile once (parse and type-check) and evaluate
 * many times; failures read as cel-go's (`ERROR: <input>:1:6: undefined field
 * 'foo'` with the caret line), runtime errors as cel-go's (`no such key: x`).
 */
import { type ASTNode, Environment } from './celJs';
import { registerKubernetesLibraries } from './library';

let base: Environment | undefined;

/** newEnvironment returns a fresh environment with every Kubernetes library, ready for declarations. */
export function newEnvironment(): Environment {
  if (!base) {
    base = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    registerKubernetesLibraries(base);
  }
  return base.clone();
}

/** Program is a compiled expression. */
export interface Program {
  readonly expression: string;
  /** outputType is the checked result type (`bool`, `string`, `dyn` …). */
  readonly outputType: string;
  /** variables lists the declared variables the expression reads. */
  readonly variables: ReadonlySet<string>;
  /** run evaluates against an activation; it throws on a CEL runtime error. */
  run(activation: Record<string, unknown>): unknown;
}

export type CompileResult = { program: Program; error?: undefined } | { program?: undefined; error: string };

interface CelJsError {
  message: string;
  range?: { start: number; end: number };
  node?: ASTNode;
}

/** compile parses and type-checks expression in env; the error is cel-go's issues text. */
export function compile(env: Environment, expression: string): CompileResult {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (err) {
    return { error: issue(expression, err as CelJsError, true) };
  }
  const checked = parsed.check();
  if (!checked.valid) return { error: issue(expression, checked.error as CelJsError, false) };
  const variables = referencedVariables(parsed.ast);
  return {
    program: {
      expression,
      outputType: checked.type ?? 'dyn',
      variables,
      run: (activation) => parsed(activation) as unknown,
    },
  };
}

/** evaluate runs a program, answering cel-go's error text instead of throwing. */
export function evaluate(program: Program, activation: Record<string, unknown>): { value: unknown; error?: undefined } | { value?: undefined; error: string } {
  try {
    return { value: program.run(activation) };
  } catch (err) {
    return { error: runtimeError(err) };
  }
}

/** runtimeError rewrites cel-js's runtime messages in cel-go's words. */
export function runtimeError(err: unknown): string {
  const summary = (err as { summary?: string }).summary ?? (err instanceof Error ? err.message : String(err));
  const index = /index out of bounds, index (-?\d+) >= size (\d+)/.exec(summary);
  if (index) return `index out of bounds: ${index[1]}`;
  const key = /^No such key: (.*)$/.exec(summary);
  if (key) return `no such key: ${key[1]}`;
  if (summary.startsWith('integer overflow') || summary === 'Unsigned integer overflow') return 'integer overflow';
  if (summary.startsWith('no such overload')) return 'no such overload';
  return summary;
}

function referencedVariables(ast: ASTNode): Set<string> {
  const found = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    if (typeof n !== 'object' || n === null || !('op' in n)) return;
    const node = n as ASTNode;
    if (node.op === 'id') found.add(node.args);
    else visit(node.args);
  };
  visit(ast);
  return found;
}

const OPERATORS: Record<string, string> = {
  '+': '_+_', '-': '_-_', '*': '_*_', '/': '_/_', '%': '_%_', '<': '_<_', '<=': '_<=_', '>': '_>_', '>=': '_>=_', '==': '_==_', '!=': '_!=_', in: '@in',
};

/** celType prints a cel-js type as cel-go does: `list(int)`, `map(string, int)`. */
function celType(t: string): string {
  return t.replace(/</g, '(').replace(/>/g, ')');
}

/** goMessage rewrites a cel-js compile message in cel-go's checker and parser words. */
function goMessage(summary: string, parse: boolean): string {
  let m = /^Unknown variable: (.+)$/.exec(summary);
  if (m) return `undeclared reference to '${m[1]}' (in container '')`;
  m = /^No such key: (.+)$/.exec(summary);
  if (m) return `undefined field '${m[1]}'`;
  m = /^no such overload: (.+) (\+|-|\*|\/|%|<=|>=|<|>|==|!=|in) (.+)$/.exec(summary);
  if (m) return `found no matching overload for '${OPERATORS[m[2]]}' applied to '(${celType(m[1])}, ${celType(m[3])})'`;
  m = /^found no matching overload for '(?:(.+)\.)?([A-Za-z_][A-Za-z0-9_]*)\((.*)\)'$/.exec(summary);
  if (m) return `found no matching overload for '${m[2]}' applied to '${m[1] ? `${celType(m[1])}.` : ''}(${celType(m[3])})'`;
  return parse ? `Syntax error: ${summary}` : summary;
}

/** position finds where cel-go anchors an error: the operator, the `.` of a selection, the start of an identifier. */
function position(expression: string, err: CelJsError): number {
  const node = err.node;
  const start = err.range?.start ?? 0;
  if (!node || !('op' in node)) return start;
  if (node.op === '.' || node.op === '.?' || node.op === 'rcall') {
    const receiver = node.op === 'rcall' ? node.args[1] : node.args[0];
    const dot = expression.indexOf('.', receiver.range.end);
    return dot >= 0 ? dot : start;
  }
  if (node.op in OPERATORS) {
    const [left, right] = node.args as [ASTNode, ASTNode];
    const between = expression.slice(left.range.end, right.range.start);
    const at = between.search(/\S/);
    return at >= 0 ? left.range.end + at : start;
  }
  return start;
}

/** issue renders one error as cel-go's Issues.String(): `ERROR: <input>:line:col: msg` and the snippet with a caret. */
function issue(expression: string, err: CelJsError, parse: boolean): string {
  const summary = (err as { summary?: string }).summary ?? err.message.split('\n')[0];
  const offset = Math.min(position(expression, err), expression.length);
  const before = expression.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = [...expression.slice(lineStart, offset)].length;
  const snippet = expression.split('\n')[line - 1].replace(/\t/g, ' ');
  return `ERROR: <input>:${line}:${column + 1}: ${goMessage(summary, parse)}\n | ${snippet}\n | ${'.'.repeat(column)}^`;
}
