/**
 * celJs loads @marcbachmann/cel-js, the CEL implementation the lab's Kubernetes
 * libraries extend. It is chosen over @bufbuild/cel and cel-js because it
 * type-checks against declared variable and object types (so compile errors name
 * undefined fields as upstream does), supports optional types (`.?field`,
 * `optional.of`, needed by optionalOldSelf), custom types, member and namespaced
 * functions with overloads, and keeps int (bigint), uint and double apart.
 */
import type * as CelJs from '@marcbachmann/cel-js' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package is ESM-only; Node ≥ 22 and esbuild's CommonJS bundle load it through require.
const celJs = require('@marcbachmann/cel-js') as typeof CelJs;

export const { Environment, Optional } = celJs;
export type Environment = CelJs.Environment;
export type ASTNode = CelJs.ASTNode;
