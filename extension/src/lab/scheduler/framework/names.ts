/** names are the upstream plugin names, in one place. */
export const NodeResourcesFit = 'NodeResourcesFit';
export const NodeUnschedulable = 'NodeUnschedulable';
export const NodeName = 'NodeName';
export const TaintToleration = 'TaintToleration';
export const DefaultBinder = 'DefaultBinder';
export const PrioritySort = 'PrioritySort';
