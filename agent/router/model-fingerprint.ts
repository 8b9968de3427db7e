/**
 * A model's identity for the dead-model record, in its own small module so that `status` can
 * read dead models without loading the router.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { ModelSpec } from '../../contracts/types.ts';

/**
 * A hash of the model's API name, provider, endpoint, capabilities and lifecycle. When any of
 * them changes (the config or the catalogue was edited), a model that died under the old
 * fingerprint is tried again.
 */
export function modelFingerprint(model: ModelSpec, config: Config): string {
  const provider = config.providers[model.provider];
  const identity = { apiModel: model.apiModel, provider: model.provider, api: provider?.api, baseURL: provider?.baseURL, capabilities: model.capabilities, lifecycle: model.lifecycle };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}
