import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectMeta } from '../../../api/types';
import { type Level, parseVersion } from './api';
import { aggregateCheckResults, forbiddenDetail } from './checks';
import { DEFAULT_CHECKS } from './defaultChecks';
import type { ContainerSpec, PodSpec, SecurityContext } from './helpers';
import { CheckRegistry } from './registry';

const registry = new CheckRegistry(DEFAULT_CHECKS);

/** restrictedContainer passes every restricted check on its own. */
const ok = (name: string, sc: SecurityContext = {}, extra: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...sc }, ...extra,
});

function detail(level: Level, spec: PodSpec, meta: ObjectMeta = {}, version = 'latest'): string {
  return forbiddenDetail(aggregateCheckResults(registry.evaluatePod({ level, version: parseVersion(version)[0] }, meta, spec)));
}

// Each expected detail is built from the ForbiddenReason/ForbiddenDetail strings of
// staging/src/k8s.io/pod-security-admission/policy/check_<id>.go and joined as checks.go ForbiddenDetail does.
const cases: { name: string; level: Level; spec: PodSpec; meta?: ObjectMeta; version?: string; want: string }[] = [
  {
    name: 'a plain pod under restricted', level: 'restricted', spec: { containers: [{ name: 'web' }] },
    want: 'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  { name: 'a restricted pod', level: 'restricted', spec: { containers: [ok('web')] }, want: '' },
  { name: 'pod-level runAsNonRoot and seccomp cover containers', level: 'restricted', spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'web', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }] }, want: '' },
  { name: 'a plain pod under baseline', level: 'baseline', spec: { containers: [{ name: 'web' }] }, want: '' },
  { name: 'host namespaces', level: 'baseline', spec: { hostNetwork: true, hostPID: true, hostIPC: true, containers: [{ name: 'c' }] }, want: 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)' },
  { name: 'privileged containers, init first', level: 'baseline', spec: { initContainers: [{ name: 'init', securityContext: { privileged: true } }], containers: [{ name: 'web', securityContext: { privileged: true } }] }, want: 'privileged (containers "init", "web" must not set securityContext.privileged=true)' },
  { name: 'added capabilities', level: 'baseline', spec: { containers: [{ name: 'web', securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_RAW', 'CHOWN'] } } }] }, want: 'non-default capabilities (container "web" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)' },
  { name: 'hostPath volumes', level: 'baseline', spec: { containers: [{ name: 'c' }], volumes: [{ name: 'root', hostPath: { path: '/' } }, { name: 'tmp', emptyDir: {} }] }, want: 'hostPath volumes (volume "root")' },
  { name: 'host ports, sorted as text', level: 'baseline', spec: { containers: [{ name: 'a', ports: [{ hostPort: 8080 }] }, { name: 'b', ports: [{ hostPort: 10000 }] }] }, want: 'hostPort (containers "a", "b" use hostPorts 10000, 8080)' },
  { name: 'probe and lifecycle hosts', level: 'baseline', spec: { containers: [{ name: 'web', livenessProbe: { httpGet: { host: '10.0.0.1' } }, lifecycle: { preStop: { tcpSocket: { host: 'db' } } } }] }, want: 'probe or lifecycle host (container "web" uses probe or lifecycle hosts "10.0.0.1", "db")' },
  { name: 'probe hosts are allowed before v1.34', level: 'baseline', version: 'v1.33', spec: { containers: [{ name: 'web', livenessProbe: { httpGet: { host: '10.0.0.1' } } }] }, want: '' },
  { name: 'unconfined AppArmor by field and annotation', level: 'baseline', spec: { containers: [{ name: 'web', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } }, want: 'forbidden AppArmor profiles (container "web" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/web="unconfined"")' },
  { name: 'SELinux type, user and role', level: 'baseline', spec: { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'root', role: 'sysadm_r' } }, containers: [{ name: 'c' }] }, want: 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)' },
  { name: 'container_engine_t is allowed from v1.31', level: 'baseline', spec: { containers: [{ name: 'c', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }] }, want: '' },
  { name: 'container_engine_t is refused at v1.30', level: 'baseline', version: 'v1.30', spec: { containers: [{ name: 'c', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }] }, want: 'seLinuxOptions (container "c" set forbidden securityContext.seLinuxOptions: type "container_engine_t")' },
  { name: 'unmasked /proc', level: 'baseline', spec: { containers: [{ name: 'c', securityContext: { procMount: 'Unmasked' } }] }, want: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")' },
  { name: 'unmasked /proc in a user namespace passes baseline', level: 'baseline', spec: { hostUsers: false, containers: [{ name: 'c', securityContext: { procMount: 'Unmasked' } }] }, want: '' },
  { name: 'unmasked /proc in a user namespace fails restricted', level: 'restricted', spec: { hostUsers: false, containers: [ok('c', { procMount: 'Unmasked' })] }, want: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")' },
  { name: 'unconfined seccomp', level: 'baseline', spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'c' }] }, want: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")' },
  { name: 'unconfined seccomp annotation before v1.19', level: 'baseline', version: 'v1.18', meta: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: { containers: [{ name: 'c' }] }, want: 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")' },
  { name: 'unsafe sysctls', level: 'baseline', spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_syncookies' }, { name: 'vm.swappiness' }] }, containers: [{ name: 'c' }] }, want: 'forbidden sysctls (kernel.msgmax, vm.swappiness)' },
  { name: 'tcp_rmem is safe from v1.32 only', level: 'baseline', version: 'v1.31', spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }] }, containers: [{ name: 'c' }] }, want: 'forbidden sysctls (net.ipv4.tcp_rmem)' },
  { name: 'HostProcess', level: 'baseline', spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'c', securityContext: { windowsOptions: { hostProcess: true } } }] }, want: 'hostProcess (pod and container "c" must not set securityContext.windowsOptions.hostProcess=true)' },
  { name: 'restricted volume types', level: 'restricted', spec: { containers: [ok('c')], volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'b', nfs: { server: 's' } }, { name: 'c', configMap: { name: 'x' } }, { name: 'd', image: { reference: 'x' } }] }, want: 'restricted volume types (volumes "a", "b" use restricted volume types "hostPath", "nfs")' },
  { name: 'explicit runAsNonRoot=false', level: 'restricted', spec: { securityContext: { runAsNonRoot: false }, containers: [ok('c', { runAsNonRoot: false })] }, want: 'runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)' },
  { name: 'runAsUser=0', level: 'restricted', spec: { securityContext: { runAsUser: 0 }, containers: [ok('c', { runAsUser: 0 })] }, want: 'runAsUser=0 (pod and container "c" must not set runAsUser=0)' },
  { name: 'runAsUser=0 is allowed at v1.22', level: 'restricted', version: 'v1.22', spec: { containers: [ok('c', { runAsUser: 0 })] }, want: '' },
  { name: 'runAsUser=0 in a user namespace', level: 'restricted', spec: { hostUsers: false, containers: [ok('c', { runAsUser: 0, runAsNonRoot: false })] }, want: '' },
  { name: 'added capabilities beyond NET_BIND_SERVICE', level: 'restricted', spec: { containers: [ok('c', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } })] }, want: 'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)' },
  { name: 'Windows pods skip the Linux-only restricted checks', level: 'restricted', spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c' }] }, want: '' },
];

for (const c of cases) {
  test(`Pod Security ${c.level}:${c.version ?? 'latest'} on ${c.name}`, () => {
    assert.equal(detail(c.level, c.spec, c.meta, c.version), c.want);
  });
}
