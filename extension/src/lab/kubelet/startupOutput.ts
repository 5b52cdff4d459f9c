import type { LogStream } from './containerLog';
import { nginxVersion, repository } from './images';
import type { NodeFacts } from './runtimeTypes';

/**
 * startupOutput is what a known image prints as its container starts. nginx's
 * docker-entrypoint.sh configures the server when it runs nginx (the image's
 * entrypoint with nginx as its command), then nginx's master reports on stderr
 * and starts one worker per CPU.
 */
export function startupOutput(ref: string, argv: string[], node: NodeFacts, now: number): [LogStream, string][] {
  if (repository(ref) !== 'docker.io/library/nginx' || argv[0] !== '/docker-entrypoint.sh') return [];
  if (argv.length > 1 && argv[1] !== 'nginx' && argv[1] !== 'nginx-debug') return [];
  const entry = (line: string): [LogStream, string] => ['stdout', `/docker-entrypoint.sh: ${line}`];
  const d = new Date(now).toISOString();
  const notice = (line: string): [LogStream, string] => ['stderr', `${d.slice(0, 10).replaceAll('-', '/')} ${d.slice(11, 19)} [notice] 1#1: ${line}`];
  return [
    entry('/docker-entrypoint.d/ is not empty, will attempt to perform configuration'),
    entry('Looking for shell scripts in /docker-entrypoint.d/'),
    entry('Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh'),
    ['stdout', '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf'],
    ['stdout', '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf'],
    entry('Sourcing /docker-entrypoint.d/15-local-resolvers.envsh'),
    entry('Launching /docker-entrypoint.d/20-envsubst-on-templates.sh'),
    entry('Launching /docker-entrypoint.d/30-tune-worker-processes.sh'),
    entry('Configuration complete; ready for start up'),
    notice('using the "epoll" event method'),
    notice(`nginx/${nginxVersion(ref)}`),
    notice('built by gcc 12.2.0 (Debian 12.2.0-14)'),
    notice(`OS: Linux ${node.kernelVersion}`),
    notice('getrlimit(RLIMIT_NOFILE): 1048576:1048576'),
    notice('start worker processes'),
    ...Array.from({ length: Math.max(1, node.cpus) }, (_, i) => notice(`start worker process ${29 + i}`)),
  ];
}
