/**
 * objectMatcher decides whether a request passes a webhook's objectSelector, as
 * upstream's predicates/object: the new or the old object's labels must match.
 */
import { matches, type Selector } from '../../../api/labels';
import type { Attributes } from '../admission';

/** matchObjectSelector passes everything for the empty selector, and otherwise needs the object or old object to match (a request with neither never does). */
export function matchObjectSelector(selector: Selector, a: Attributes): boolean {
  if (selector.length === 0) return true;
  return (a.object !== undefined && matches(selector, a.object.metadata?.labels))
    || (a.oldObject !== undefined && matches(selector, a.oldObject.metadata?.labels));
}
