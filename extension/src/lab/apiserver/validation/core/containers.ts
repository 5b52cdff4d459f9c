/**
 * containers validates a pod's containers as core/validation's validateContainers,
 * validateInitContainers, validateEphemeralContainers and validateContainerCommon
 * do: names, images, ports, env, mounts, probes, lifecycle, resources, security
 * context, host port conflicts and the per-kind rules.
 */
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, isObj, notFound, num, obj, str } from '../fields';
import { isValidPortName, isValidPortNum } from '../generic';
import { isConfigMapKey, isDNS1123Label, isHTTPHeaderName } from '../names';
import { subdomainName } from '../objectMeta';
import { SUPPORTED_PROTOCOLS, validatePortNumOrName } from '../ports';
import { validateResourceRequirements } from './resources';
import { validateSecurityContext } from './securityContext';
import { ENV_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './downwardAPI';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './paths';
import { type VolumeSet, validatePullPolicy } from './volumes';

/** ContainerContext is what container validation needs from the pod around it. */
export interface ContainerContext {
  volumes: VolumeSet;
  /** gracePeriod is spec.terminationGracePeriodSeconds, which bounds sleep actions. */
  gracePeriod: number | undefined;
  restartPolicy: string;
  hostUsers: boolean;
}

/** validateContainerPorts is validateContainerPorts: unique valid names, numbers in range, a protocol. */
function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const port = obj(raw);
    const p = `${path}[${i}]`;
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalidValue(`${p}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort);
    if (containerPort === 0) errs.push(required(`${p}.containerPort`));
    else for (const m of isValidPortNum(containerPort)) errs.push(invalidValue(`${p}.containerPort`, containerPort, m));
    const hostPort = num(port.hostPort);
    if (hostPort !== 0) for (const m of isValidPortNum(hostPort)) errs.push(invalidValue(`${p}.hostPort`, hostPort, m));
    const protocol = str(port.protocol);
    if (!protocol) errs.push(required(`${p}.protocol`));
    else if (!SUPPORTED_PROTOCOLS.includes(protocol)) errs.push(notSupported(`${p}.protocol`, protocol, SUPPORTED_PROTOCOLS));
  });
  return errs;
}

/** isRelaxedEnvVarName is IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is GA): printable ASCII but '='. */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value === '') errs.push('environment variable name must be non-empty');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3d) {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

function validateKeySelector(ref: unknown, path: string): FieldError[] {
  const r = obj(ref);
  const errs = subdomainName(str(r.name), false).map((m) => invalidValue(`${path}.name`, str(r.name), m));
  const key = str(r.key);
  if (!key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(key)) errs.push(invalidValue(`${path}.key`, key, m));
  return errs;
}

/** validateEnv is ValidateEnv: names, and exactly one valueFrom source when there is no value. */
export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((raw, i) => {
    const ev = obj(raw);
    const p = `${path}[${i}]`;
    const name = str(ev.name);
    if (!name) errs.push(required(`${p}.name`));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalidValue(`${p}.name`, name, m));
    if (!has(ev.valueFrom)) return;
    const from = obj(ev.valueFrom);
    const fp = `${p}.valueFrom`;
    let sources = 0;
    if (has(from.fieldRef)) {
      sources++;
      errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, `${fp}.fieldRef`));
    }
    if (has(from.resourceFieldRef)) {
      sources++;
      errs.push(...validateResourceFieldSelector(from.resourceFieldRef, `${fp}.resourceFieldRef`, false));
    }
    if (has(from.configMapKeyRef)) {
      sources++;
      errs.push(...validateKeySelector(from.configMapKeyRef, `${fp}.configMapKeyRef`));
    }
    if (has(from.secretKeyRef)) {
      sources++;
      errs.push(...validateKeySelector(from.secretKeyRef, `${fp}.secretKeyRef`));
    }
    if (sources === 0) errs.push(invalidValue(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(ev.value) !== '') errs.push(invalidValue(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalidValue(fp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validateEnvFrom is ValidateEnvFrom: a prefix, and exactly one of configMapRef and secretRef. */
function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(envFrom).forEach((raw, i) => {
    const ev = obj(raw);
    const p = `${path}[${i}]`;
    const prefix = str(ev.prefix);
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalidValue(`${p}.prefix`, prefix, m));
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      if (!has(ev[kind])) continue;
      sources++;
      const name = str(obj(ev[kind]).name);
      if (!name) errs.push(required(`${p}.${kind}.name`));
      else for (const m of subdomainName(name, true)) errs.push(invalidValue(`${p}.${kind}.name`, name, m));
    }
    if (sources === 0) errs.push(invalidValue(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'];

/** NO_NAMES stands in for the names and paths of a container without volume devices, most containers. */
const NO_NAMES: ReadonlySet<string> = new Set();

/** validateVolumeMounts is ValidateVolumeMounts: each mount names a valid volume and a unique path. */
function validateVolumeMounts(container: Record<string, unknown>, volumes: VolumeSet, path: string): FieldError[] {
  if (arr(container.volumeMounts).length === 0) return [];
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const devices = arr(container.volumeDevices).map(obj);
  const deviceNames = devices.length ? new Set(devices.map((d) => str(d.name))) : NO_NAMES;
  const devicePaths = devices.length ? new Set(devices.map((d) => str(d.devicePath))) : NO_NAMES;
  const privileged = obj(container.securityContext).privileged === true;
  arr(container.volumeMounts).forEach((raw, i) => {
    const m = obj(raw);
    const p = `${path}[${i}]`;
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (!name) errs.push(required(`${p}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    if (!mountPath) errs.push(required(`${p}.mountPath`));
    if (mountPaths.has(mountPath)) errs.push(invalidValue(`${p}.mountPath`, mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    if (deviceNames.has(name)) errs.push(invalidValue(`${p}.name`, name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalidValue(`${p}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m.subPath);
    const subPathExpr = str(m.subPathExpr);
    if (volumes.get(name)?.image) {
      if (subPath) errs.push(invalidValue(`${p}.subPath`, subPath, 'not allowed in image volume sources'));
      if (subPathExpr) errs.push(invalidValue(`${p}.subPathExpr`, subPathExpr, 'not allowed in image volume sources'));
    }
    // Upstream names these two by the list, not the element.
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    if (subPathExpr) {
      if (subPath) errs.push(invalidValue(`${p}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
    if (has(m.mountPropagation)) {
      const mp = str(m.mountPropagation);
      if (!MOUNT_PROPAGATIONS.includes(mp)) errs.push(notSupported(`${path}.mountPropagation`, mp, MOUNT_PROPAGATIONS));
      if (mp === 'Bidirectional' && !privileged) errs.push(forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    if (has(m.recursiveReadOnly)) {
      const rro = str(m.recursiveReadOnly);
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(forbidden(`${path}.recursiveReadOnly`, 'may only be specified when readOnly is true'));
        if (has(m.mountPropagation) && m.mountPropagation !== 'None') errs.push(forbidden(`${path}.recursiveReadOnly`, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled') {
        errs.push(notSupported(`${path}.recursiveReadOnly`, rro, RECURSIVE_READ_ONLY));
      }
    }
  });
  return errs;
}

/** validateVolumeDevices is ValidateVolumeDevices: block devices come from PVC-backed volumes. */
function validateVolumeDevices(container: Record<string, unknown>, volumes: VolumeSet, path: string): FieldError[] {
  if (arr(container.volumeDevices).length === 0) return [];
  const errs: FieldError[] = [];
  const mounts = arr(container.volumeMounts).map(obj);
  const mountNames = new Set(mounts.map((m) => str(m.name)));
  const mountPaths = new Set(mounts.map((m) => str(m.mountPath)));
  const paths = new Set<string>();
  const names = new Set<string>();
  arr(container.volumeDevices).forEach((raw, i) => {
    const d = obj(raw);
    const p = `${path}[${i}]`;
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const volume = volumes.get(name);
    if (!name) errs.push(required(`${p}.name`));
    if (names.has(name)) errs.push(invalidValue(`${p}.name`, name, 'must be unique'));
    if (volume && !volume.pvc) errs.push(invalidValue(`${p}.name`, name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!volume) errs.push(notFound(`${p}.name`, name));
    if (!devicePath) errs.push(required(`${p}.devicePath`));
    if (paths.has(devicePath)) errs.push(invalidValue(`${p}.devicePath`, devicePath, 'must be unique'));
    if (devicePath && validatePathNoBacksteps(devicePath, p).length) errs.push(invalidValue(`${p}.devicePath`, devicePath, "can not contain backsteps ('..')"));
    else paths.add(devicePath);
    if (mountNames.has(name)) errs.push(invalidValue(`${p}.name`, name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(invalidValue(`${p}.devicePath`, devicePath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

/** validateHandler is validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(handler: unknown, ctx: ContainerContext, path: string, kinds: readonly string[]): FieldError[] {
  const h = obj(handler);
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (!has(h[kind])) continue;
    const p = `${path}.${kind}`;
    if (count > 0) {
      errs.push(forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const a = obj(h[kind]);
    switch (kind) {
      case 'exec':
        if (arr(a.command).length === 0) errs.push(required(`${p}.command`));
        break;
      case 'httpGet':
        if (!str(a.path)) errs.push(required(`${p}.path`));
        errs.push(...validatePortNumOrName(a.port, `${p}.port`));
        if (!HTTP_SCHEMES.includes(str(a.scheme))) errs.push(notSupported(`${p}.scheme`, str(a.scheme), HTTP_SCHEMES));
        for (const header of arr(a.httpHeaders)) {
          const name = str(obj(header).name);
          for (const m of isHTTPHeaderName(name)) errs.push(invalidValue(`${p}.httpHeaders`, name, m));
        }
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(a.port, `${p}.port`));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(a.port), `${p}.port`));
        break;
      case 'sleep': {
        const seconds = num(a.seconds);
        if (ctx.gracePeriod !== undefined && (seconds < 0 || seconds > ctx.gracePeriod)) {
          errs.push(invalidValue(p, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${ctx.gracePeriod})`));
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

/** validateProbe is validateProbe plus the liveness/readiness/startup specifics. */
function validateProbe(probe: unknown, ctx: ContainerContext, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!has(probe)) return [];
  const p = obj(probe);
  const errs = validateHandler(p, ctx, path, PROBE_HANDLERS);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (num(p[f]) < 0) errs.push(invalidValue(`${path}.${f}`, num(p[f]), 'must be greater than or equal to 0'));
  }
  if (has(p.terminationGracePeriodSeconds) && num(p.terminationGracePeriodSeconds) <= 0) {
    errs.push(invalidValue(`${path}.terminationGracePeriodSeconds`, num(p.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  if (kind === 'readiness') {
    if (has(p.terminationGracePeriodSeconds)) errs.push(invalidValue(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  } else if (num(p.successThreshold) !== 1) {
    errs.push(invalidValue(`${path}.successThreshold`, num(p.successThreshold), 'must be 1'));
  }
  return errs;
}

function validateLifecycleAndProbes(c: Record<string, unknown>, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (has(c.lifecycle)) {
    const l = obj(c.lifecycle);
    for (const hook of ['postStart', 'preStop']) if (has(l[hook])) errs.push(...validateHandler(l[hook], ctx, `${path}.lifecycle.${hook}`, LIFECYCLE_HANDLERS));
  }
  errs.push(...validateProbe(c.livenessProbe, ctx, `${path}.livenessProbe`, 'liveness'));
  errs.push(...validateProbe(c.readinessProbe, ctx, `${path}.readinessProbe`, 'readiness'));
  errs.push(...validateProbe(c.startupProbe, ctx, `${path}.startupProbe`, 'startup'));
  return errs;
}

const RESIZE_POLICIES = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(policies: unknown, path: string, restartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(policies).forEach((raw, i) => {
    const p = obj(raw);
    const resource = str(p.resourceName);
    const restart = str(p.restartPolicy);
    if (seen.has(resource)) errs.push(duplicate(`${path}[${i}]`, resource));
    seen.add(resource);
    if (resource === '') errs.push(required(path));
    else if (resource !== 'cpu' && resource !== 'memory') errs.push(notSupported(path, resource, ['cpu', 'memory']));
    if (restart === '') errs.push(required(path));
    else if (!RESIZE_POLICIES.includes(restart)) errs.push(notSupported(path, restart, RESIZE_POLICIES));
    if (restartPolicy === 'Never' && restart !== 'NotRequired') errs.push(invalidValue(path, restart, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

/** validateContainerCommon is validateContainerCommon: what every kind of container must satisfy. */
export function validateContainerCommon(container: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const c = obj(container);
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else for (const m of isDNS1123Label(name)) errs.push(invalidValue(`${path}.name`, name, m));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, ctx.volumes, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(c, ctx.volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateResizePolicy(c.resizePolicy, `${path}.resizePolicy`, ctx.restartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

/** checkHostPortConflicts is AccumulateUniqueHostPorts: no two ports may claim the same protocol/hostIP/hostPort. */
function checkHostPortConflicts(containers: unknown[], path: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((raw, ci) => {
    arr(obj(raw).ports).forEach((rawPort, pi) => {
      const port = obj(rawPort);
      const hostPort = num(port.hostPort);
      if (hostPort === 0) return;
      const key = `${str(port.protocol)}/${str(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

/** validateContainers is validateContainers: at least one, unique names, probes and lifecycle, no restartPolicy. */
export function validateContainers(containers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const list = arr(containers);
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const c = obj(raw);
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    errs.push(...validateLifecycleAndProbes(c, ctx, p));
    if (has(c.restartPolicy)) errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  return [...errs, ...checkHostPortConflicts(list, path)];
}

/** validateInitContainers is validateInitContainers: names unique across init and regular containers; probes only for sidecars. */
export function validateInitContainers(initContainers: unknown, containers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(arr(containers).map((c) => str(obj(c).name)));
  arr(initContainers).forEach((raw, i) => {
    const c = obj(raw);
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, p));
    let sidecar = false;
    if (has(c.restartPolicy)) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(`${p}.restartPolicy`, str(c.restartPolicy), ['Always']));
      sidecar = c.restartPolicy === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else if (name) names.add(name);
    // Init containers run one at a time, so each is checked alone (and upstream names it as index 0).
    errs.push(...checkHostPortConflicts([c], path));
    if (sidecar) {
      errs.push(...validateLifecycleAndProbes(c, ctx, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (has(c[f])) errs.push(forbidden(`${p}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** The EphemeralContainerCommon fields ephemeral containers may not set, in struct order. */
const EPHEMERAL_FORBIDDEN_FIELDS = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/** isZero tells Go's zero value of a field: absent, null, false, 0, "", or an empty list or object. */
function isZero(x: unknown): boolean {
  if (x === undefined || x === null || x === false || x === 0 || x === '') return true;
  if (Array.isArray(x)) return x.length === 0;
  return isObj(x) && Object.values(x).every(isZero);
}

/** validateContainerOnlyForPod is validateContainerOnlyForPod: an image without surrounding whitespace. */
export function validateImageWhitespace(container: unknown, path: string): FieldError[] {
  const image = str(obj(container).image);
  return image !== image.trim() ? [invalidValue(`${path}.image`, image, 'must not have leading or trailing whitespace')] : [];
}

/** validateEphemeralContainers is validateEphemeralContainers: debugging containers with a restricted field set. */
export function validateEphemeralContainers(ephemeral: unknown, containers: unknown, initContainers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const list = arr(ephemeral);
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const others = new Set([...arr(containers), ...arr(initContainers)].map((c) => str(obj(c).name)));
  const all = new Set(others);
  list.forEach((raw, i) => {
    const c = obj(raw);
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, p));
    errs.push(...validateImageWhitespace(c, p));
    const name = str(c.name);
    if (all.has(name)) errs.push(duplicate(`${p}.name`, name));
    else all.add(name);
    const target = str(c.targetContainerName);
    if (target && !others.has(target)) errs.push(notFound(`${p}.targetContainerName`, target));
    for (const f of EPHEMERAL_FORBIDDEN_FIELDS) if (!isZero(c[f])) errs.push(forbidden(`${p}.${f}`, 'cannot be set for an Ephemeral Container'));
    arr(c.volumeMounts).forEach((m, j) => {
      for (const f of ['subPath', 'subPathExpr']) if (str(obj(m)[f])) errs.push(forbidden(`${p}.volumeMounts[${j}].${f}`, 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** containerNames lists every container name of a pod spec (regular, init, ephemeral). */
export function containerNames(spec: Record<string, unknown>): string[] {
  return [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)].map((c) => str(obj(c).name));
}
