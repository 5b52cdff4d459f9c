/**
 * fieldErrorKinds builds the apimachinery field errors that CRD and custom
 * resource validation report but the shared fieldErrors module has no helper
 * for yet: TypeInvalid, TooLong, TooMany and Internal, and Invalid with the value
 * omitted (field.OmitValueType, used for object and array values since 1.35).
 */
import { type FieldError, OMIT_VALUE } from '../fieldErrors';

export { OMIT_VALUE };

/** typeInvalid is field.TypeInvalid: reads as "Invalid value" with reason FieldValueTypeInvalid. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, value, detail };
}

/** tooLong is field.TooLong: `Too long: may not be more than 5 bytes`. */
export function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long' };
}

/** tooMany is field.TooMany: `Too many: 3: must have at most 2 items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual, detail: max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items' };
}

/** internalError is field.InternalError: `Internal error: <detail>`. */
export function internalError(field: string, detail: string): FieldError {
  return { type: 'FieldValueInternal', field, detail };
}

/** invalidOmitted is field.Invalid with the value omitted. */
export function invalidOmitted(field: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value: OMIT_VALUE, detail };
}
