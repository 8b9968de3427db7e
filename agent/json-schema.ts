/**
 * JSON Schema validation of model output (finish results, structured answers) with Ajv.
 * Compiled validators are cached per schema object.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvInstance, ValidateFunction } from 'ajv';

// Ajv is loaded at the first validation, not at start-up: most daemon starts never validate.
let ajv: AjvInstance | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** Returns undefined when `value` satisfies `schema`, else a short description of the problems. */
export function schemaProblems(schema: Record<string, unknown>, value: unknown): string | undefined {
  let validate = compiled.get(schema);
  if (!validate) {
    ajv ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}
