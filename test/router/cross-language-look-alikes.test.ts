/**
 * The multilingual concepts match whole words or a language's own inflections, never a prefix
 * that is another word in another language: Spanish "proveedor" is no proof, "taxi" is no tax,
 * "extractor fan" is no extraction. Accents are folded, so a word typed without them still counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONCEPTS, foldText } from '../../agent/router/multilingual-cues.ts';
import { createClassifier } from '../../agent/router/classifier.ts';

function conceptsOf(text: string): string[] {
  const folded = foldText(text);
  return CONCEPTS.filter((concept) => concept.pattern.test(folded)).map((concept) => concept.name);
}

function assertNot(concept: string, texts: string[]): void {
  for (const text of texts) assert.ok(!conceptsOf(text).includes(concept), `${concept} fired on "${text}"`);
}

function assertHas(concept: string, texts: string[]): void {
  for (const text of texts) assert.ok(conceptsOf(text).includes(concept), `${concept} did not fire on "${text}"`);
}

test('a word that only begins like a cue of another language is not that cue', () => {
  assertNot('intent-prove', ['busca el correo del proveedor de internet', 'the provenance of this painting', 'hazme un resumen del hilo con el proveedor']);
  assertNot('stakes-money', ['it was a taxi to the station', 'make the prettier config pretty', 'investigate why the build is slow']);
  assertNot('stakes-irreversible', ['what does amortisation mean, just a definition']);
  assertNot('stakes-law', ['list the invoices from the contractor']);
  assertNot('intent-lookup', ['such a long thread, sorry', 'turn my notes into a check-list']);
  assertNot('intent-judge', ['compare the weights of the two suitcases', 'vergleich die bewertungen der zwei pizzerien']);
  assertNot('intent-build', ['in general the cream is fine']);
  assertNot('intent-change', ['frag die anderen ob sie mitkommen', 'fixed or variable rate?']);
  assertNot('intent-risk-review', ['ich bin gestern nach berlin gefahren', "what's the risk of rain on saturday"]);
  assertNot('intent-extract', ['start the extractor fan at 70% humidity']);
  assertNot('intent-summarise', ['make the sync script resumable']);
});

test('the same concepts still fire on their own words, with or without accents', () => {
  assertHas('intent-prove', ['prove that the scheduler never double-books', 'beweise dass es terminiert', 'prouve que la file ne perd rien', 'demuestra que nunca se bloquea']);
  assertHas('intent-change', ['ändere die github action', 'andere die github action bitte', 'fix the pagination bug', 'cambia el código']);
  assertHas('stakes-money', ['how are taxes on this handled', 'prêt immobilier à 3,8', 'pret immobilier a 3,8', 'steuerlich günstiger?']);
  assertHas('intent-extract', ['extract the IBAN from the invoice', 'extrahier die rechnungsnummer']);
});

test('whole requests with a look-alike word are routed by what they ask', () => {
  const classifier = createClassifier();
  for (const text of ['busca el mail del proveedor de internet y dime cuándo vence la factura', 'hazme un quick summary del thread con el proveedor']) {
    const result = classifier.classify(text);
    assert.equal(result.tier, 'orchestration', `${text}: ${result.reason}`);
  }
});
