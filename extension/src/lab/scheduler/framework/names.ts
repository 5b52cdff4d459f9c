/** names are the upstream plugin names, in one place. */
export const NodeResourcesFit = 'NodeResourcesFit';
export const NodeUnschedulable = 'NodeUnschedulable';
export const NodeName = 'NodeName';
export const TaintToleration = 'TaintToleration';
export const DefaultBinder = 'DefaultBinder';
export const PrioritySort = 'PrioritySort';
export const NodeAffinity = 'NodeAffinity';
export const NodePorts = 'NodePorts';
export const NodeResourcesBalancedAllocation = 'NodeResourcesBalancedAllocation';
export const ImageLocality = 'ImageLocality';
export const SchedulingGates = 'SchedulingGates';
export const DefaultPreemption = 'DefaultPreemption';
export const VolumeRestrictions = 'VolumeRestrictions';
export const VolumeBinding = 'VolumeBinding';
export const VolumeZone = 'VolumeZone';
export const PodTopologySpread = 'PodTopologySpread';
export const InterPodAffinity = 'InterPodAffinity';
