/**
 * vscodeApi wraps acquireVsCodeApi, which a page may call only once: typed
 * messages out, and the state VS Code keeps while the panel is hidden and
 * across window reloads (the panel's serializer hands it back).
 */
interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface PanelApi<Out, S> {
  post(message: Out): void;
  state(): S | undefined;
  save(state: S): void;
}

export function panelApi<Out, S>(): PanelApi<Out, S> {
  const api = acquireVsCodeApi<S>();
  return { post: (m) => api.postMessage(m), state: () => api.getState(), save: (s) => api.setState(s) };
}

/** onMessage listens to the host's messages. */
export function onMessage<In>(handler: (message: In) => void): void {
  window.addEventListener('message', (e: MessageEvent<In>) => handler(e.data));
}
