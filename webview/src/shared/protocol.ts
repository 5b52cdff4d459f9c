/**
 * protocol types every message between the extension host and the panels, both
 * ways (DESIGN.md: Panels). A panel posts `ready`; the host answers with a
 * snapshot, then deltas; the panel's user actions come back as intents. Only
 * types live here, so the host and the browser bundles share them for free;
 * each panel's messages are in their own file, re-exported from this one.
 */

export type * from './panelProtocol';
export type * from './podsProtocol';
export type * from './flowProtocol';
export type * from './storeProtocol';
export type * from './schedulerProtocol';
export type * from './networkProtocol';
