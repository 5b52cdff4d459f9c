/**
 * ports holds the port rules several groups share: ValidatePortNumOrName for
 * IntOrString ports (probes, service targetPorts, network policies) and the
 * protocol check of container, service and endpoint ports.
 */
import { type FieldError, invalidValue, notSupported, required } from '../fieldErrors';
import { isValidPortName, isValidPortNum } from './generic';

/** SUPPORTED_PROTOCOLS is supportedPortProtocols as sets.List sorts it. */
export const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/**
 * validatePortNumOrName is ValidatePortNumOrName: a number must be 1-65535, a
 * string must be an IANA service name (so "80" as a string is not a port).
 */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalidValue(path, port, m));
  const n = typeof port === 'number' ? port : 0;
  return isValidPortNum(n).map((m) => invalidValue(path, n, m));
}

/** validateProtocol requires a protocol and accepts TCP, UDP and SCTP. */
export function validateProtocol(protocol: unknown, path: string): FieldError[] {
  if (typeof protocol !== 'string' || protocol === '') return [required(path)];
  return SUPPORTED_PROTOCOLS.includes(protocol) ? [] : [notSupported(path, protocol, SUPPORTED_PROTOCOLS)];
}
