/** aggregateMessage is utilerrors.NewAggregate(errs).Error(): one error bare, several deduplicated in brackets. */
export function aggregateMessage(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
