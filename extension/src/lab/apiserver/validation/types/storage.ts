/** storage types the storage.k8s.io/v1 objects: only the fields validation and defaulting read. */
import type { KubeObject } from '../../../api/types';

export interface StorageClass extends KubeObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string | null;
  volumeBindingMode?: string | null;
  allowVolumeExpansion?: boolean | null;
  mountOptions?: string[];
  allowedTopologies?: { matchLabelExpressions?: { key?: string; values?: string[] }[] }[];
}

export interface CSIDriver extends KubeObject {
  spec?: {
    attachRequired?: boolean | null;
    podInfoOnMount?: boolean | null;
    storageCapacity?: boolean | null;
    fsGroupPolicy?: string | null;
    volumeLifecycleModes?: string[];
    requiresRepublish?: boolean | null;
    seLinuxMount?: boolean | null;
    tokenRequests?: { audience?: string; expirationSeconds?: number | null }[];
  };
}

export interface CSINode extends KubeObject {
  spec?: { drivers?: { name?: string; nodeID?: string; topologyKeys?: string[]; allocatable?: { count?: number | null } | null }[] };
}

export interface VolumeAttachment extends KubeObject {
  spec?: {
    attacher?: string;
    nodeName?: string;
    source?: { persistentVolumeName?: string | null; inlineVolumeSpec?: Record<string, unknown> | null };
  };
  status?: { attached?: boolean; attachmentMetadata?: Record<string, string> };
}
