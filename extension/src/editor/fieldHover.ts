/**
 * fieldHover writes the Markdown a hover shows for a field: its path and type as
 * `kubectl explain` names them, whether it is required, upstream's description,
 * the values it accepts and the default the API server applies.
 */
import type { CrdSchemas } from './crdSchemas';
import { itemOf, nodeAt, schemaFor } from './schemaAt';
import type { FieldLocation } from './yamlCursor';

/** hoverMarkdown is the hover for a field, or undefined when the schema does not know it. */
export function hoverMarkdown(loc: FieldLocation, crds?: CrdSchemas): string | undefined {
  const { apiVersion, kind } = loc.document;
  const root = apiVersion && kind ? schemaFor(apiVersion, kind, crds) : undefined;
  if (!root) return undefined;
  const name = loc.path[loc.path.length - 1];
  const parent = itemOf(nodeAt(root, loc.path.slice(0, -1)));
  const field = nodeAt(root, loc.path);
  if (!parent || !field) return undefined;
  const explained = `${kind}.${loc.path.join('.')}`;
  const lines: string[] = [];
  if (parent.shape === 'map') {
    // A map's key is the user's own: describe the map it belongs to.
    lines.push(`**${name}** \`${field.type}\` — a key of \`${explained.slice(0, -name.length - 1)}\` \`${parent.type}\``);
    if (parent.description) lines.push(parent.description);
    return lines.join('\n\n');
  }
  const required = parent.required.includes(name);
  lines.push(`**${name}** \`${field.type}\`${required ? ' · **required**' : ''}`);
  lines.push(`\`${explained}\` (${apiVersion})`);
  if (field.description) lines.push(field.description);
  if (field.enum?.length) lines.push(`Values: ${field.enum.map((v) => `\`${v === '' ? '""' : v}\``).join(' · ')}`);
  if (field.defaultText) lines.push(`Default: ${field.defaultText}`);
  return lines.join('\n\n');
}
