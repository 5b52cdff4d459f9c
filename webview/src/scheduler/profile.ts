/**
 * renderProfile draws the scheduler's configuration: where it comes from, the
 * chosen profile's plugins with the extension points they run at, a checkbox
 * to turn each off or on and a weight for each score plugin — each change
 * an intent the host writes into kube-system/kube-scheduler-config — and,
 * when the scheduler refuses the stored configuration, why, with its Warning
 * event.
 */
import type { SchedulerConfigView } from '../shared/protocol';
import { h } from '../shared/dom';

export interface ProfileActions {
  selectProfile: (name: string) => void;
  setWeight: (profile: string, plugin: string, weight: number) => void;
  setEnabled: (profile: string, plugin: string, enabled: boolean) => void;
  reset: () => void;
  edit: () => void;
}

function button(label: string, icon: string, run: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.setAttribute('icon', icon);
  b.setAttribute('secondary', '');
  b.addEventListener('click', run);
  return b;
}

/** parseWeight reads a weight field: a whole number from 1, or undefined. */
export function parseWeight(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 2147483647 ? n : undefined;
}

export function renderProfile(root: HTMLElement, config: SchedulerConfigView, chosen: string | undefined, actions: ProfileActions): void {
  const parts: HTMLElement[] = [];
  const head = h('header');
  head.append(h('h2', undefined, 'Profile'));
  const profile = config.profiles.find((p) => p.schedulerName === chosen) ?? config.profiles[0];
  if (config.profiles.length > 1) {
    const select = document.createElement('vscode-single-select') as HTMLElement & { value: string };
    select.setAttribute('aria-label', 'Profile');
    for (const p of config.profiles) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', p.schedulerName);
      o.textContent = p.schedulerName;
      if (p === profile) o.setAttribute('selected', '');
      select.append(o);
    }
    select.addEventListener('change', () => actions.selectProfile(select.value));
    head.append(select);
  } else if (profile) {
    head.append(h('span', 'muted', profile.schedulerName));
  }
  const buttons = h('div', 'actions');
  if (config.source === 'configmap') buttons.append(button('Edit YAML', 'edit', actions.edit), button('Reset to Defaults', 'discard', actions.reset));
  head.append(buttons);
  parts.push(head);
  parts.push(h('p', 'muted source', config.source === 'configmap'
    ? 'From configmap kube-system/kube-scheduler-config (config.yaml). Changes here are written there; the scheduler reads them from its watch.'
    : 'The defaults: there is no configmap kube-system/kube-scheduler-config. A change here creates it.'));
  if (config.error) {
    const banner = h('div', 'banner');
    banner.setAttribute('role', 'alert');
    banner.append(h('span', 'codicon codicon-warning'), h('strong', undefined, ' The scheduler refuses this configuration and keeps its previous one: '), h('span', undefined, config.error));
    if (config.warning) {
      const w = config.warning;
      banner.append(h('p', 'event', `Warning ${w.reason}${w.count > 1 ? ` ×${w.count}` : ''} from ${w.source || 'the scheduler'}: ${w.message}`));
    }
    parts.push(banner);
  }
  if (!profile) {
    root.replaceChildren(...parts);
    return;
  }
  const table = h('table', 'grid plugins');
  table.setAttribute('aria-label', `Plugins of profile ${profile.schedulerName}`);
  const headRow = h('tr');
  for (const label of ['On', 'Plugin', 'Extension points', 'Weight']) {
    const th = h('th', undefined, label);
    th.scope = 'col';
    headRow.append(th);
  }
  table.append(h('thead'), h('tbody'));
  (table.tHead as HTMLTableSectionElement).append(headRow);
  for (const p of profile.plugins) {
    const tr = h('tr', p.enabled ? '' : 'off');
    tr.dataset.plugin = p.name;
    const on = h('td');
    const box = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
    box.checked = p.enabled;
    box.setAttribute('aria-label', `${p.name} enabled`);
    box.addEventListener('change', () => actions.setEnabled(profile.schedulerName, p.name, box.checked));
    on.append(box);
    const name = h('th');
    name.scope = 'row';
    name.append(h('span', 'plugin', p.name));
    if (p.legacy.length) name.append(h('span', 'legacy', p.legacy.join(', ')));
    const points = h('td');
    const chips = h('div', 'points');
    for (const point of p.points) chips.append(h('span', `point${point === 'filter' || point === 'score' ? ' main' : ''}`, point));
    if (!p.points.length) chips.append(h('span', 'muted', 'disabled'));
    points.append(chips);
    const weight = h('td');
    if (p.weight !== undefined) {
      const field = document.createElement('vscode-textfield') as HTMLElement & { value: string; invalid: boolean };
      field.setAttribute('type', 'number');
      field.setAttribute('min', '1');
      field.setAttribute('aria-label', `${p.name} weight`);
      field.className = 'weight-field';
      field.value = String(p.weight);
      field.addEventListener('change', () => {
        const w = parseWeight(field.value);
        field.invalid = w === undefined;
        if (w !== undefined && w !== p.weight) actions.setWeight(profile.schedulerName, p.name, w);
      });
      weight.append(field);
    }
    tr.append(on, name, points, weight);
    table.tBodies[0].append(tr);
  }
  parts.push(table);
  if (config.text) {
    const details = h('details');
    details.append(h('summary', undefined, 'config.yaml'), h('pre', 'yaml', config.text));
    parts.push(details);
  }
  root.replaceChildren(...parts);
}
