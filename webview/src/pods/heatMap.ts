/**
 * HeatMap draws thousands of nodes as one canvas of cells, each coloured by its
 * load (the larger of its CPU, memory and pod-slot shares) in the theme's chart
 * colours, with not-ready nodes marked. Hover names a cell, a click or Enter
 * opens that node's card below; arrow keys move between cells. Only cells whose
 * node changed are repainted.
 */
import type { Changes, PodsState } from './podsState';
import { heat } from './podsState';

const CELL = 10;
const GAP = 2;

export class HeatMap {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private names: string[] = [];
  private index = new Map<string, number>();
  private columns = 1;
  private cursor = 0;
  private state?: PodsState;
  private colors = { low: '#3fb950', mid: '#d29922', high: '#f85149', down: '#8b949e', focus: '#ffffff' };

  constructor(private readonly root: HTMLElement, private readonly open: (node: string) => void) {
    this.caption = document.createElement('p');
    this.caption.className = 'heat-caption';
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'grid');
    this.canvas.setAttribute('aria-label', 'Nodes heat-map: arrow keys move, Enter opens a node');
    root.append(this.caption, this.canvas);
    this.canvas.addEventListener('mousemove', (e) => {
      const i = this.cellAt(e.offsetX, e.offsetY);
      this.canvas.title = i === undefined ? '' : this.describe(this.names[i]);
    });
    this.canvas.addEventListener('click', (e) => {
      const i = this.cellAt(e.offsetX, e.offsetY);
      if (i === undefined) return;
      this.cursor = i;
      this.open(this.names[i]);
    });
    this.canvas.addEventListener('keydown', (e) => {
      const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: this.columns, ArrowUp: -this.columns };
      if (e.key in moves) {
        e.preventDefault();
        const before = this.cursor;
        this.cursor = Math.max(0, Math.min(this.names.length - 1, this.cursor + moves[e.key]));
        this.paint(before);
        this.paint(this.cursor);
        this.canvas.setAttribute('aria-label', this.describe(this.names[this.cursor] ?? ''));
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        if (this.names[this.cursor]) this.open(this.names[this.cursor]);
      }
    });
  }

  draw(state: PodsState, changes: Changes, focus: string | undefined): void {
    this.state = state;
    const names = [...state.nodes.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const relayout = changes.full || names.length !== this.names.length || changes.removedNodes.size > 0 || names.some((n, i) => this.names[i] !== n);
    if (focus !== undefined && this.index.has(focus)) this.cursor = this.index.get(focus) as number;
    if (relayout) {
      this.names = names;
      this.index = new Map(names.map((n, i) => [n, i]));
      this.readColors();
      const width = Math.max(200, this.root.clientWidth || 800);
      this.columns = Math.max(1, Math.floor(width / (CELL + GAP)));
      const rows = Math.ceil(names.length / this.columns);
      const ratio = window.devicePixelRatio || 1;
      this.canvas.width = this.columns * (CELL + GAP) * ratio;
      this.canvas.height = Math.max(1, rows) * (CELL + GAP) * ratio;
      this.canvas.style.width = `${this.columns * (CELL + GAP)}px`;
      this.canvas.style.height = `${Math.max(1, rows) * (CELL + GAP)}px`;
      const ctx = this.canvas.getContext('2d');
      ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx?.clearRect(0, 0, this.canvas.width, this.canvas.height);
      for (let i = 0; i < names.length; i++) this.paint(i);
    } else {
      for (const n of changes.nodes) {
        const i = this.index.get(n);
        if (i !== undefined) this.paint(i);
      }
    }
    let hot = 0;
    let down = 0;
    for (const [name, node] of state.nodes) {
      if (!node.ready) down++;
      else if (heat(node, state.totalsOf(name)) >= 0.9) hot++;
    }
    this.caption.textContent = `${names.length} nodes · ${state.pods.size} pods · ${hot} nearly full · ${down} not ready — select a cell for its pods`;
  }

  private readColors(): void {
    const css = getComputedStyle(document.body);
    const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    this.colors = {
      low: read('--vscode-charts-green', this.colors.low),
      mid: read('--vscode-charts-yellow', this.colors.mid),
      high: read('--vscode-charts-red', this.colors.high),
      down: read('--vscode-disabledForeground', this.colors.down),
      focus: read('--vscode-focusBorder', this.colors.focus),
    };
  }

  private paint(i: number): void {
    const ctx = this.canvas.getContext('2d');
    const name = this.names[i];
    const state = this.state;
    if (!ctx || !name || !state) return;
    const node = state.nodes.get(name);
    if (!node) return;
    const x = (i % this.columns) * (CELL + GAP);
    const y = Math.floor(i / this.columns) * (CELL + GAP);
    const load = heat(node, state.totalsOf(name));
    ctx.clearRect(x, y, CELL + GAP, CELL + GAP);
    ctx.globalAlpha = node.ready ? 0.35 + 0.65 * load : 1;
    ctx.fillStyle = !node.ready ? this.colors.down : load >= 0.9 ? this.colors.high : load >= 0.6 ? this.colors.mid : this.colors.low;
    ctx.fillRect(x, y, CELL, CELL);
    ctx.globalAlpha = 1;
    if (i === this.cursor && document.activeElement === this.canvas) {
      ctx.strokeStyle = this.colors.focus;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
    }
  }

  private cellAt(px: number, py: number): number | undefined {
    const col = Math.floor(px / (CELL + GAP));
    const row = Math.floor(py / (CELL + GAP));
    if (col >= this.columns) return undefined;
    const i = row * this.columns + col;
    return i < this.names.length ? i : undefined;
  }

  private describe(name: string): string {
    const state = this.state;
    const node = state?.nodes.get(name);
    if (!state || !node) return name;
    const t = state.totalsOf(name);
    return `${name} · ${node.status} · ${t.pods}/${node.pods} pods · ${Math.round(heat(node, t) * 100)}% full`;
  }
}
