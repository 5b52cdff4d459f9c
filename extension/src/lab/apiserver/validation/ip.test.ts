/**
 * IP and CIDR validation with apimachinery's pkg/util/validation/ip.go messages
 * (IsValidIP, IsValidCIDR) and core/validation's ValidateNonSpecialIP.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorText } from '../fieldErrors';
import { isValidCIDR, isValidIP, validateNonSpecialIP } from './ip';

const ips: [string, string[]][] = [
  ['10.0.0.1', []],
  ['2001:db8::1', []],
  ['::ffff:1.2.3.4', ['x: Invalid value: "::ffff:1.2.3.4": must not be an IPv4-mapped IPv6 address']],
  ['010.0.0.1', ['x: Invalid value: "010.0.0.1": must not have leading 0s']],
  ['10.0.0', ['x: Invalid value: "10.0.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
  ['2001:DB8::1', ['x: Invalid value: "2001:DB8::1": must be in canonical form ("2001:db8::1")']],
  ['2001:db8:0:0:0:0:0:1', ['x: Invalid value: "2001:db8:0:0:0:0:0:1": must be in canonical form ("2001:db8::1")']],
  ['fe80::1%eth0', ['x: Invalid value: "fe80::1%eth0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
];

for (const [ip, errors] of ips) {
  test(`IP ${ip}`, () => assert.deepEqual(isValidIP('x', ip).map(fieldErrorText), errors));
}

const cidrs: [string, string[]][] = [
  ['10.0.0.0/8', []],
  ['2001:db8::/64', []],
  ['10.0.0.1/8', ['x: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length']],
  ['10.0.0.0/33', ['x: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
  ['10.0.0.0/08', ['x: Invalid value: "10.0.0.0/08": must not have leading 0s in IP or prefix length']],
  ['2001:DB8::/64', ['x: Invalid value: "2001:DB8::/64": must be in canonical form ("2001:db8::/64")']],
];

for (const [cidr, errors] of cidrs) {
  test(`CIDR ${cidr}`, () => assert.deepEqual(isValidCIDR('x', cidr).map(fieldErrorText), errors));
}

test('special addresses are refused for endpoints and external IPs', () => {
  assert.deepEqual(validateNonSpecialIP('x', '0.0.0.0').map(fieldErrorText), ['x: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']);
  assert.deepEqual(validateNonSpecialIP('x', '169.254.1.1').map(fieldErrorText), ['x: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(validateNonSpecialIP('x', '::1').map(fieldErrorText), ['x: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(validateNonSpecialIP('x', '224.0.0.5').map(fieldErrorText), ['x: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
  assert.deepEqual(validateNonSpecialIP('x', '10.1.2.3'), []);
});
