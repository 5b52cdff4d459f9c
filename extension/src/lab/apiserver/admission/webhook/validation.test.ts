// Messages from staging/src/k8s.io/apiserver/pkg/util/webhook/validation.go.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatFieldErrors } from '../../fieldErrors';
import { validateWebhookService, validateWebhookURL } from './validation';

const F = 'webhooks[0].clientConfig.url';
const urlCases: { url: string; want: string }[] = [
  { url: 'https://webhook.example.com/validate', want: '' },
  { url: 'https://10.0.0.1:8443', want: '' },
  { url: 'http://webhook.example.com', want: `${F}: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]` },
  { url: 'https:///path', want: `${F}: Invalid value: "": host must be specified; desired format: https://host[/path]` },
  { url: 'https://user:pw@example.com', want: `${F}: Invalid value: "user:pw": user information is not permitted in the URL` },
  { url: 'https://example.com/p#frag', want: `${F}: Invalid value: "frag": fragments are not permitted in the URL` },
  { url: 'https://example.com/p?x=1', want: `${F}: Invalid value: "x=1": query parameters are not permitted in the URL` },
  { url: '::', want: `${F}: Required value: url must be a valid URL: parse "::": missing protocol scheme; desired format: https://host[/path]` },
  {
    url: 'example.com/p',
    want: `[${F}: Invalid value: "": 'https' is the only allowed URL scheme; desired format: https://host[/path], ${F}: Invalid value: "": host must be specified; desired format: https://host[/path]]`,
  },
];

for (const c of urlCases) {
  test(`webhook url ${JSON.stringify(c.url)}`, () => {
    const errs = validateWebhookURL(F, c.url, true);
    assert.equal(errs.length ? formatFieldErrors(errs) : '', c.want);
  });
}

test('http is accepted when https is not forced', () => {
  assert.deepEqual(validateWebhookURL(F, 'http://127.0.0.1:8080/', false), []);
});

const S = 'webhooks[0].clientConfig.service';
const serviceCases: { name: string; args: [string, string, string | undefined, number]; want: string }[] = [
  { name: 'a good service', args: ['default', 'webhook', '/mutate/pods', 443], want: '' },
  { name: 'root path', args: ['default', 'webhook', '/', 443], want: '' },
  { name: 'missing name and namespace', args: ['', '', undefined, 443], want: `[${S}.name: Required value, ${S}.namespace: Required value]` },
  { name: 'port out of range', args: ['default', 'webhook', undefined, 70000], want: `${S}.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive` },
  { name: 'double slash', args: ['default', 'webhook', '//', 443], want: `${S}.path: Invalid value: "//": segment[0] may not be empty` },
  { name: 'relative path', args: ['default', 'webhook', 'mutate', 443], want: `${S}.path: Invalid value: "mutate": must start with a '/'` },
  { name: 'empty middle segment', args: ['default', 'webhook', '/a//b', 443], want: `${S}.path: Invalid value: "/a//b": segment[1] may not be empty` },
  {
    name: 'segment not a subdomain',
    args: ['default', 'webhook', '/Mutate', 443],
    want: `${S}.path: Invalid value: "/Mutate": segment[0]: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  },
];

for (const c of serviceCases) {
  test(`webhook service: ${c.name}`, () => {
    const errs = validateWebhookService(S, ...c.args);
    assert.equal(errs.length ? formatFieldErrors(errs) : '', c.want);
  });
}
