/**
 * containerRoot lays out a container's filesystem and executables: the
 * image's base (busybox, Alpine, Debian, distroless), its own files (nginx's
 * pages), the files the kubelet writes for the pod — /etc/hosts
 * (managedHostsFileContent), /etc/hostname, /etc/resolv.conf (ClusterFirst
 * DNS) — and /proc/1/cmdline of the container's main process.
 */
import type { Pod } from '../api/types';
import { ContainerFs } from './containerFs';
import { BUSYBOX_APPLETS, GNU_PROGRAMS } from './coreutils';
import { ALPINE_PASSWD, BUSYBOX_PASSWD, DEBIAN_OS_RELEASE, DEBIAN_PASSWD, HTTPD_INDEX_HTML, NGINX_50X_HTML, NGINX_CONF, NGINX_DEFAULT_CONF, NGINX_INDEX_HTML, alpineOsRelease } from './imageFiles';
import { type ImageInfo, repository, tagOf } from './images';
import type { Userland } from './process';

/** CLUSTER_DOMAIN and CLUSTER_DNS are the kubelet's --cluster-domain and --cluster-dns (kubeadm's defaults). */
export const CLUSTER_DOMAIN = 'cluster.local';
export const CLUSTER_DNS = '10.96.0.10';
/** The nodes' own resolver, which dnsPolicy Default hands to pods. */
const NODE_NAMESERVER = '172.18.0.1';
/** The latest Alpine release, for alpine:latest. */
const ALPINE_LATEST = '3.21.3';

/** ContainerRoot is a container's files and the executables among them. */
export interface ContainerRoot {
  fs: ContainerFs;
  /** programs maps each executable's path to the program it runs. */
  programs: Map<string, string>;
  userland: Userland;
}

/** PodFiles are the per-pod files the kubelet mounts into every container. */
export interface PodFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

/** podHostname is the pod's hostname: spec.hostname, else its name cut to 63 characters. */
export function podHostname(pod: Pod): string {
  const spec = pod.spec as Pod['spec'] & { hostname?: string };
  return spec.hostname || (pod.metadata.name ?? '').slice(0, 63).replace(/[-.]+$/, '');
}

/** podFiles are /etc/hostname, /etc/hosts and /etc/resolv.conf as the kubelet and runtime write them for a pod. */
export function podFiles(pod: Pod, podIPs: string[]): PodFiles {
  const spec = pod.spec as Pod['spec'] & { subdomain?: string; hostAliases?: { ip: string; hostnames?: string[] }[] };
  const hostname = podHostname(pod);
  const domain = spec.subdomain ? `${spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${CLUSTER_DOMAIN}` : '';
  let hosts = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  for (const ip of podIPs) hosts += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  if (spec.hostAliases?.length) {
    hosts += '\n# Entries added by HostAliases.\n';
    // One line per address, its names tab-separated (hostsEntriesFromHostAliases).
    for (const alias of spec.hostAliases) hosts += `${alias.ip}\t${(alias.hostnames ?? []).join('\t')}\n`;
  }
  return { hostname, hosts, resolvConf: resolvConf(pod) };
}

/** resolvConf is the pod's /etc/resolv.conf from its dnsPolicy and dnsConfig (pkg/kubelet/network/dns). */
function resolvConf(pod: Pod): string {
  const spec = pod.spec as Pod['spec'] & { dnsPolicy?: string; hostNetwork?: boolean; dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] } };
  const namespace = pod.metadata.namespace ?? 'default';
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  // getPodDNSType: ClusterFirst on the host network falls back to the node's resolver; ClusterFirstWithHostNet never does.
  if ((policy === 'ClusterFirst' && !spec.hostNetwork) || policy === 'ClusterFirstWithHostNet') {
    nameservers = [CLUSTER_DNS];
    searches = [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
    options = ['ndots:5'];
  } else if (policy !== 'None') {
    nameservers = [NODE_NAMESERVER];
  }
  const config = spec.dnsConfig;
  if (config) {
    nameservers = [...new Set([...nameservers, ...(config.nameservers ?? [])])];
    searches = [...new Set([...searches, ...(config.searches ?? [])])];
    const byName = new Map(options.map((o) => [o.split(':')[0], o]));
    for (const o of config.options ?? []) byName.set(o.name, o.value === undefined ? o.name : `${o.name}:${o.value}`);
    options = [...byName.values()];
  }
  let out = '';
  if (searches.length) out += `search ${searches.join(' ')}\n`;
  for (const ns of nameservers) out += `nameserver ${ns}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  return out;
}

/** containerRoot builds a container's filesystem from its image and its pod's files; argv is PID 1's command line. */
export function containerRoot(ref: string, info: ImageInfo, files: PodFiles, argv: string[], kernelVersion: string): ContainerRoot {
  const repo = repository(ref);
  const programs = new Map<string, string>();
  const content: Record<string, string> = {
    '/etc/hostname': `${files.hostname}\n`,
    '/etc/hosts': files.hosts,
    '/etc/resolv.conf': files.resolvConf,
    '/proc/1/cmdline': argv.map((a) => `${a}\0`).join(''),
    '/proc/version': `Linux version ${kernelVersion} (kubelab@kubelab) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC\n`,
    '/dev/null': '',
  };
  let dirs = ['/dev', '/etc', '/proc', '/root', '/sys', '/tmp', '/var'];
  let userland: Userland = 'gnu';
  switch (info.base) {
    case 'busybox':
      userland = 'busybox';
      dirs = [...dirs, '/bin', '/home', '/lib', '/lib64', '/usr/sbin', '/var/spool/mail', '/var/www', '/etc/network'];
      content['/etc/passwd'] = BUSYBOX_PASSWD;
      content['/etc/group'] = 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nwheel:x:10:root\nwww-data:x:33:\nnobody:x:65534:\n';
      for (const name of ['sh', 'ash', ...BUSYBOX_APPLETS]) programs.set(`/bin/${name}`, name === 'sh' ? 'ash' : name);
      break;
    case 'alpine': {
      userland = 'busybox';
      dirs = [...dirs, '/bin', '/home', '/lib', '/media', '/mnt', '/opt', '/run', '/sbin', '/srv', '/usr/bin', '/usr/lib', '/usr/local', '/usr/sbin', '/etc/apk'];
      const tag = tagOf(ref);
      const version = /^\d+\.\d+\.\d+$/.test(tag) ? tag : /^\d+\.\d+$/.test(tag) ? `${tag}.0` : ALPINE_LATEST;
      content['/etc/os-release'] = alpineOsRelease(version);
      content['/etc/alpine-release'] = `${version}\n`;
      content['/etc/passwd'] = ALPINE_PASSWD;
      for (const name of ['sh', 'ash', ...BUSYBOX_APPLETS]) programs.set(`/bin/${name}`, name === 'sh' ? 'ash' : name);
      break;
    }
    case 'debian':
      dirs = [...dirs, '/bin', '/boot', '/home', '/lib', '/lib64', '/media', '/mnt', '/opt', '/run', '/sbin', '/srv', '/usr/bin', '/usr/lib', '/usr/local/bin', '/usr/sbin', '/usr/share', '/var/lib', '/var/log'];
      content['/etc/os-release'] = DEBIAN_OS_RELEASE;
      content['/etc/debian_version'] = '12.10\n';
      content['/etc/passwd'] = DEBIAN_PASSWD;
      content['/root/.bashrc'] = "# ~/.bashrc: executed by bash(1) for non-login shells.\n\n# Note: PS1 is set in /etc/profile, and the default umask in /etc/login.defs.\n";
      for (const name of ['sh', 'dash', 'bash', ...GNU_PROGRAMS]) {
        const program = name === 'sh' ? 'dash' : name;
        programs.set(`/bin/${name}`, program);
        programs.set(`/usr/bin/${name}`, program);
      }
      break;
    case 'distroless':
      dirs = ['/dev', '/etc', '/proc', '/sys'];
      break;
  }
  // curl ships in the nginx image (Debian's curl) and in agnhost; the slim Debian images have none.
  if (repo === 'docker.io/library/nginx' || repo === 'registry.k8s.io/e2e-test-images/agnhost') programs.set('/usr/bin/curl', 'curl');
  if (repo === 'docker.io/library/nginx') {
    content['/etc/nginx/nginx.conf'] = NGINX_CONF;
    content['/etc/nginx/conf.d/default.conf'] = NGINX_DEFAULT_CONF;
    content['/usr/share/nginx/html/index.html'] = NGINX_INDEX_HTML;
    content['/usr/share/nginx/html/50x.html'] = NGINX_50X_HTML;
    content['/docker-entrypoint.sh'] = '#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n';
    dirs.push('/docker-entrypoint.d', '/var/log/nginx', '/var/cache/nginx');
  }
  if (repo === 'docker.io/library/httpd') {
    content['/usr/local/apache2/htdocs/index.html'] = HTTPD_INDEX_HTML;
    dirs.push('/usr/local/apache2/conf', '/usr/local/apache2/logs');
  }
  for (const path of programs.keys()) content[path] ??= '';
  const entry = argv[0];
  if (entry?.startsWith('/') && info.base === 'distroless') content[entry] = '';
  return { fs: new ContainerFs(content, dirs), programs, userland };
}
