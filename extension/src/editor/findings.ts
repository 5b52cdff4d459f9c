/**
 * findings are what validation has to say about one document before they are
 * placed in the text: the message, the stage of the lab that said it, the field
 * paths it is about, and what a quick fix would need to repair it.
 */
import type { Placement } from './yamlNodes';
import type { TextRange } from './manifestDocuments';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** FixHint is the repair a finding allows; the quick fix works out the edit from the text as it is then. */
export type FixHint =
  /** An unknown field: offer the schema's closest property names. */
  | { kind: 'unknownField'; path: string }
  /** A workload whose selector does not select its pod template. */
  | { kind: 'selectorMismatch' }
  /** A required field is missing: insert a skeleton. */
  | { kind: 'required'; path: string }
  /** Containers (by field path) lack resource requests or limits (`requests.cpu`, `limits.memory` …) something requires. */
  | { kind: 'resources'; containers: string[]; need: string[]; values?: Record<string, string> }
  /** An image without a tag, or `:latest`: image is the pinned reference to write at path. */
  | { kind: 'imageTag'; path: string; image: string }
  /** The lab is stopped; starting it lets the document be checked. */
  | { kind: 'startLab' }
  /** The active kubeconfig context is not connected; picking it again (or another cluster) lets the document be checked. */
  | { kind: 'switchCluster' };

/** Finding is one diagnostic about a document, located by field paths. */
export interface Finding {
  severity: Severity;
  message: string;
  /** stage names who said it: `validation`, `field validation`, `PodSecurity`, `ValidatingAdmissionPolicy require-limits` … */
  stage: string;
  /** code is the upstream cause reason (`FieldValueRequired`) or KubeLab's name for the check. */
  code: string;
  /** paths are tried in order: the first that exists wholly decides; if none does, the first one's deepest existing key. [] means the object as a whole. */
  paths: string[];
  placement: Placement;
  fix?: FixHint;
}

/** Problem is a finding placed in the text: what the editor shows. */
export interface Problem extends TextRange {
  severity: Severity;
  message: string;
  /** source is `KubeLab · <stage>`. */
  source: string;
  code: string;
  /** document is the index of the document the problem is in. */
  document: number;
  fix?: FixHint;
}

/** sourceOf is the diagnostic source for a stage. */
export function sourceOf(stage: string): string {
  return `KubeLab · ${stage}`;
}

/** objectFinding is a finding about the object as a whole (placed on its `kind`). */
export function objectFinding(severity: Severity, stage: string, code: string, message: string, fix?: FixHint): Finding {
  return { severity, stage, code, message, paths: [], placement: 'value', ...(fix ? { fix } : {}) };
}
