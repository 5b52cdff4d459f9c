/**
 * NetworkDrawing draws the pod network in SVG with the theme's colours: the
 * user's machine and the node network's gateway, each node on that network by
 * its eth0 (InternalIP) with its podCIDR, its cni0 bridge, each pod on the
 * bridge through its veth, and its routes; the Services above, each with its
 * ClusterIP and ports — a node port's host mapping a link — and a line to
 * each endpoint's pod. It answers where an Anchor is, so a trace's packet can
 * be moved from hop to hop, and marks the element a hop is at.
 */
import type { NetworkNodeView, NetworkServiceView } from '../shared/protocol';
import type { Anchor, NetworkState } from './networkState';

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = 16;
const GAP = 28;
const NODE_W = 300;
const HEAD_H = 66;
const POD_X = 120;
const POD_H = 32;
const POD_STEP = 40;
const ROUTE_H = 13;
const SVC_W = 250;
const HOST_W = 230;
const HOST_H = 44;
/** ROUTES_IN_BOX is how many nodes the boxes list their routes for; past that, the node tools below have them. */
const ROUTES_IN_BOX = 6;

export interface Point {
  x: number;
  y: number;
}

/** openHostPort asks for a Service's node port to be opened in the browser. */
export type OpenHostPort = (service: string, nodePort: number) => void;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.append(e);
  return e;
}

function text(parent: Element, x: number, y: number, value: string, cls: string, max?: number): SVGTextElement {
  const t = el('text', { x, y, class: cls }, parent);
  t.textContent = max && value.length > max ? `${value.slice(0, max - 1)}…` : value;
  if (max && value.length > max) el('title', {}, t).textContent = value;
  return t;
}

const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

export class NetworkDrawing {
  readonly svg: SVGSVGElement;
  private readonly anchors = new Map<string, Point>();
  private readonly marks = new Map<string, Element>();
  private marked: Element[] = [];
  private readonly packet: SVGCircleElement;
  private readonly overlay: SVGGElement;

  constructor(private readonly openHostPort: OpenHostPort, private readonly selectNode: (node: string) => void) {
    this.svg = el('svg', { class: 'drawing', role: 'group', 'aria-label': 'Pod network: nodes, bridges, pods and Services' });
    this.overlay = el('g', { class: 'overlay' });
    this.packet = el('circle', { r: 7, class: 'packet', 'aria-hidden': 'true' }, this.overlay);
    this.packet.style.display = 'none';
  }

  /** draw lays everything out again from the state: the network is small enough (MAX_DRAWN_NODES) to redraw whole. */
  draw(state: NetworkState, namespace: string): void {
    this.anchors.clear();
    this.marks.clear();
    this.marked = [];
    this.svg.replaceChildren();
    const nodes = state.sortedNodes();
    const cols = Math.max(1, Math.min(nodes.length, 3));
    const width = Math.max(2 * MARGIN + cols * NODE_W + (cols - 1) * GAP, 2 * MARGIN + SVC_W + GAP + HOST_W);
    const services = state.visibleServices(namespace);
    const lines = el('g', { class: 'endpoints' });
    const serviceLayer = el('g', { class: 'services' });
    const nodeLayer = el('g', { class: 'nodes' });
    const busLayer = el('g', { class: 'bus' });

    // Services: a band of boxes at the top.
    const perRow = Math.max(1, Math.floor((width - 2 * MARGIN + GAP) / (SVC_W + GAP)));
    let y = MARGIN;
    const svcBoxes = new Map<string, { x: number; y: number; h: number }>();
    for (let i = 0; i < services.length; i += perRow) {
      const row = services.slice(i, i + perRow);
      const h = Math.max(...row.map((s) => 40 + 15 * (s.ports.length + s.ports.filter((p) => p.hostPort && p.nodePort).length)));
      row.forEach((s, j) => {
        const x = MARGIN + j * (SVC_W + GAP);
        svcBoxes.set(s.key, { x, y, h });
        this.drawService(serviceLayer, s, x, y, h);
      });
      y += h + GAP;
    }

    // The user's machine and the node network's gateway, where the bus starts.
    const hostY = y;
    const host = el('g', { class: 'host', role: 'img', 'aria-label': `This machine: 127.0.0.1; the node network ${state.nodeNetwork} through gateway ${state.gateway}` }, nodeLayer);
    el('rect', { x: MARGIN, y: hostY, width: HOST_W, height: HOST_H, rx: 4, class: 'box host-box' }, host);
    text(host, MARGIN + 8, hostY + 17, 'This machine · 127.0.0.1', 'title');
    text(host, MARGIN + 8, hostY + 34, `gateway ${state.gateway} · ${state.nodeNetwork}`, 'small mono');
    this.anchors.set('gateway', { x: MARGIN + HOST_W / 2, y: hostY + HOST_H });
    this.marks.set('gateway', host);
    y = hostY + HOST_H + 30;

    // Nodes in rows, each row hanging from its part of the bus.
    const showRoutes = nodes.length <= ROUTES_IN_BOX;
    const trunkX = MARGIN + HOST_W / 2;
    let lastBus = y - 14;
    for (let i = 0; i < nodes.length; i += cols) {
      const row = nodes.slice(i, i + cols);
      const rowH = Math.max(...row.map((n) => nodeHeight(n, showRoutes)));
      const busY = y - 14;
      el('line', { x1: Math.min(trunkX, MARGIN + NODE_W / 2), y1: busY, x2: MARGIN + (row.length - 1) * (NODE_W + GAP) + NODE_W / 2, y2: busY, class: 'bus-line' }, busLayer);
      lastBus = busY;
      row.forEach((n, j) => this.drawNode(nodeLayer, busLayer, n, MARGIN + j * (NODE_W + GAP), y, rowH, busY, showRoutes));
      y += rowH + GAP + 14;
    }
    el('line', { x1: trunkX, y1: hostY + HOST_H, x2: trunkX, y2: lastBus, class: 'bus-line' }, busLayer);
    if (nodes.length) text(busLayer, trunkX + 6, hostY + HOST_H + 14, `node network ${state.nodeNetwork}`, 'small muted');
    if (state.omittedNodes) {
      text(nodeLayer, MARGIN, y, `${state.omittedNodes} more nodes are not drawn.`, 'muted');
      y += 20;
    }

    // Each Service's endpoints: a line to the pod (the API server's address has none).
    for (const s of services) {
      const box = svcBoxes.get(s.key);
      if (!box) continue;
      for (const e of s.endpoints) {
        const to = e.pod ? this.anchors.get(`pod-in:${e.pod}`) : undefined;
        if (!to) continue;
        const from = { x: box.x + SVC_W / 2, y: box.y + box.h };
        const mid = (from.y + to.y) / 2;
        el('path', { d: `M${from.x},${from.y} C${from.x},${mid} ${to.x},${mid} ${to.x},${to.y}`, class: `endpoint-line${e.ready ? '' : ' unready'}`, 'data-service': s.key }, lines);
      }
    }
    this.svg.append(busLayer, nodeLayer, lines, serviceLayer, this.overlay);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${y}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(y));
  }

  private drawService(layer: Element, s: NetworkServiceView, x: number, y: number, h: number): void {
    const g = el('g', { class: `service type-${s.type}`, 'data-service': s.key, tabindex: 0, role: 'group', 'aria-label': `Service ${s.key}, ${s.type} ${s.clusterIP}, ${s.endpoints.length} endpoints` }, layer);
    el('rect', { x, y, width: SVC_W, height: h, rx: 4, class: 'box service-box' }, g);
    text(g, x + 8, y + 17, `${s.name}`, 'title', 24);
    text(g, x + SVC_W - 8, y + 17, s.type, 'small muted end');
    text(g, x + 8, y + 32, `${s.namespace} · ${s.clusterIP || 'no cluster IP'} · ${s.endpoints.length} endpoint${s.endpoints.length === 1 ? '' : 's'}`, 'small mono', 40);
    let py = y + 48;
    for (const p of s.ports) {
      text(g, x + 8, py, `${p.port}/${p.protocol} → ${p.targetPort}${p.nodePort ? ` · NodePort ${p.nodePort}` : ''}`, 'small mono');
      py += 15;
      if (p.hostPort && p.nodePort) {
        const nodePort = p.nodePort;
        const link = text(g, x + 20, py, `↳ http://${p.hostPort}`, 'small mono link');
        py += 15;
        link.setAttribute('tabindex', '0');
        link.setAttribute('role', 'link');
        link.setAttribute('aria-label', `Open ${s.key} node port ${nodePort} at http://${p.hostPort}`);
        const open = (): void => this.openHostPort(s.key, nodePort);
        link.addEventListener('click', open);
        link.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            open();
          }
        });
      }
    }
    const highlight = (on: boolean): void => {
      for (const l of this.svg.querySelectorAll(`.endpoint-line[data-service="${CSS.escape(s.key)}"]`)) l.classList.toggle('hl', on);
    };
    for (const [ev, on] of [['mouseenter', true], ['mouseleave', false], ['focusin', true], ['focusout', false]] as const) g.addEventListener(ev, () => highlight(on));
    this.anchors.set(`service:${s.key}`, { x: x + SVC_W / 2, y: y + h / 2 });
    this.marks.set(`service:${s.key}`, g);
  }

  private drawNode(layer: Element, bus: Element, n: NetworkNodeView, x: number, y: number, h: number, busY: number, showRoutes: boolean): void {
    const g = el('g', { class: 'node', 'data-node': n.name, role: 'group', 'aria-label': `Node ${n.name}, InternalIP ${n.internalIP}, podCIDR ${n.podCIDR || 'none'}, ${n.pods.length} pods on ${n.bridge.name}` }, layer);
    el('rect', { x, y, width: NODE_W, height: h, rx: 5, class: 'box node-box' }, g);
    const title = text(g, x + 10, y + 20, n.name, 'title node-name');
    title.setAttribute('tabindex', '0');
    title.setAttribute('role', 'button');
    title.setAttribute('aria-label', `Show ${n.name}'s routes and kube-proxy rules`);
    title.addEventListener('click', () => this.selectNode(n.name));
    title.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.selectNode(n.name);
      }
    });
    text(g, x + 10, y + 37, `eth0 ${n.internalIP}`, 'small mono');
    text(g, x + 10, y + 52, `podCIDR ${n.podCIDR || '<none>'}`, 'small mono');
    // kube-proxy, where the rules, IPVS and NAT happen.
    const proxy = el('g', { class: 'proxy' }, g);
    el('rect', { x: x + NODE_W - 140, y: y + 8, width: 130, height: 20, rx: 10, class: 'proxy-badge' }, proxy);
    text(proxy, x + NODE_W - 75, y + 22, `kube-proxy${n.proxyMode ? ` · ${n.proxyMode}` : ''}`, 'small middle');
    this.anchors.set(`proxy:${n.name}`, { x: x + NODE_W - 75, y: y + 18 });
    this.marks.set(`proxy:${n.name}`, proxy);
    // eth0 on the node network.
    const eth0 = { x: x + NODE_W / 2, y };
    el('line', { x1: eth0.x, y1: busY, x2: eth0.x, y2: eth0.y, class: 'bus-line' }, bus);
    const dot = el('circle', { cx: eth0.x, cy: eth0.y, r: 5, class: 'eth0' }, g);
    el('title', {}, dot).textContent = `${n.name} eth0 ${n.internalIP}`;
    this.anchors.set(`eth0:${n.name}`, eth0);
    this.marks.set(`eth0:${n.name}`, dot);
    // The bridge, and each pod on it through its veth.
    const barTop = y + HEAD_H + 14;
    const barBottom = barTop + Math.max(1, n.pods.length) * POD_STEP - 8;
    text(g, x + 10, barTop - 4, `${n.bridge.name} ${n.bridge.cidr || ''}`, 'small mono bridge-label');
    const bridge = el('rect', { x: x + 14, y: barTop, width: 14, height: barBottom - barTop, rx: 3, class: 'bridge' }, g);
    el('title', {}, bridge).textContent = `${n.bridge.name} ${n.bridge.cidr}`;
    this.anchors.set(`bridge:${n.name}`, { x: x + 21, y: barTop + 12 });
    this.marks.set(`bridge:${n.name}`, bridge);
    n.pods.forEach((p, i) => {
      const py = barTop + i * POD_STEP;
      const cy = py + POD_H / 2;
      const veth = el('line', { x1: x + 28, y1: cy, x2: x + POD_X, y2: cy, class: 'veth' }, g);
      el('title', {}, veth).textContent = `${p.veth} ↔ ${podKey(p)} eth0`;
      text(g, x + 32, cy - 4, p.veth, 'tiny mono muted');
      const pod = el('g', { class: 'pod', 'data-pod': podKey(p), role: 'img', 'aria-label': `Pod ${podKey(p)} ${p.ip} on ${n.name} through ${p.veth}` }, g);
      el('rect', { x: x + POD_X, y: py, width: NODE_W - POD_X - 10, height: POD_H, rx: 3, class: 'box pod-box' }, pod);
      text(pod, x + POD_X + 6, py + 13, p.name, 'small', 27);
      text(pod, x + POD_X + 6, py + 26, `${p.ip}${p.namespace === 'default' ? '' : ` · ${p.namespace}`}`, 'tiny mono muted', 32);
      this.anchors.set(`veth:${podKey(p)}`, { x: x + (28 + POD_X) / 2, y: cy });
      this.anchors.set(`pod:${podKey(p)}`, { x: x + POD_X + 12, y: cy });
      this.anchors.set(`pod-in:${podKey(p)}`, { x: x + NODE_W - 10, y: py + 4 });
      this.marks.set(`pod:${podKey(p)}`, pod);
      this.marks.set(`veth:${podKey(p)}`, veth);
    });
    if (!n.pods.length) text(g, x + POD_X, barTop + 18, 'no pods with an IP', 'small muted');
    if (showRoutes) {
      const ry = barBottom + 24;
      text(g, x + 10, ry - 4, 'ip route', 'tiny muted');
      n.routes.forEach((r, i) => {
        const t = text(g, x + 10, ry + 9 + i * ROUTE_H, r.text, `tiny mono route kind-${r.kind}`, 52);
        t.setAttribute('data-route', r.destination);
      });
    }
  }

  /** anchorPoint is where an anchor is drawn, if it is. */
  anchorPoint(a: Anchor): Point | undefined {
    return this.anchors.get(anchorKey(a));
  }

  /** mark highlights the element of each anchor (the current hop's), clearing the last. */
  mark(anchors: readonly Anchor[], cls: string): void {
    for (const e of this.marked) e.classList.remove(cls);
    this.marked = anchors.map((a) => this.marks.get(anchorKey(a))).filter((e): e is Element => !!e);
    for (const e of this.marked) e.classList.add(cls);
  }

  /** placePacket puts the packet at a point, or hides it. */
  placePacket(p: Point | undefined, failed = false): void {
    this.packet.style.display = p ? '' : 'none';
    if (!p) return;
    this.packet.setAttribute('cx', String(p.x));
    this.packet.setAttribute('cy', String(p.y));
    this.packet.classList.toggle('failed', failed);
  }
}

function anchorKey(a: Anchor): string {
  switch (a.kind) {
    case 'pod': return `pod:${a.pod}`;
    case 'veth': return `veth:${a.pod}`;
    case 'bridge': return `bridge:${a.node}`;
    case 'proxy': return `proxy:${a.node}`;
    case 'eth0': return `eth0:${a.node}`;
    case 'gateway': return 'gateway';
    case 'service': return `service:${a.service}`;
  }
}

function nodeHeight(n: NetworkNodeView, showRoutes: boolean): number {
  return HEAD_H + 14 + Math.max(1, n.pods.length) * POD_STEP + (showRoutes ? 24 + n.routes.length * ROUTE_H : 0) + 10;
}
