/** patch re-exports the merge patch, which now lives with the other patch types in patch/, until handlers import from there. */
export { mergePatch } from './patch/mergePatch';
