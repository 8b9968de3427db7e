/**
 * `switchboard config show`: the effective config (the user's file over the shipped default,
 * schema defaults filled in) as YAML, each value followed by where it came from. Secrets are
 * never printed: a set secret reads `(set)`.
 */
import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { DEFAULT_CONFIG_PATH, type LoadedConfig } from '../../../config/load.ts';

const SECRET_KEYS = new Set(['apiKey', 'password', 'accessToken', 'clientSecret', 'refreshToken']);

/** Where a leaf's value came from: `file` (the user's), `default` (config/default.yaml) or `built-in` (the schema). */
export function originOf(loaded: LoadedConfig, path: string): 'file' | 'default' | 'built-in' {
  let probe = path;
  for (;;) {
    const origin = loaded.origins[probe];
    if (origin !== undefined) return origin === DEFAULT_CONFIG_PATH ? 'default' : 'file';
    const cut = probe.lastIndexOf('.');
    if (cut < 0) return 'built-in';
    probe = probe.slice(0, cut);
  }
}

function masked(value: unknown, secrets: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => masked(item, secrets));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEYS.has(key) && typeof inner === 'string') result[key] = inner === '' ? '(not set)' : '(set)';
      else result[key] = masked(inner, secrets);
    }
    return result;
  }
  if (typeof value === 'string' && secrets.has(value)) return '(secret)';
  return value;
}

/** The effective config as commented YAML; the header names the files. */
export function renderEffectiveConfig(loaded: LoadedConfig): string {
  const document = new Document(masked(loaded.config, new Set(loaded.secrets)));
  const annotate = (node: YamlNode | null, path: string[]) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = pair.value as YamlNode | null;
      if (isMap(value) && value.items.length > 0) {
        annotate(value, [...path, key]);
        continue;
      }
      if (value === null) continue;
      if (isSeq(value)) value.flow = true;
      value.comment = ` ${originOf(loaded, [...path, key].join('.'))}`;
    }
  };
  annotate(document.contents as YamlNode, []);
  const userFile = loaded.source.path === DEFAULT_CONFIG_PATH ? '(none: the shipped default is in use)' : loaded.source.path;
  const header = [
    '# The effective config. Each value is followed by where it came from:',
    `#   file      ${userFile} (chosen by ${loaded.source.origin})`,
    `#   default   ${DEFAULT_CONFIG_PATH}`,
    '#   built-in  the schema default (`switchboard config schema`)',
    '# Durations are shown in milliseconds. Secrets are never shown.',
  ];
  return `${header.join('\n')}\n${document.toString({ lineWidth: 0 })}`;
}
