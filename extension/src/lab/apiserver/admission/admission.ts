/**
 * admission defines the admission chain's contract, as k8s.io/apiserver's
 * admission package: mutating plugins run first and may change the object,
 * validating plugins run after schema validation and may only say no.
 */
import type { KubeObject, Status } from '../../api/types';
import type { ResourceType } from '../resources';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Attributes describe the request being admitted. */
export interface Attributes {
  operation: Operation;
  type: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  /** object is the new object (CREATE, UPDATE); mutating plugins may change it in place. */
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
}

/** AdmissionContext lets plugins read cluster state, as plugins read it through informers upstream. */
export interface AdmissionContext {
  get<T extends KubeObject = KubeObject>(group: string, resource: string, namespace: string, name: string): Promise<T | undefined>;
}

/** MutatingPlugin may change the object; a Status answer rejects the request. */
export interface MutatingPlugin {
  readonly name: string;
  admit(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined>;
}

/** ValidatingPlugin may only reject. */
export interface ValidatingPlugin {
  readonly name: string;
  validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined>;
}

/** Chain is the ordered plugin list the server runs. */
export interface Chain {
  mutating: MutatingPlugin[];
  validating: ValidatingPlugin[];
}
