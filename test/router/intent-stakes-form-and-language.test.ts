/**
 * What decides the tier is what a request asks for (intent), what is at stake and its form, in
 * English, German, French, Spanish and mixtures, typed casually, with typos and without
 * accents or punctuation. None of these requests is in the training or development sets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tier } from '../../contracts/types.ts';
import { createClassifier, loadTrainingSets } from '../../agent/router/classifier.ts';

const classifier = createClassifier();

function assertTier(tier: Tier, texts: string[]): void {
  for (const text of texts) {
    const result = classifier.classify(text);
    assert.equal(result.tier, tier, `${text}: ${result.reason}`);
  }
}

test('none of these requests is a training example, word for word', () => {
  const training = new Set(loadTrainingSets().map((task) => task.text.toLowerCase()));
  for (const text of EVERY_REQUEST) assert.equal(training.has(text.toLowerCase()), false, text);
});

test('stakes raise the tier even when asked casually: money, health, law, irreversible steps', () => {
  assertTier('reasoning', [
    'quick q, is putting half my savings into one ETF a bad idea',
    'kurze frage: kann ich die blutverdünner einfach absetzen',
    'petite question sur le bail: le propriétaire peut-il garder toute la caution',
    'oye, es seguro mezclar estos dos medicamentos',
    'soll ich das angebot für die wärmepumpe annehmen, 30k und nicht rückgängig',
    'vale la pena cambiar de hipoteca fija a variable ahora',
  ]);
});

test('a proof is reasoning work', () => {
  assertTier('reasoning', ['show that the invoice numbering can never produce a duplicate']);
});

test('trivia stays a look-up even when it is "analysed"', () => {
  assertTier('orchestration', ['analyse which airport is closer to the hotel', 'analysiere welcher supermarkt näher ist']);
});

test('arrows and braces describing an everyday task are not code', () => {
  assertTier('orchestration', ['mail(landlord) -> {date, amount, reason}', 'rechnungen -> [bezahlt | offen]']);
});

test('a trace or a log to explain without changing anything is read-only', () => {
  assertTier('orchestration', [
    'explain this traceback, do not change the code: IndexError: list index out of range',
    'voici le log du job, explique sans rien modifier',
  ]);
});

test('summaries, extractions and look-ups are orchestration in every language and mixture', () => {
  assertTier('orchestration', [
    'was steht im protokoll, kurz zusammengefasst',
    'resume el email del colegio',
    'extrais les dates de livraison du mail',
    'check my calendar tomorrow und sag mir ob ich zeit für den zahnarzt hab',
  ]);
});

test('writing, fixing or generating code and structured artefacts is execution in every language', () => {
  assertTier('execution', [
    'schreib eine funktion die die mwst berechnet',
    'corrige el script de backup que falla los domingos',
    'génère un fichier yaml pour la config du serveur',
    'write a sql query for monthly totals per category',
    'kannst du das python script fixen, es crasht beim start',
  ]);
});

test('accents, capitals and punctuation do not change the answer', () => {
  const pairs: Array<[string, string]> = [
    ['Génère un fichier YAML pour la config du serveur.', 'genere un fichier yaml pour la config du serveur'],
    ['Soll ich das Angebot für die Wärmepumpe annehmen?', 'soll ich das angebot fur die warmepumpe annehmen'],
    ['¿Es seguro mezclar estos dos medicamentos?', 'es seguro mezclar estos dos medicamentos'],
  ];
  for (const [written, typed] of pairs) assert.equal(classifier.classify(written).tier, classifier.classify(typed).tier, written);
});

const EVERY_REQUEST = [
  'quick q, is putting half my savings into one ETF a bad idea',
  'kurze frage: kann ich die blutverdünner einfach absetzen',
  'petite question sur le bail: le propriétaire peut-il garder toute la caution',
  'oye, es seguro mezclar estos dos medicamentos',
  'soll ich das angebot für die wärmepumpe annehmen, 30k und nicht rückgängig',
  'vale la pena cambiar de hipoteca fija a variable ahora',
  'show that the invoice numbering can never produce a duplicate',
  'analyse which airport is closer to the hotel',
  'analysiere welcher supermarkt näher ist',
  'mail(landlord) -> {date, amount, reason}',
  'rechnungen -> [bezahlt | offen]',
  'explain this traceback, do not change the code: IndexError: list index out of range',
  'voici le log du job, explique sans rien modifier',
  'was steht im protokoll, kurz zusammengefasst',
  'resume el email del colegio',
  'extrais les dates de livraison du mail',
  'check my calendar tomorrow und sag mir ob ich zeit für den zahnarzt hab',
  'schreib eine funktion die die mwst berechnet',
  'corrige el script de backup que falla los domingos',
  'génère un fichier yaml pour la config du serveur',
  'write a sql query for monthly totals per category',
  'kannst du das python script fixen, es crasht beim start',
];
