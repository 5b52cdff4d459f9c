// Integration: every snippet of snippets/kubernetes.json, expanded as VS Code
// expands it, and every manifest of examples/ and the walkthrough's sample, is
// sent through a whole lab in-process; each must be accepted without a warning,
// or refused with exactly the message its comment promises.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../lab/api/types';
import type { ManualClock } from '../lab/clock';
import { ResourceMapper, applyObject, parseManifests } from '../lab/client/apply';
import type { KubeClient } from '../lab/client/kubeClient';
import type { Lab } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Problem } from './findings';
import { floatingTag } from './imageFindings';
import { parseManifestText } from './manifestDocuments';
import { ManifestValidator } from './manifestValidator';
import { containersOf } from './podTemplates';

const root = join(__dirname, '..', '..', '..');
const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'kubernetes.json'), 'utf8')) as Record<string, { prefix: string; description: string; body: string[] }>;

/** TabStop is what a snippet says about one tab stop: its default text and, for a choice, the choices. */
interface TabStop {
  value: string;
  choices?: string[];
}

type Piece = string | { stop: number; value?: string; choices?: string[] };

/**
 * expand is VS Code's snippet expansion for the syntax this file's snippets use:
 * `$1`, `${1}`, `${1:default}`, `${1|a,b|}` (the first choice), `$0`, and `\`
 * before `$`, `}` or `\` (and `,` `|` in a choice). Occurrences of one tab stop
 * mirror each other. Variables and nested placeholders throw, so a snippet that
 * starts using them makes this test grow with it. values overrides tab stops.
 */
function expand(body: string, values: ReadonlyMap<number, string> = new Map()): { text: string; stops: Map<number, TabStop> } {
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${i} in ${JSON.stringify(body)}`);
  };
  /** until reads escaped text up to one of the stop characters. */
  const until = (stops: string, escapable: string): string => {
    let out = '';
    while (i < body.length && !stops.includes(body[i])) {
      if (body[i] === '$') fail('nested placeholders and variables are not supported');
      if (body[i] === '\\' && escapable.includes(body[i + 1] ?? '')) i++;
      out += body[i++];
    }
    if (i >= body.length) fail('unterminated placeholder');
    return out;
  };
  while (i < body.length) {
    const c = body[i];
    if (c === '\\' && '$}\\'.includes(body[i + 1] ?? '')) {
      text += body[i + 1];
      i += 2;
      continue;
    }
    if (c !== '$') {
      text += c;
      i++;
      continue;
    }
    const simple = /^\$(\d+)/.exec(body.slice(i));
    if (simple) {
      pieces.push(text, { stop: Number(simple[1]) });
      text = '';
      i += simple[0].length;
      continue;
    }
    if (/^\$\{?[_a-zA-Z]/.test(body.slice(i))) fail('snippet variables are not supported');
    const open = /^\$\{(\d+)([:|}])/.exec(body.slice(i));
    if (!open) {
      // VS Code keeps a `$` that starts nothing as text.
      text += c;
      i++;
      continue;
    }
    pieces.push(text);
    text = '';
    i += open[0].length;
    const stop = Number(open[1]);
    if (open[2] === '}') pieces.push({ stop });
    else if (open[2] === ':') {
      pieces.push({ stop, value: until('}', '$}\\') });
      i++;
    } else {
      const choices: string[] = [];
      for (;;) {
        choices.push(until(',|', '$}\\,|'));
        if (body[i++] === '|') break;
      }
      if (body[i++] !== '}') fail('a choice ends with |}');
      pieces.push({ stop, value: choices[0], choices });
    }
  }
  pieces.push(text);
  const stops = new Map<number, TabStop>();
  for (const p of pieces) {
    if (typeof p === 'string' || p.value === undefined) continue;
    const seen = stops.get(p.stop);
    // VS Code takes the first placeholder's text for every mirror; two different defaults would be a mistake here.
    if (seen && (seen.value !== p.value || JSON.stringify(seen.choices) !== JSON.stringify(p.choices))) fail(`tab stop ${p.stop} has two defaults`);
    stops.set(p.stop, { value: p.value, ...(p.choices ? { choices: p.choices } : {}) });
  }
  const out = pieces.map((p) => (typeof p === 'string' ? p : values.get(p.stop) ?? stops.get(p.stop)?.value ?? '')).join('');
  return { text: out, stops };
}

/** KNOWN_MISSING are the kinds a snippet writes that the lab does not serve yet: it must say so, exactly. */
const KNOWN_MISSING = new Set<string>([]);

/** REQUIRED_KINDS are the kinds learners reach for first: each needs a snippet. */
const REQUIRED_KINDS = [
  'Pod', 'Deployment', 'Service', 'ConfigMap', 'Secret', 'Job', 'CronJob', 'StatefulSet', 'DaemonSet', 'Namespace', 'Role', 'RoleBinding',
  'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
];

/** SERVICE_TYPES are the kinds of Service, headless counted as its own: each needs a snippet that writes it as its default. */
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'headless'];

let lab: Lab;
let clock: ManualClock;
let client: KubeClient;

before(async () => {
  ({ lab, clock } = await startTestLab(2));
  client = lab.client();
  for (let i = 0; i < 3; i++) await clock.advance(1000);
});

after(() => lab.stop());

const objectsOf = (text: string): KubeObject[] => parseManifestText(text).documents.map((d) => {
  assert.ok(d.object && !d.errors.length, `not a clean manifest:\n${text}`);
  return d.object;
});

const shown = (text: string, problems: Problem[] | undefined): [string, string, string][] => {
  assert.ok(problems, 'the validation was not cancelled');
  return problems.map((p) => [p.severity, text.slice(p.start, p.end), p.message]);
};

/** accepted asserts that the lab takes every document of text without an error, warning or note, known-missing kinds aside. */
async function accepted(name: string, text: string): Promise<void> {
  const objects = objectsOf(text);
  const missing = objects.filter((o) => KNOWN_MISSING.has(`${String(o.apiVersion)} ${String(o.kind)}`));
  const expected = missing.map((o): [string, string, string] => ['error', String(o.kind), `no matches for kind "${String(o.kind)}" in version "${String(o.apiVersion)}"`]);
  const got = shown(text, await new ManifestValidator(client).validate(text));
  assert.deepEqual(got, expected, `${name}:\n${text}${missing.length ? '\n(if the lab serves a kind of KNOWN_MISSING now, take it off the list)' : ''}`);
}

void test('snippets use the expansion syntax VS Code does', () => {
  assert.deepEqual(expand('a: ${1:web}\nb: $1\nc: ${2|x,y\\|z|} \\$HOME \\} $(date) $0').text, 'a: web\nb: web\nc: x $HOME } $(date) ');
  assert.deepEqual(expand('${1|a,b|}').stops.get(1), { value: 'a', choices: ['a', 'b'] });
  assert.equal(expand('$1 ${1:x}', new Map([[1, 'y']])).text, 'y y');
  assert.throws(() => expand('${1:web} ${1:api}'), /tab stop 1 has two defaults/);
  assert.throws(() => expand('${1:${2:web}}'), /nested placeholders/);
  assert.throws(() => expand('$TM_FILENAME_BASE'), /variables are not supported/);
});

void test('there is a snippet for every kind learners start with, and for every type of Service', () => {
  const written = Object.values(snippets).flatMap((s) => objectsOf(expand(s.body.join('\n')).text));
  const kinds = new Set(written.map((o) => String(o.kind)));
  assert.deepEqual(REQUIRED_KINDS.filter((k) => !kinds.has(k)), [], 'kinds without a snippet');
  const types = new Set(written.filter((o) => o.kind === 'Service').map((o) => {
    const spec = o.spec as { type?: string; clusterIP?: string };
    return spec.clusterIP === 'None' ? 'headless' : spec.type ?? 'ClusterIP';
  }));
  assert.deepEqual(SERVICE_TYPES.filter((t) => !types.has(t)), [], 'Service types without a snippet');
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  assert.deepEqual(prefixes.filter((p) => !/^k8s-[a-z]+(-[a-z]+)?$/.test(p)), [], 'prefixes are k8s-<kind>[-<variant>]');
  assert.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
});

void test('every snippet, with its defaults, is a manifest the lab accepts without a warning', async () => {
  for (const [name, s] of Object.entries(snippets)) await accepted(name, expand(s.body.join('\n')).text);
});

void test('every choice of every snippet is accepted too', async () => {
  for (const [name, s] of Object.entries(snippets)) {
    const { stops } = expand(s.body.join('\n'));
    for (const [n, stop] of stops) {
      for (const choice of stop.choices?.slice(1) ?? []) await accepted(`${name} with $${n}=${choice}`, expand(s.body.join('\n'), new Map([[n, choice]])).text);
    }
  }
});

void test('names that must match are one tab stop: renaming each still gives a manifest that holds together', async () => {
  for (const [name, s] of Object.entries(snippets)) {
    const body = s.body.join('\n');
    const renamed = new Map([...expand(body).stops].filter(([, t]) => /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.value)).map(([n, t]) => [n, `${t.value}x`]));
    const text = expand(body, renamed).text;
    await accepted(`${name} renamed`, text);
    const objects = objectsOf(text);
    const byKind = (kind: string) => objects.find((o) => o.kind === kind);
    const service = byKind('Service');
    const workload = objects.find((o) => containersOf(o).length && o.kind !== 'Pod');
    if (service && workload) {
      const selector = (service.spec as { selector: Record<string, string> }).selector;
      const labels = (workload.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      assert.deepEqual(Object.entries(selector).filter(([k, v]) => labels[k] !== v), [], `${name}: the Service selects the workload's pods`);
      assert.equal((workload.spec as { serviceName?: string }).serviceName, service.metadata.name, `${name}: the StatefulSet names its Service`);
    }
    const role = byKind('Role');
    if (role) assert.equal((byKind('RoleBinding')?.roleRef as { name?: string } | undefined)?.name, role.metadata.name, `${name}: the binding grants the Role`);
    const policy = byKind('ValidatingAdmissionPolicy');
    if (policy) assert.equal((byKind('ValidatingAdmissionPolicyBinding')?.spec as { policyName?: string } | undefined)?.policyName, policy.metadata.name, `${name}: the binding names the policy`);
  }
});

void test('every container a snippet writes has a pinned image, requests and limits', () => {
  for (const [name, s] of Object.entries(snippets)) {
    for (const o of objectsOf(expand(s.body.join('\n')).text)) {
      for (const { container, path } of containersOf(o)) {
        assert.ok(typeof container.image === 'string' && !floatingTag(container.image), `${name} ${path}: image ${String(container.image)} has a tag`);
        const resources = container.resources as { requests?: Record<string, string>; limits?: Record<string, string> } | undefined;
        assert.deepEqual([Object.keys(resources?.requests ?? {}), Object.keys(resources?.limits ?? {})], [['cpu', 'memory'], ['cpu', 'memory']], `${name} ${path}: requests and limits`);
      }
    }
  }
});

/** REJECTED is the comment that marks a document the lab refuses on purpose, with the API server's exact message. */
const REJECTED = /^[ \t]*#[ \t]*Rejected:[ \t]*(.+)$/m;

/** exampleFiles are the manifests learners open: examples/ and the walkthrough's sample. */
const exampleFiles = [
  ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort().map((f) => join('examples', f)),
  ...readdirSync(join(root, 'media', 'walkthrough')).filter((f) => f.endsWith('.yaml')).sort().map((f) => join('media', 'walkthrough', f)),
];

void test('each example is accepted, or refused with the message its comment gives, as it is applied top to bottom', async () => {
  assert.ok(exampleFiles.length >= 5, 'the examples are found');
  const mapper = new ResourceMapper(client);
  for (const file of exampleFiles) {
    const parsed = parseManifestText(readFileSync(join(root, file), 'utf8'));
    for (const doc of parsed.documents) {
      const text = doc.text;
      const want = REJECTED.exec(text)?.[1];
      const got = shown(text, await new ManifestValidator(client).validate(text));
      assert.deepEqual(got.map(([severity, , message]) => [severity, message]), want ? [['error', want]] : [], `${file}, document ${doc.index + 1}`);
      if (want) continue;
      // Applied for real, so what later documents rely on (a namespace, a quota, a policy) is in place.
      for (const d of parseManifests(text).documents) {
        const outcome = await applyObject(client, mapper, d);
        assert.ok(!('error' in outcome), `${file}: apply failed: ${JSON.stringify('error' in outcome ? outcome.error : '')}`);
      }
      for (let i = 0; i < 3; i++) await clock.advance(1000);
    }
  }
});

void test('examples/README.md introduces every example', () => {
  const readme = readFileSync(join(root, 'examples', 'README.md'), 'utf8');
  assert.deepEqual(exampleFiles.filter((f) => f.startsWith('examples') && !readme.includes(`\`${f.slice('examples/'.length)}\``)), []);
});
