/**
 * core is the entry to core/v1 validation (pkg/apis/core/validation), one file
 * per concept under core/. Other groups' validation imports the pod template and
 * pod spec checks from here.
 */
export { type PodValidationOptions, validatePodSpec, validatePodSpecificAnnotations, validatePodTemplateSpec } from './core/podSpec';
export { validatePod, validatePodBinding, validatePodEphemeralContainersUpdate, validatePodStatusUpdate, validatePodUpdate } from './core/pod';
export { podSpecWarnings, podWarnings } from './core/podWarnings';
export { validateTolerations, validateNodeSelector } from './core/scheduling';
export { validatePersistentVolumeClaimSpec, validatePersistentVolumeClaimTemplate } from './core/claimSpec';
export { validateResourceRequirements } from './core/resources';
