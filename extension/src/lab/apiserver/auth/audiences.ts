/**
 * audiences implements authenticator.WrapAudienceAgnosticToken/Request for
 * credentials that carry no audience (static tokens, client certificates):
 * they are good only where the API server's own audiences are accepted, and
 * then count as issued for those.
 */

/** agnosticAudiences is undefined when the requested audiences exclude the API server; else the audiences to report. */
export function agnosticAudiences(apiAudiences: readonly string[], requested: readonly string[] | undefined): readonly string[] | undefined {
  if (requested === undefined) return apiAudiences;
  const matched = apiAudiences.filter((a) => requested.includes(a));
  return matched.length ? matched : undefined;
}
