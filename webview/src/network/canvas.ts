/**
 * canvas is the Network panel's drawing of the pod network, in its section:
 * a node port opens in the browser, a node shows its routes and rules.
 */
import { h } from '../shared/dom';
import { NetworkDrawing } from './drawing';
import { api } from './pageState';
import { showRules } from './rulesView';

/** canvas is the section the drawing fills. */
export const canvas = h('section', 'canvas');
canvas.setAttribute('aria-label', 'The pod network');
/** drawing draws the network; a node port link opens it on the host, a node shows its tools. */
export const drawing = new NetworkDrawing((service, nodePort) => api.post({ type: 'openHostPort', service, nodePort }), (node) => showRules(node, true));
canvas.append(drawing.svg);
