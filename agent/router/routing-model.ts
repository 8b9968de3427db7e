/**
 * The shipped routing model: what the classifier learns from the shipped training sets with the
 * default options, kept in model/routing-model.bin so that the first free-text decision loads it
 * in a few milliseconds instead of training (over a second). Written by `npm run
 * train:routing`; test/router/shipped-model-is-the-trained-one.test.ts retrains and compares
 * byte for byte.
 *
 * The file's header names the SHA-256 of the training sets and the fingerprint of the cue and
 * concept patterns it was made from; when either differs from what is checked out, the file is
 * not used and the classifier trains at first use, as it did before the file existed. (A change
 * to the features or the training code is caught by that test, not here.)
 *
 * Layout: one line of JSON (the header), spaces up to a multiple of 8 bytes, then the arrays of
 * `RoutingModel` as they are in memory, so that loading copies nothing: the weights (float64,
 * per feature one per tier), the biases (float64, one per tier), the feature values (float64, a
 * few), the feature hashes (uint32) and value kinds (uint8), all little-endian. Float64 keeps every weight exact: the shipped
 * classifier answers to the last bit like one trained in the process.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TIERS } from '../../contracts/types.ts';
import { CUES } from './english-cues.ts';
import { CONCEPTS } from './multilingual-cues.ts';
import { patternsFingerprint } from './pattern-set.ts';
import {
  TRAINING_SET_PATHS,
  classifierFromModel,
  createClassifier,
  loadTrainingSets,
  trainModel,
  type RoutingModel,
  type TaskClassifier,
} from './classifier.ts';

export const MODEL_PATH = new URL('./model/routing-model.bin', import.meta.url);

/** Bumped whenever the layout changes. */
const MODEL_FORMAT = 1;

export interface ModelHeader {
  format: number;
  generatedBy: string;
  /** `trainingSetsFingerprint` of the sets it was trained on. */
  trainingSets: string;
  /** `patternsFingerprint` of the English cues, then of the multilingual concepts. */
  patterns: [string, string];
  tiers: string[];
  features: number;
  /** Distinct feature values (`RoutingModel.values`). */
  values: number;
}

/** SHA-256 of the training sets, in order: each one's file name and bytes. */
export function trainingSetsFingerprint(paths: readonly (string | URL)[] = TRAINING_SET_PATHS): string {
  const hash = createHash('sha256');
  for (const path of paths) {
    const name = String(path).split('/').slice(-2).join('/');
    hash.update(`${name}\n`).update(readFileSync(path)).update('\n');
  }
  return hash.digest('hex');
}

function currentPatterns(): [string, string] {
  return [patternsFingerprint(CUES.map((cue) => cue.pattern)), patternsFingerprint(CONCEPTS.map((concept) => concept.pattern))];
}

/** The model file's bytes for `model`, trained on the sets of `trainingSets` (their fingerprint). */
export function encodeModel(model: RoutingModel, trainingSets: string): Uint8Array {
  const header: ModelHeader = {
    format: MODEL_FORMAT,
    generatedBy: 'npm run train:routing (scripts/train-routing.ts) from agent/router/data/; do not edit',
    trainingSets,
    patterns: currentPatterns(),
    tiers: [...TIERS],
    features: model.hashes.length,
    values: model.values.length,
  };
  let headerText = `${JSON.stringify(header)}\n`;
  while (headerText.length % 8 !== 0) headerText = `${headerText.slice(0, -1)} \n`;
  const parts = [
    new TextEncoder().encode(headerText),
    littleEndian(model.weights),
    littleEndian(model.biases),
    littleEndian(model.values),
    littleEndian(model.hashes),
    model.valueKinds,
  ];
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** The header and model in `bytes`. Throws when they are not a model file this code can read. */
export function decodeModel(bytes: Uint8Array): { header: ModelHeader; model: RoutingModel } {
  if (!IS_LITTLE_ENDIAN) throw new Error('the routing model file is little-endian');
  const headerEnd = bytes.indexOf(10) + 1;
  if (headerEnd === 0 || headerEnd % 8 !== 0) throw new Error('not a routing model file: no header line');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerEnd))) as ModelHeader;
  if (header.format !== MODEL_FORMAT) throw new Error(`routing model format ${header.format}, expected ${MODEL_FORMAT}`);
  if (header.tiers.join() !== TIERS.join()) throw new Error(`routing model tiers ${header.tiers.join(', ')}, expected ${TIERS.join(', ')}`);
  const features = header.features;
  const tierCount = TIERS.length;
  const values = header.values;
  const expected = headerEnd + features * tierCount * 8 + tierCount * 8 + values * 8 + features * 4 + features;
  if (bytes.length !== expected) throw new Error(`routing model file of ${bytes.length} bytes, expected ${expected}`);
  // Typed arrays need their element size as alignment: copy once when the bytes are not so placed.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  let offset = aligned.byteOffset + headerEnd;
  const take = <T>(make: (buffer: ArrayBufferLike, offset: number, length: number) => T, length: number, size: number): T => {
    const array = make(aligned.buffer, offset, length);
    offset += length * size;
    return array;
  };
  const float64 = (buffer: ArrayBufferLike, at: number, length: number): Float64Array => new Float64Array(buffer, at, length);
  const weights = take(float64, features * tierCount, 8);
  const biases = take(float64, tierCount, 8);
  const featureValues = take(float64, values, 8);
  const hashes = take((buffer, at, length) => new Uint32Array(buffer, at, length), features, 4);
  const valueKinds = take((buffer, at, length) => new Uint8Array(buffer, at, length), features, 1);
  return { header, model: { hashes, weights, valueKinds, values: featureValues, biases } };
}

/** The model file `npm run train:routing` writes: trained now on `paths`. */
export function trainShippedModel(paths: readonly (string | URL)[] = TRAINING_SET_PATHS): Uint8Array {
  return encodeModel(trainModel(loadTrainingSets(paths)), trainingSetsFingerprint(paths));
}

/**
 * The shipped model when the file at `modelPath` was made from the training sets at `paths` and
 * the current patterns; otherwise why not (missing, unreadable, or made from other data).
 */
export function readShippedModel(
  modelPath: string | URL = MODEL_PATH,
  paths: readonly (string | URL)[] = TRAINING_SET_PATHS,
): { model: RoutingModel } | { unusable: string } {
  let decoded: { header: ModelHeader; model: RoutingModel };
  try {
    decoded = decodeModel(readFileSync(modelPath));
  } catch (error) {
    return { unusable: (error as Error).message };
  }
  if (decoded.header.trainingSets !== trainingSetsFingerprint(paths)) return { unusable: 'made from other training sets' };
  if (decoded.header.patterns.join() !== currentPatterns().join()) return { unusable: 'made from other cue or concept patterns' };
  return { model: decoded.model };
}

/**
 * The classifier the router uses: the shipped model when it is usable (readShippedModel),
 * otherwise one trained now on the same sets, which answers the same.
 */
export function loadShippedClassifier(modelPath: string | URL = MODEL_PATH, paths: readonly (string | URL)[] = TRAINING_SET_PATHS): TaskClassifier {
  const shipped = readShippedModel(modelPath, paths);
  return 'model' in shipped ? classifierFromModel(shipped.model) : createClassifier(loadTrainingSets(paths));
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `array` in little-endian order (the platform's: big-endian ones are refused). */
function littleEndian(array: Float64Array | Uint32Array): Uint8Array {
  if (!IS_LITTLE_ENDIAN) throw new Error('writing the routing model needs a little-endian platform');
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
