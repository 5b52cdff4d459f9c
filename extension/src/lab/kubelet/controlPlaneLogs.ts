/**
 * controlPlaneLogs are what the control-plane images print as their
 * containers start, so `kubectl logs -n kube-system kube-apiserver-…` reads
 * as a kubeadm cluster's: klog lines (severity, date, time, PID 1, file:line)
 * from the Kubernetes components, JSON lines from etcd. The components
 * themselves run in the lab's process; these are their static pods' logs.
 */
import type { LogStream } from './containerLog';
import { repository, tagOf } from './images';

/** klog formats a line as klog's header does: `I0102 15:04:05.000000       1 file.go:123] msg`. */
function klog(now: number, where: string, msg: string): [LogStream, string] {
  const d = new Date(now).toISOString();
  return ['stderr', `I${d.slice(5, 7)}${d.slice(8, 10)} ${d.slice(11, 23)}000       1 ${where}] ${msg}`];
}

/** flag is a --name=value flag's value in argv. */
function flag(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** controlPlaneStartup is what a control-plane image's process prints at start; nothing for other images. */
export function controlPlaneStartup(ref: string, argv: readonly string[], now: number): [LogStream, string][] {
  const version = tagOf(ref);
  switch (repository(ref)) {
    case 'registry.k8s.io/kube-apiserver':
      return [
        klog(now, 'options.go:238', `external host was not specified, using ${flag(argv, 'advertise-address') ?? ''}`),
        klog(now, 'server.go:143', `Version: ${version}`),
        klog(now, 'server.go:145', '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""'),
        klog(now, 'shared_informer.go:313', 'Waiting for caches to sync for node_authorizer'),
        klog(now, 'secure_serving.go:213', `Serving securely on [::]:${flag(argv, 'secure-port') ?? '6443'}`),
        klog(now, 'controller.go:615', 'quota admission added evaluator for: leases.coordination.k8s.io'),
      ];
    case 'registry.k8s.io/kube-controller-manager':
      return [
        klog(now, 'serving.go:386', 'Generated self-signed cert in-memory'),
        klog(now, 'controllermanager.go:185', `"Starting" version="${version}"`),
        klog(now, 'secure_serving.go:213', 'Serving securely on 127.0.0.1:10257'),
        klog(now, 'leaderelection.go:257', 'attempting to acquire leader lease kube-system/kube-controller-manager...'),
      ];
    case 'registry.k8s.io/kube-scheduler':
      return [
        klog(now, 'serving.go:386', 'Generated self-signed cert in-memory'),
        klog(now, 'server.go:167', `"Starting Kubernetes Scheduler" version="${version}"`),
        klog(now, 'secure_serving.go:213', 'Serving securely on 127.0.0.1:10259'),
        klog(now, 'leaderelection.go:257', 'attempting to acquire leader lease kube-system/kube-scheduler...'),
      ];
    case 'registry.k8s.io/etcd': {
      const ts = new Date(now).toISOString().replace('Z', '000Z');
      const json = (caller: string, msg: string, fields: Record<string, unknown> = {}): [LogStream, string] =>
        ['stderr', JSON.stringify({ level: 'info', ts, caller, msg, ...fields })];
      return [
        json('etcdmain/etcd.go:73', 'Running: ', { args: argv }),
        json('embed/etcd.go:128', 'configuring peer listeners', { 'listen-peer-urls': [flag(argv, 'listen-peer-urls') ?? ''] }),
        json('embed/etcd.go:136', 'configuring client listeners', { 'listen-client-urls': (flag(argv, 'listen-client-urls') ?? '').split(',') }),
        json('embed/etcd.go:310', 'starting an etcd server', { 'etcd-version': version.replace(/-\d+$/, ''), name: flag(argv, 'name') ?? 'default', 'data-dir': flag(argv, 'data-dir') ?? '' }),
        json('etcdserver/server.go:2065', 'published local member to cluster through raft', { 'local-member-attributes': `{Name:${flag(argv, 'name') ?? 'default'} ClientURLs:[${flag(argv, 'advertise-client-urls') ?? ''}]}` }),
        json('embed/serve.go:250', 'serving client traffic securely', { traffic: 'grpc+http', address: '127.0.0.1:2379' }),
      ];
    }
    default:
      return [];
  }
}
