/**
 * admissionFindings reads the answers of admission plugins whose messages name
 * containers, volumes and resources rather than field paths — PodSecurity,
 * ResourceQuota, LimitRanger, a ValidatingAdmissionPolicy about limits — and
 * points each at the containers it is about.
 */
import type { KubeObject } from '../lab/api/types';
import { type Finding, type FixHint, type Severity, objectFinding } from './findings';
import { type ContainerRef, containersOf, isRecord, podSpecPath, valueAt } from './podTemplates';

/** RESOURCE_FIELDS maps quota and limit resource names to a container's resources field. */
const RESOURCE_FIELDS: Record<string, string> = {
  cpu: 'requests.cpu', memory: 'requests.memory', 'requests.cpu': 'requests.cpu', 'requests.memory': 'requests.memory',
  'limits.cpu': 'limits.cpu', 'limits.memory': 'limits.memory', 'ephemeral-storage': 'requests.ephemeral-storage',
  'requests.ephemeral-storage': 'requests.ephemeral-storage', 'limits.ephemeral-storage': 'limits.ephemeral-storage',
};

/** codeFor is an admission finding's code before the Status's reason replaces it: a denial is Forbidden, a warning a Warning. */
function codeFor(severity: Severity): string {
  return severity === 'warning' ? 'Warning' : 'Forbidden';
}

/** splitTopLevel splits PodSecurity's `a (…), b (…)` at commas outside brackets. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0 && s[i + 1] === ' ') {
      out.push(s.slice(start, i));
      start = i + 2;
    }
  }
  out.push(s.slice(start));
  return out.filter(Boolean);
}

/** quotedNames reads the names after `containers`/`volumes`: `container "a"` or `containers "a", "b"`. */
function quotedNames(text: string, noun: 'container' | 'volume'): string[] {
  const m = new RegExp(`\\b${noun}s? ((?:"[^"]*"(?:, )?)+)`).exec(text);
  return m ? [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]) : [];
}

/**
 * podSecurityFindings turns `violates PodSecurity "restricted:latest": a (…), b (…)`
 * (or the warn level's `would violate …`) into one finding per check and container,
 * on the securityContext field the check names when the container sets it.
 */
export function podSecurityFindings(obj: KubeObject, message: string, severity: Severity): Finding[] {
  const m = /((?:would )?violates? PodSecurity "[^"]*"): (.*)$/s.exec(message);
  if (!m) return [objectFinding(severity, 'PodSecurity', codeFor(severity), message)];
  const [, prefix, detail] = m;
  const specPath = podSpecPath(String(obj.kind)) ?? 'spec';
  const containers = containersOf(obj);
  const out: Finding[] = [];
  for (const item of splitTopLevel(detail)) {
    const text = `${prefix}: ${item}`;
    const field = /securityContext\.([\w.]+)/.exec(item)?.[1];
    const finding = (paths: string[]): Finding => ({ severity, stage: 'PodSecurity', code: codeFor(severity), message: text, paths, placement: 'value' });
    const hostFields = [...item.matchAll(/\b(hostNetwork|hostPID|hostIPC|hostUsers)=/g)].map((x) => x[1]);
    if (hostFields.length) {
      for (const f of hostFields) out.push(finding([`${specPath}.${f}`]));
      continue;
    }
    const volumes = quotedNames(item, 'volume');
    if (volumes.length) {
      const list = valueAt(obj, `${specPath}.volumes`);
      for (const name of volumes) {
        const i = Array.isArray(list) ? list.findIndex((v) => isRecord(v) && v.name === name) : -1;
        out.push(finding(i < 0 ? [`${specPath}.volumes`] : [`${specPath}.volumes[${i}].name`]));
      }
      continue;
    }
    const named = quotedNames(item, 'container').map((n) => containers.find((c) => c.name === n)).filter((c): c is ContainerRef => !!c);
    if (!named.length) {
      out.push(finding(field ? [`${specPath}.securityContext.${field}`] : []));
      continue;
    }
    for (const c of named) {
      const paths: string[] = [];
      if (/hostPort/.test(item)) {
        const ports = c.container.ports;
        const j = Array.isArray(ports) ? ports.findIndex((p) => isRecord(p) && p.hostPort !== undefined) : -1;
        if (j >= 0) paths.push(`${c.path}.ports[${j}].hostPort`);
      }
      if (field) paths.push(`${c.path}.securityContext.${field}`, `${specPath}.securityContext.${field}`);
      paths.push(`${c.path}.name`);
      out.push(finding(paths));
    }
  }
  return out;
}

/**
 * quotaFindings places ResourceQuota's answers: `failed quota: q: must specify
 * limits.cpu for: web` on each container that lacks them (with the fix), and
 * `exceeded quota: q, requested: requests.cpu=2, …` on the requests that tip it over.
 */
export function quotaFindings(obj: KubeObject, message: string): Finding[] {
  const containers = containersOf(obj);
  const must = /must specify (.*)$/s.exec(message);
  if (must) {
    const needs = new Map<string, string[]>();
    for (const part of must[1].split('; ')) {
      const [resource, names = ''] = part.split(' for: ');
      for (const name of names.split(',')) needs.set(name, [...(needs.get(name) ?? []), RESOURCE_FIELDS[resource] ?? resource]);
    }
    const out: Finding[] = [];
    for (const c of containers) {
      const need = needs.get(c.name);
      if (!need) continue;
      out.push({ severity: 'error', stage: 'ResourceQuota', code: 'Forbidden', message, paths: [`${c.path}.resources`, `${c.path}.name`], placement: 'value', fix: { kind: 'resources', containers: [c.path], need } });
    }
    return out.length ? out : [objectFinding('error', 'ResourceQuota', 'Forbidden', message)];
  }
  const requested = /requested: (.*?), used:/.exec(message)?.[1] ?? '';
  const paths: string[] = [];
  for (const entry of requested.split(',')) {
    const field = RESOURCE_FIELDS[entry.split('=')[0]];
    if (!field) continue;
    for (const c of containers) if (valueAt(c.container, `resources.${field}`) !== undefined) paths.push(`${c.path}.resources.${field}`);
  }
  return [{ severity: 'error', stage: 'ResourceQuota', code: 'Forbidden', message, paths, placement: 'value' }];
}

/**
 * limitRangeFindings places LimitRanger's `maximum cpu usage per Container is 1.
 * No limit is specified` (and its kin) on the containers each constraint is about.
 */
export function limitRangeFindings(obj: KubeObject, message: string): Finding[] {
  const detail = message.replace(/^.*? is forbidden: /s, '');
  const parts = detail.startsWith('[') && detail.endsWith(']') ? splitTopLevel(detail.slice(1, -1)) : [detail];
  const containers = containersOf(obj);
  const out: Finding[] = [];
  for (const part of parts) {
    const m = /^(?:minimum|maximum) (\S+) usage per Container is (\S+?)(?:\.  No (request|limit) is specified|, but (request|limit) is (\S+))$/.exec(part);
    if (!m) {
      out.push(objectFinding('error', 'LimitRanger', 'Forbidden', message));
      continue;
    }
    const [, resource, enforced, missing, which, actual] = m;
    const field = `${missing ?? which}s.${resource}`;
    const text = `${message.replace(/ is forbidden: .*$/s, ' is forbidden: ')}${part}`;
    for (const c of containers) {
      const have = valueAt(c.container, `resources.${field}`);
      if (missing ? have !== undefined : String(have) !== actual) continue;
      const fix: FixHint | undefined = missing ? { kind: 'resources', containers: [c.path], need: [field], values: { [field]: enforced } } : undefined;
      out.push({ severity: 'error', stage: 'LimitRanger', code: 'Forbidden', message: text, paths: [`${c.path}.resources.${field}`, `${c.path}.resources`, `${c.path}.name`], placement: 'value', ...(fix ? { fix } : {}) });
    }
  }
  return out.length ? out : [objectFinding('error', 'LimitRanger', 'Forbidden', message)];
}

/**
 * policyFindings places a ValidatingAdmissionPolicy's denial or warning. Its
 * message is the policy author's, so only one that speaks of limits or resources
 * is pointed at the containers without limits (with the fix); any other is about
 * the object.
 */
export function policyFindings(obj: KubeObject, message: string, stage: string, severity: Severity): Finding[] {
  if (/\blimits?\b|\bresources\b/i.test(message)) {
    const bare = containersOf(obj).filter((c) => !isRecord(valueAt(c.container, 'resources.limits')));
    if (bare.length) {
      return bare.map((c) => ({
        severity, stage, code: codeFor(severity), message, paths: [`${c.path}.resources`, `${c.path}.name`], placement: 'value' as const,
        fix: { kind: 'resources' as const, containers: [c.path], need: ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] },
      }));
    }
  }
  return [objectFinding(severity, stage, codeFor(severity), message)];
}
