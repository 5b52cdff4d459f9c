/**
 * Messages come from pkg/apis/discovery/validation/validation.go (validateEndpoints,
 * validatePorts, validateAddressType), util/validation's IsValidIPv4Address,
 * IsValidIPv6Address and IsFullyQualifiedDomainName, and core/validation's
 * ValidateNonSpecialIP; defaults from pkg/apis/discovery/v1/defaults.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEndpointSlice } from '../defaulting/discovery';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { type EndpointSlice, validateEndpointSliceCreate, validateEndpointSliceUpdate } from './discovery';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const slice = (fields: Partial<EndpointSlice>): EndpointSlice => {
  const s = { metadata: { name: 'web-abc', namespace: 'default' }, ...fields } as EndpointSlice;
  defaultEndpointSlice(s);
  return s;
};

const cases: { name: string; fields: Partial<EndpointSlice>; want: string[] }[] = [
  { name: 'accepts an IPv4 slice with a defaulted port', fields: { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'] }], ports: [{ port: 80 }] }, want: [] },
  { name: 'requires an address type', fields: {}, want: ['addressType: Required value'] },
  { name: 'refuses the retired IP address type on create', fields: { addressType: 'IP' }, want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'] },
  { name: 'each endpoint needs an address', fields: { addressType: 'IPv4', endpoints: [{}] }, want: ['endpoints[0].addresses: Required value: must contain at least 1 address'] },
  {
    name: 'IPv4 addresses must be IPv4 and not special',
    fields: { addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1', '127.0.0.1'] }] },
    want: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address', 'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  },
  { name: 'FQDN addresses need two labels', fields: { addressType: 'FQDN', endpoints: [{ addresses: ['localhost'] }] }, want: ['endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots'] },
  {
    name: 'port names are unique DNS labels and protocols known',
    fields: { addressType: 'IPv4', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81, protocol: 'HTTP' }] },
    want: ['ports[1].name: Duplicate value: "http"', 'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
  },
];

for (const c of cases) {
  test(`endpointslice: ${c.name}`, () => {
    assert.deepEqual(texts(validateEndpointSliceCreate(slice(c.fields))), c.want);
  });
}

test('endpointslice update: addressType is immutable and the retired IP type stays valid', () => {
  const old = slice({ addressType: 'IP' });
  assert.deepEqual(texts(validateEndpointSliceUpdate(slice({ addressType: 'IP', endpoints: [{ addresses: ['10.0.0.1'] }] }), old)), []);
  assert.deepEqual(texts(validateEndpointSliceUpdate(slice({ addressType: 'IPv6' }), old)), ['addressType: Invalid value: "IPv6": field is immutable']);
});
