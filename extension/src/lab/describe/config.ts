/** config holds the Namespace, ConfigMap, Secret and ServiceAccount describers. */
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import { arr, get, rec, str, strMap } from '../apiserver/printers/fields';
import { goStringLess, quantityString } from '../apiserver/printers/format';
import { NAMESPACES, RESOURCEQUOTAS, SERVICEACCOUNTS } from '../client/resources';
import { type DescribeContext, DescribeError, getObject, listAll } from './context';
import { describeEvents, listEvents, refOf, searchEvents } from './events';
import { goSort } from './goSort';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printLabelsMultiline, sortedKeys } from './multiline';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { CONFIGMAPS, LIMITRANGES, SECRETS } from './refs';
import { rfc1123z } from './timeFormat';

const SCOPE_HELP: Record<string, string> = {
  Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
  NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
  BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
  NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

/** describeResourceQuotas is DescribeResourceQuotas: every quota of the namespace, by name. */
function describeResourceQuotas(quotas: KubeObject[], w: PrefixWriter): void {
  if (quotas.length === 0) {
    w.write(0, 'No resource quota.\n');
    return;
  }
  w.write(0, 'Resource Quotas\n');
  for (const q of goSort([...quotas], (a, b) => (a.metadata.name ?? '') < (b.metadata.name ?? ''))) {
    w.write(1, `Name:\t${q.metadata.name ?? ''}\n`);
    const scopes = arr(q, 'spec', 'scopes').map(String).sort(goStringLess);
    if (scopes.length > 0) {
      w.write(1, `Scopes:\t${scopes.join(', ')}\n`);
      for (const scope of scopes) if (SCOPE_HELP[scope]) w.write(1, `* ${SCOPE_HELP[scope]}\n`);
    }
    w.write(1, 'Resource\tUsed\tHard\n');
    w.write(1, '--------\t---\t---\n');
    const hard = rec(q, 'status', 'hard');
    const used = rec(q, 'status', 'used');
    for (const r of sortedKeys(hard)) w.write(1, `${r}\t${quantityString(used[r])}\t${quantityString(hard[r])}\n`);
  }
}

/** describeLimitRanges is DescribeLimitRanges: one row per limit type and resource. */
function describeLimitRanges(ranges: KubeObject[], w: PrefixWriter): void {
  if (ranges.length === 0) {
    w.write(0, 'No LimitRange resource.\n');
    return;
  }
  w.write(0, 'Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
  w.write(0, ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
  for (const lr of ranges) {
    for (const item of items(lr, 'spec', 'limits')) {
      const fields = ['min', 'max', 'defaultRequest', 'default', 'maxLimitRequestRatio'].map((f) => rec(item, f));
      const names = [...new Set(fields.flatMap((f) => Object.keys(f)))].sort(goStringLess);
      for (const r of names) {
        const cells = fields.map((f) => (r in f ? quantityString(f[r]) : '-'));
        w.write(0, ` ${str(item, 'type')}\t${r}\t${cells.join('\t')}\n`);
      }
    }
  }
}

/** describeNamespaceObject is the NamespaceDescriber: status, conditions, quotas and limit ranges (no events). */
export async function describeNamespaceObject(ctx: DescribeContext, name: string): Promise<string> {
  const ns = await getObject(ctx, NAMESPACES, '', name);
  const quotas = await listAll(ctx, RESOURCEQUOTAS, name);
  if (isStatus(quotas) && quotas.code !== 404) throw new DescribeError(quotas);
  const limits = await listAll(ctx, LIMITRANGES, name);
  if (isStatus(limits) && limits.code !== 404) throw new DescribeError(limits);
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(ns));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(ns));
    w.write(0, `Status:\t${str(ns, 'status', 'phase')}\n`);
    const conditions = items(ns, 'status', 'conditions');
    if (conditions.length > 0) {
      w.write(0, 'Conditions:\n');
      w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conditions) w.write(1, `${str(c, 'type')}\t${str(c, 'status')}\t${rfc1123z(get(c, 'lastTransitionTime'), ctx.zone)}\t${str(c, 'reason')}\t${str(c, 'message')}\n`);
    }
    if (!isStatus(quotas)) {
      w.write(0, '\n');
      describeResourceQuotas(quotas, w);
    }
    if (!isStatus(limits)) {
      w.write(0, '\n');
      describeLimitRanges(limits, w);
    }
  });
}

function decodedLength(b64: unknown): number {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').length : 0;
}

/** describeConfigMapObject is the ConfigMapDescriber: each data key with its value, binary keys with their size. */
export async function describeConfigMapObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const cm = await getObject(ctx, CONFIGMAPS, namespace, name);
  const events = await listEventsOrThrow(ctx, cm);
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${cm.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(cm));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(cm));
    w.write(0, '\nData\n====\n');
    const data = strMap(cm, 'data');
    for (const k of sortedKeys(data)) {
      w.write(0, `${k}:\n----\n`);
      w.write(0, `${data[k]}\n`);
      w.write(0, '\n');
    }
    w.write(0, '\nBinaryData\n====\n');
    const binary = rec(cm, 'binaryData');
    for (const k of sortedKeys(binary)) w.write(0, `${k}: ${decodedLength(binary[k])} bytes\n`);
    w.write(0, '\n');
    describeEvents(events, w, ctx.now);
  });
}

/** listEventsOrThrow is the ConfigMap describer's event search, which, unlike the others, fails the describe when the list fails. */
async function listEventsOrThrow(ctx: DescribeContext, obj: KubeObject): Promise<KubeObject[]> {
  const events = await listEvents(ctx, refOf(obj, 'ConfigMap'));
  if (isStatus(events)) throw new DescribeError(events);
  return events;
}

/** describeSecretObject is the SecretDescriber: sizes only, except a service-account token's token (no events). */
export async function describeSecretObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const secret = await getObject(ctx, SECRETS, namespace, name);
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${secret.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(secret));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(secret));
    const type = str(secret, 'type');
    w.write(0, `\nType:\t${type}\n`);
    w.write(0, '\nData\n====\n');
    const data = rec(secret, 'data');
    for (const k of sortedKeys(data)) {
      if (k === 'token' && type === 'kubernetes.io/service-account-token') w.write(0, `${k}:\t${Buffer.from(String(data[k]), 'base64').toString()}\n`);
      else w.write(0, `${k}:\t${decodedLength(data[k])} bytes\n`);
    }
  });
}

function namesOf(list: unknown[]): string[] {
  return list.map((r) => str(r, 'name'));
}

/** describeServiceAccountObject is the ServiceAccountDescriber: pull and mountable secrets (marked when missing) and legacy token secrets. */
export async function describeServiceAccountObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const sa = await getObject(ctx, SERVICEACCOUNTS, namespace, name);
  const secrets = await listAll(ctx, SECRETS, namespace);
  const tokens: string[] = [];
  const missing = new Set<string>();
  const pull = namesOf(arr(sa, 'imagePullSecrets'));
  const mount = namesOf(arr(sa, 'secrets'));
  if (!isStatus(secrets)) {
    for (const s of secrets) {
      const a = annotationsOf(s);
      if (str(s, 'type') === 'kubernetes.io/service-account-token' && a['kubernetes.io/service-account.name'] === sa.metadata.name && a['kubernetes.io/service-account.uid'] === sa.metadata.uid) tokens.push(s.metadata.name ?? '');
    }
    const existing = new Set(secrets.map((s) => s.metadata.name));
    for (const n of [...mount, ...pull]) if (!existing.has(n)) missing.add(n);
  }
  const events = await searchEvents(ctx, refOf(sa, 'ServiceAccount'));
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${sa.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(sa));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(sa));
    const sections: [string, string[]][] = [['Image pull secrets:', pull], ['Mountable secrets: ', mount], ['Tokens:            ', tokens]];
    for (const [header, names] of sections) {
      if (names.length === 0) {
        w.write(0, `${header}\t<none>\n`);
        continue;
      }
      names.forEach((n, i) => w.write(0, `${i === 0 ? header : ' '.repeat(19)}\t${n}${missing.has(n) ? ' (not found)' : ''}\n`));
    }
    describeEvents(events, w, ctx.now);
  });
}
