/**
 * formats checks string formats a CRD schema may name, as kube-openapi's
 * strfmt.Default registry does for the formats apiextensions-apiserver keeps
 * (pkg/apiserver/validation/formats.go); unknown formats are not checked.
 */
import { isDNS1123Label, isDNS1123Subdomain } from '../validation/names';
import { parseAddr } from '../../cel/library/netaddr';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const CHECKS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: (s) => /^([a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*|\/[^\s]*)$/.test(s),
  email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
  hostname: (s) => s.length <= 255 && /^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/.test(s),
  ipv4: (s) => {
    const a = parseAddr(s);
    return typeof a !== 'string' && a.family === 4;
  },
  ipv6: (s) => typeof parseAddr(s) !== 'string' && s.includes(':'),
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    const a = parseAddr(ip);
    return extra === undefined && typeof a !== 'string' && /^\d+$/.test(bits ?? '') && Number(bits) <= (a.family === 4 ? 32 : 128);
  },
  mac: (s) => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  password: () => true,
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  datetime: (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
  duration: (s) => /^([-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/.test(s),
  k8sshortname: (s) => isDNS1123Label(s).length === 0,
  k8slongname: (s) => isDNS1123Subdomain(s).length === 0,
};

/** validFormat reports whether s has the named format; formats upstream strips always pass. */
export function validFormat(format: string, s: string): boolean {
  const check = CHECKS[format.replace(/-/g, '')];
  return check ? check(s) : true;
}
