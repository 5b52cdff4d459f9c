/**
 * RateChart draws the store's write rate over the last minutes on a canvas, in
 * the theme's chart colours (read again when the theme changes): a line with a
 * light fill, the peak as the scale, and a gap where the panel was hidden.
 */
import type { RatePoint } from '../shared/protocol';

/** WINDOW_MS is the span drawn: five minutes of lab time. */
const WINDOW_MS = 5 * 60_000;
/** GAP_MS: points further apart than this were not measured in between (the panel was hidden). */
const GAP_MS = 5_000;
const HEIGHT = 72;

export class RateChart {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private points: RatePoint[] = [];

  constructor(root: HTMLElement) {
    this.caption = document.createElement('p');
    this.caption.className = 'chart-caption';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    root.append(this.caption, this.canvas);
    new ResizeObserver(() => this.draw()).observe(root);
    // The body's class changes with the theme: read the colours again.
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** set replaces the points (a snapshot); add appends new ones. */
  set(points: readonly RatePoint[]): void {
    this.points = [...points];
    this.draw();
  }

  add(points: readonly RatePoint[]): void {
    if (!points.length) return;
    this.points.push(...points);
    const end = this.points[this.points.length - 1].t;
    while (this.points.length && this.points[0].t < end - WINDOW_MS) this.points.shift();
    this.draw();
  }

  private draw(): void {
    const css = getComputedStyle(document.body);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const line = color('--vscode-charts-blue', '#3794ff');
    const text = color('--vscode-descriptionForeground', '#888');
    const grid = color('--vscode-editorWidget-border', color('--vscode-panel-border', '#8884'));
    const width = Math.max(120, this.canvas.parentElement?.clientWidth ?? 300);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = HEIGHT * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const pts = this.points;
    const last = pts[pts.length - 1];
    const peak = Math.max(0, ...pts.map((p) => p.rate));
    const scale = niceCeiling(Math.max(1, peak));
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, HEIGHT - 0.5);
    ctx.lineTo(width, HEIGHT - 0.5);
    ctx.moveTo(0, 0.5);
    ctx.lineTo(width, 0.5);
    ctx.stroke();
    ctx.fillStyle = text;
    ctx.font = `10px ${css.getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
    ctx.textBaseline = 'top';
    ctx.fillText(`${scale}/s`, 4, 3);
    ctx.textBaseline = 'bottom';
    ctx.fillText('5 min ago', 4, HEIGHT - 3);
    ctx.textAlign = 'right';
    ctx.fillText('now', width - 4, HEIGHT - 3);
    ctx.textAlign = 'left';
    if (!last) {
      this.describe(undefined, 0);
      return;
    }
    const x = (t: number) => width - ((last.t - t) / WINDOW_MS) * width;
    const y = (r: number) => HEIGHT - 1 - (r / scale) * (HEIGHT - 16);
    // One path per run of points measured without a gap.
    let run: RatePoint[] = [];
    const flush = () => {
      if (!run.length) return;
      ctx.beginPath();
      run.forEach((p, i) => (i ? ctx.lineTo(x(p.t), y(p.rate)) : ctx.moveTo(x(p.t), y(p.rate))));
      ctx.strokeStyle = line;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      ctx.lineTo(x(run[run.length - 1].t), HEIGHT - 1);
      ctx.lineTo(x(run[0].t), HEIGHT - 1);
      ctx.closePath();
      ctx.globalAlpha = 0.15;
      ctx.fillStyle = line;
      ctx.fill();
      ctx.globalAlpha = 1;
      run = [];
    };
    for (const p of pts) {
      if (run.length && p.t - run[run.length - 1].t > GAP_MS) flush();
      run.push(p);
    }
    flush();
    this.describe(last, peak);
  }

  private describe(last: RatePoint | undefined, peak: number): void {
    const text = last ? `Writes: ${formatRate(last.rate)}/s now, peak ${formatRate(peak)}/s over the last 5 minutes` : 'Writes: measuring…';
    this.caption.textContent = text;
    this.canvas.setAttribute('aria-label', text);
  }
}

function formatRate(r: number): string {
  return r >= 10 ? String(Math.round(r)) : r.toFixed(1);
}

/** niceCeiling rounds up to 1, 2 or 5 times a power of ten, so the scale reads cleanly. */
export function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
