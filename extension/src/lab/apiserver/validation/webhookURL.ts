/**
 * webhookURL is apiserver's pkg/util/webhook validation of where a webhook is
 * served: ValidateWebhookURL over a parse shaped like Go's net/url.Parse (whose
 * errors it quotes), and ValidateWebhookService.
 */
import { type FieldError, invalidValue, required } from '../fieldErrors';
import { isValidPortNum } from './generic';
import { isDNS1123Subdomain } from './names';

interface GoURL {
  scheme: string;
  user?: string;
  host: string;
  rawQuery: string;
  fragment: string;
}

/** parseGoURL splits a URL as net/url.Parse does, returning Parse's error text when it would fail. */
function parseGoURL(raw: string): GoURL | { error: string } {
  const fail = (why: string) => ({ error: `parse ${JSON.stringify(raw)}: ${why}` });
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fail('net/url: invalid control character in URL');
  const hash = raw.indexOf('#');
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(':')) return fail('missing protocol scheme');
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  const q = rest.indexOf('?');
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  if (scheme !== '' && !rest.startsWith('/')) return { scheme, host: '', rawQuery, fragment };
  if (scheme === '') {
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) return fail('first path segment in URL cannot contain colon');
  }
  if (!rest.startsWith('//')) return { scheme, host: '', rawQuery, fragment };
  const authority = rest.slice(2).split('/')[0];
  const at = authority.lastIndexOf('@');
  const user = at < 0 ? undefined : authority.slice(0, at);
  const host = at < 0 ? authority : authority.slice(at + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*)(:.*)?$/.exec(host)?.[1];
  if (port !== undefined && !/^:[0-9]*$/.test(port)) return fail(`invalid port ${JSON.stringify(port)} after host`);
  return { scheme, user, host, rawQuery, fragment };
}

const FORM = '; desired format: https://host[/path]';

/** validateWebhookURL is ValidateWebhookURL with forceHttps, as admission webhooks require. */
export function validateWebhookURL(path: string, raw: string): FieldError[] {
  const u = parseGoURL(raw);
  if ('error' in u) return [required(path, `url must be a valid URL: ${u.error}${FORM}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(invalidValue(path, u.scheme, `'https' is the only allowed URL scheme${FORM}`));
  if (u.host === '') errs.push(invalidValue(path, u.host, `host must be specified${FORM}`));
  if (u.user !== undefined) errs.push(invalidValue(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') errs.push(invalidValue(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.rawQuery !== '') errs.push(invalidValue(path, u.rawQuery, 'query parameters are not permitted in the URL'));
  return errs;
}

/**
 * validateWebhookService is ValidateWebhookService. Upstream declares it
 * (namespace, name) but admissionregistration calls it with (name, namespace)
 * (kubernetes/kubernetes#141353), so a missing namespace is reported at `name`
 * and the other way round; the lab keeps that so its answers match.
 */
export function validateWebhookService(path: string, service: { name?: string; namespace?: string; path?: string | null; port?: number | null }): FieldError[] {
  const errs: FieldError[] = [];
  if (!service.namespace) errs.push(required(`${path}.name`));
  if (!service.name) errs.push(required(`${path}.namespace`));
  const port = typeof service.port === 'number' ? service.port : 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length) errs.push(invalidValue(`${path}.port`, port, `port is not valid: ${portErrs.join(', ')}`));
  if (service.path === undefined || service.path === null) return errs;
  const urlPath = String(service.path);
  if (urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, invalidValue(`${path}.path`, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(invalidValue(`${path}.path`, urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (step === '') {
      errs.push(invalidValue(`${path}.path`, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const failure of isDNS1123Subdomain(step)) errs.push(invalidValue(`${path}.path`, urlPath, `segment[${i}]: ${failure}`));
  });
  return errs;
}
