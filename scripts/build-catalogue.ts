/**
 * Writes config/catalogue.json from config/catalogue.yaml (validated first). The JSON only
 * spares each process the YAML parse; config/catalogue.ts falls back to the YAML whenever the
 * JSON was made from other text. Run after editing the catalogue: `npm run catalogue`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compileCatalogue, compiledPath, DEFAULT_CATALOGUE_PATH } from '../config/catalogue.ts';

const text = readFileSync(DEFAULT_CATALOGUE_PATH, 'utf8');
writeFileSync(compiledPath(DEFAULT_CATALOGUE_PATH), compileCatalogue(text, DEFAULT_CATALOGUE_PATH));
process.stdout.write(`wrote ${compiledPath(DEFAULT_CATALOGUE_PATH)}\n`);
