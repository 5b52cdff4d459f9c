/**
 * CrdSchemas holds the openAPIV3Schema of each served version of the
 * CustomResourceDefinitions installed in the lab, by group, version and kind, so
 * completion and hover treat custom resources as they treat built-in ones.
 */
import type { CustomResourceDefinition, JSONSchemaProps } from '../lab/apiserver/apiextensions/types';

/** CustomKind is a kind a CRD serves. */
export interface CustomKind {
  apiVersion: string;
  kind: string;
}

export class CrdSchemas {
  private readonly schemas = new Map<string, JSONSchemaProps>();
  /** keys remembers each CRD's entries, so an update or delete drops the versions it no longer serves. */
  private readonly keys = new Map<string, string[]>();

  /** set records a CRD, replacing what an earlier version of it said. */
  set(crd: CustomResourceDefinition): void {
    this.delete(crd);
    const kind = crd.spec?.names?.kind;
    if (!kind) return;
    const keys: string[] = [];
    for (const v of crd.spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!v.served || !schema) continue;
      const key = `${crd.spec.group}/${v.name}/${kind}`;
      this.schemas.set(key, schema);
      keys.push(key);
    }
    this.keys.set(crd.metadata.name ?? '', keys);
  }

  /** delete forgets a CRD. */
  delete(crd: CustomResourceDefinition): void {
    for (const key of this.keys.get(crd.metadata.name ?? '') ?? []) this.schemas.delete(key);
    this.keys.delete(crd.metadata.name ?? '');
  }

  /** clear forgets every CRD (the lab stopped). */
  clear(): void {
    this.schemas.clear();
    this.keys.clear();
  }

  /** lookup is the schema of a served custom kind. */
  lookup(group: string, version: string, kind: string): JSONSchemaProps | undefined {
    return this.schemas.get(`${group}/${version}/${kind}`);
  }

  /** kinds lists every custom kind served, as apiVersion and kind. */
  kinds(): CustomKind[] {
    return [...this.schemas.keys()].map((key) => {
      const [group, version, kind] = key.split('/');
      return { apiVersion: `${group}/${version}`, kind };
    });
  }
}
