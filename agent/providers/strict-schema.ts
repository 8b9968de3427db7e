/**
 * OpenAI's rules for a JSON Schema sent with `strict: true` (a `json_schema` response format
 * or a strict function tool). A schema that breaks them is a 400 before any model runs.
 *
 * Sources: the Structured Outputs guide, "Supported schemas"
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas), and the
 * openai-node SDK's own strict transform (src/lib/transform.ts, `toStrictJsonSchema` and its
 * `JSON_SCHEMA_UNSUPPORTED_SCHEMA_KEYWORDS`), which refuses the same things:
 * - the root is an object, not an `anyOf`;
 * - every object sets `additionalProperties: false` and lists every property in `required`
 *   (an optional property is typed as nullable instead);
 * - every array has `items`, and not the tuple form;
 * - composition and conditional keywords (`allOf`, `not`, `if`/`then`/`else`, ...) and a few
 *   validation keywords (`uniqueItems`, `patternProperties`, `minProperties`, ...) are refused;
 * - `$ref` points inside the document (`#/$defs/...`).
 */

const UNSUPPORTED_KEYWORDS = new Set([
  '$anchor',
  '$dynamicAnchor',
  '$dynamicRef',
  '$recursiveAnchor',
  '$recursiveRef',
  'allOf',
  'oneOf',
  'contains',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'else',
  'if',
  'then',
  'not',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'patternProperties',
  'prefixItems',
  'additionalItems',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'uniqueItems',
]);

/** The most nesting strict mode accepts. */
export const STRICT_MAX_DEPTH = 10;

/**
 * Every way `schema` breaks the strict rules, each naming its JSON pointer; empty when the
 * schema may be sent with `strict: true`. Never throws.
 */
export function strictSchemaProblems(schema: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(schema)) return ['<root>: not a schema object'];
  if (schema.type !== 'object') problems.push(`<root>: type must be "object", not ${JSON.stringify(schema.type)}`);
  if (schema.anyOf !== undefined) problems.push('<root>: must not be an anyOf');
  visit(schema, [], 0, schema, problems);
  return problems;
}

function visit(node: unknown, path: string[], depth: number, root: Record<string, unknown>, problems: string[]): void {
  const at = path.length === 0 ? '<root>' : `/${path.join('/')}`;
  if (!isObject(node)) {
    problems.push(`${at}: not a schema object`);
    return;
  }
  if (depth > STRICT_MAX_DEPTH) {
    problems.push(`${at}: nested deeper than ${STRICT_MAX_DEPTH} levels`);
    return;
  }
  for (const keyword of Object.keys(node)) {
    if (UNSUPPORTED_KEYWORDS.has(keyword)) problems.push(`${at}: keyword "${keyword}" is not supported in strict mode`);
  }
  if (typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#')) problems.push(`${at}: $ref ${JSON.stringify(node.$ref)} must point inside the schema`);
    else if (resolvePointer(root, node.$ref) === undefined) problems.push(`${at}: $ref ${JSON.stringify(node.$ref)} does not resolve`);
  }

  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const isObjectSchema = types.includes('object') || node.properties !== undefined;
  if (isObjectSchema) {
    if (node.additionalProperties !== false) problems.push(`${at}: additionalProperties must be false`);
    const properties = isObject(node.properties) ? node.properties : {};
    const required = Array.isArray(node.required) ? node.required : [];
    for (const key of Object.keys(properties)) {
      if (!required.includes(key)) problems.push(`${at}: property "${key}" must be listed in required (make it nullable if it is optional)`);
    }
    for (const key of required) {
      if (typeof key !== 'string' || !Object.hasOwn(properties, key)) problems.push(`${at}: required names "${String(key)}", which is not a property`);
    }
    for (const [key, child] of Object.entries(properties)) visit(child, [...path, 'properties', key], depth + 1, root, problems);
  }
  if (types.includes('array')) {
    if (node.items === undefined) problems.push(`${at}: an array must declare items`);
    else if (Array.isArray(node.items)) problems.push(`${at}: tuple-form items are not supported`);
  }
  if (node.items !== undefined && !Array.isArray(node.items)) visit(node.items, [...path, 'items'], depth + 1, root, problems);
  if (Array.isArray(node.anyOf)) node.anyOf.forEach((branch, index) => visit(branch, [...path, 'anyOf', String(index)], depth + 1, root, problems));
  for (const definitions of ['$defs', 'definitions'] as const) {
    const entries = node[definitions];
    if (isObject(entries)) for (const [key, child] of Object.entries(entries)) visit(child, [...path, definitions, key], depth + 1, root, problems);
  }
}

function resolvePointer(root: Record<string, unknown>, ref: string): unknown {
  if (ref === '#') return root;
  let current: unknown = root;
  for (const segment of ref.replace(/^#\//, '').split('/')) {
    if (!isObject(current)) return undefined;
    current = current[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
