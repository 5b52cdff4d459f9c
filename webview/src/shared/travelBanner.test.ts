import assert from 'node:assert/strict';
import { test } from 'node:test';
import { travelText } from './travelBanner';

test('the travel banner says which revision is shown read-only, or why it cannot be, and nothing live', () => {
  assert.equal(travelText({ revision: null }), '');
  assert.equal(travelText({ revision: 12 }), 'Viewing revision 12 — read-only');
  assert.equal(travelText({ revision: 3, error: 'Revision 3 has been compacted away' }), 'Cannot show revision 3 — Revision 3 has been compacted away');
});
