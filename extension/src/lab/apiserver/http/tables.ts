/**
 * tables connects the front door's Table negotiation to the printers: the
 * endpoint's resource type, the lab clock's now for ages, and for a custom
 * resource its definition, whose additionalPrinterColumns make the columns.
 */
import type { Clock } from '../../clock';
import type { CustomResourceDefinition } from '../apiextensions/types';
import type { ApiServer } from '../apiServer';
import { toTable } from '../printers/toTable';
import type { TableConvertor } from './response';

/** tableConvertor renders answers of server's resources as meta.k8s.io Tables at the clock's time. */
export function tableConvertor(server: ApiServer, clock: Clock): TableConvertor {
  return (body, options) => {
    const { group, version, resource } = options.endpoint;
    const type = server.resources.lookup(group, version, resource);
    if (!type) return undefined;
    // A scale subresource's answer is a Scale, which the printers recognise by its kind.
    const crd = server.cache.get('apiextensions.k8s.io', 'customresourcedefinitions', '', `${resource}.${group}`) as CustomResourceDefinition | undefined;
    return toTable(type, body, { now: clock.now(), includeObject: options.includeObject, noHeaders: options.noHeaders, apiVersion: `meta.k8s.io/${options.version}`, ...(crd ? { crd } : {}) });
  };
}
