/**
 * validation checks a webhook's clientConfig as upstream's util/webhook
 * validation does, for the admissionregistration validators to call: a URL
 * must be https with a host and nothing the API server would drop (user,
 * query, fragment); a Service needs a name, a namespace, a valid port and a
 * path of DNS-subdomain segments. The transport itself accepts http, so tests
 * and local experiments can run plain servers.
 */
import { invalidValue, required, type FieldError } from '../../fieldErrors';
import { isDNS1123Subdomain } from '../../validation/names';

const FORM = '; desired format: https://host[/path]';

/** validateWebhookURL is ValidateWebhookURL; forceHttps is true for admission webhooks. */
export function validateWebhookURL(field: string, url: string, forceHttps: boolean): FieldError[] {
  const u = parseURL(url);
  if ('error' in u) return [required(field, `url must be a valid URL: ${u.error}${FORM}`)];
  const errs: FieldError[] = [];
  if (forceHttps && u.scheme !== 'https') errs.push(invalidValue(field, u.scheme, `'https' is the only allowed URL scheme${FORM}`));
  if (u.host === '') errs.push(invalidValue(field, u.host, `host must be specified${FORM}`));
  if (u.user !== undefined) errs.push(invalidValue(field, u.user, 'user information is not permitted in the URL'));
  if (u.fragment) errs.push(invalidValue(field, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query) errs.push(invalidValue(field, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

/** validateWebhookService is ValidateWebhookService; port is the defaulted port (443 when unset). */
export function validateWebhookService(field: string, namespace: string, name: string, path: string | undefined, port: number): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(required(`${field}.name`));
  if (!namespace) errs.push(required(`${field}.namespace`));
  if (!Number.isInteger(port) || port < 1 || port > 65535) errs.push(invalidValue(`${field}.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'));
  if (path === undefined || path === '' || path === '/') return errs;
  const pathField = `${field}.path`;
  if (path === '//') return [...errs, invalidValue(pathField, path, 'segment[0] may not be empty')];
  if (!path.startsWith('/')) errs.push(invalidValue(pathField, path, "must start with a '/'"));
  let rest = path.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((step, i) => {
    if (step === '') {
      errs.push(invalidValue(pathField, path, `segment[${i}] may not be empty`));
      return;
    }
    for (const failure of isDNS1123Subdomain(step)) errs.push(invalidValue(pathField, path, `segment[${i}]: ${failure}`));
  });
  return errs;
}

/** ParsedURL holds the parts of net/url.URL the checks read. */
interface ParsedURL {
  scheme: string;
  user?: string;
  host: string;
  query: string;
  fragment: string;
}

/** parseURL splits a URL as net/url.Parse does for the shapes webhooks use; only a missing scheme before ':' is an error. */
function parseURL(raw: string): ParsedURL | { error: string } {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (!m && rest.startsWith(':')) return { error: `parse ${JSON.stringify(raw)}: missing protocol scheme` };
  const scheme = m ? m[1].toLowerCase() : '';
  if (m) rest = rest.slice(m[0].length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('//')) return { scheme, host: '', query, fragment };
  const authority = rest.slice(2).split('/')[0];
  const at = authority.lastIndexOf('@');
  return {
    scheme,
    ...(at >= 0 ? { user: authority.slice(0, at) } : {}),
    host: at >= 0 ? authority.slice(at + 1) : authority,
    query,
    fragment,
  };
}
