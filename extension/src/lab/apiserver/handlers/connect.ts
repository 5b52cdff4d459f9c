/**
 * connect is the pods/exec, pods/attach and pods/portforward subresources, as
 * upstream's ExecREST, AttachREST and PortForwardREST Connect: the options
 * decoded from the query (PodExecOptions, PodAttachOptions,
 * PodPortForwardOptions), the container chosen as streamLocation does, and the
 * node's kubelet found. What comes back is a target the front door upgrades
 * the connection to; the kubelet is dialled when it does, so a refused or
 * timed-out dial, like the kubelet's own refusals, comes later, through it.
 */
import type { Node, Pod, Status } from '../../api/types';
import type { KubeletAnswer, PortForwardSession, RemoteCommandOptions, StreamSession } from '../../kubelet/streaming';
import type { HandlerContext } from '../apiServer';
import { badRequest, methodNotSupported, notFound } from '../errors';
import { CONNECTION_REFUSED, dialKubelet } from '../kubeletDial';
import { type KubeletConnection, chooseContainer } from './log';

/** ConnectTarget is an accepted exec, attach or port-forward, ready for the front door to upgrade. */
export type ConnectTarget =
  | { kind: 'exec'; options: RemoteCommandOptions; command: string[]; session(): KubeletAnswer | StreamSession }
  | { kind: 'attach'; options: RemoteCommandOptions; session(): KubeletAnswer | StreamSession }
  | { kind: 'portforward'; ports: number[]; session(): KubeletAnswer | PortForwardSession };

/** The kubelet's port when the node does not report one (--kubelet-port). */
const DEFAULT_KUBELET_PORT = 10250;

/** handleConnect resolves a connect request to its target, or to the Status that refuses it before any upgrade. */
export async function handleConnect(ctx: HandlerContext, rawQuery: URLSearchParams): Promise<ConnectTarget | Status> {
  const { info } = ctx;
  const sub = info.subresource as 'exec' | 'attach' | 'portforward';
  if (info.verb !== 'get' && info.verb !== 'create') return methodNotSupported({ group: '', resource: `pods/${sub}` }, info.verb);
  const pod = (await ctx.storage.get(info.namespace, info.name)) as Pod | undefined;
  if (!pod) return notFound({ group: '', resource: 'pods' }, info.name);
  const bool = (key: string): boolean => {
    const v = rawQuery.get(key);
    return v !== null && v !== '0' && v.toLowerCase() !== 'false';
  };
  let container = '';
  if (sub !== 'portforward') {
    const chosen = chooseContainer(pod, rawQuery.get('container') ?? '');
    if (typeof chosen !== 'string') return chosen;
    container = chosen;
  }
  const nodeName = pod.spec.nodeName;
  if (!nodeName) return badRequest(`pod ${info.name} does not have a host assigned`);
  const node = (await ctx.storageFor('', 'nodes')?.get('', nodeName)) as Node | undefined;
  if (!node) return notFound({ group: '', resource: 'nodes' }, nodeName);
  // UpgradeAwareHandler's dial: its error goes back to the client as a 500 before any upgrade.
  const dial = <T>(open: (kubelet: KubeletConnection) => T | undefined): T | KubeletAnswer => {
    const dialed = dialKubelet(ctx.server, nodeName);
    const opened = 'kubelet' in dialed ? open(dialed.kubelet) : undefined;
    if (opened !== undefined) return opened;
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeName;
    const host = `${ip}:${node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT}`;
    return { status: 500, body: `error dialing backend: dial tcp ${host}: ${'error' in dialed ? dialed.error : CONNECTION_REFUSED}` };
  };
  const { namespace, name } = info;
  if (sub === 'portforward') {
    const ports: number[] = [];
    for (const p of rawQuery.getAll('ports')) {
      for (const part of p.split(',')) {
        const n = Number(part);
        if (!/^\d+$/.test(part) || n < 1 || n > 65535) return badRequest(`invalid port ${JSON.stringify(part)}`);
        ports.push(n);
      }
    }
    return { kind: 'portforward', ports, session: () => dial((k) => k.portForward?.(namespace, name)) };
  }
  // PodAttachOptions default stdout and stderr to true; PodExecOptions defaults nothing.
  const options: RemoteCommandOptions = {
    stdin: bool('stdin'),
    stdout: sub === 'attach' && !rawQuery.has('stdout') ? true : bool('stdout'),
    stderr: sub === 'attach' && !rawQuery.has('stderr') ? true : bool('stderr'),
    tty: bool('tty'),
  };
  if (sub === 'attach') return { kind: 'attach', options, session: () => dial((k) => k.attach?.(namespace, name, container, options)) };
  const command = rawQuery.getAll('command');
  return { kind: 'exec', options, command, session: () => dial((k) => k.exec?.(namespace, name, container, command, options)) };
}
