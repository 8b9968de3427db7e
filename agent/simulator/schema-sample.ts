type Schema = Record<string, unknown>;

/**
 * The smallest value that satisfies a JSON Schema, deterministically: required properties
 * only, the first enum value or `anyOf`/`oneOf` branch, `minItems` items, `minimum` for
 * numbers, `minLength` characters for strings. Local `$ref`s (`#/$defs/...`,
 * `#/definitions/...`) are followed. An empty or unknown schema gives `null`.
 */
export function sampleFromSchema(schema: Schema, root: Schema = schema, depth = 0): unknown {
  if (depth > 32) return null;
  const next = (child: unknown): unknown => sampleFromSchema(asSchema(child), root, depth + 1);

  if (typeof schema.$ref === 'string') return next(resolveRef(schema.$ref, root));
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return next(branches[0]);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part) => next(part)).filter(isObject));
  }

  switch (firstType(schema)) {
    case 'object': {
      const properties = asSchema(schema.properties);
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((name) => [name, next(properties[name])]));
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: count }, () => next(schema.items));
    }
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function firstType(schema: Schema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null') ?? 'null';
  if ('properties' in schema) return 'object';
  if ('items' in schema) return 'array';
  return undefined;
}

function sampleString(schema: Schema): string {
  switch (schema.format) {
    case 'date':
      return '2000-01-01';
    case 'date-time':
      return '2000-01-01T00:00:00Z';
    case 'email':
      return 'simulated@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  return 'simulated'.padEnd(minLength, '.');
}

function resolveRef(ref: string, root: Schema): unknown {
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = asSchema(node)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node;
}

function asSchema(value: unknown): Schema {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
