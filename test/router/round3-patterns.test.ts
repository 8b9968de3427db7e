/**
 * Round 3 of issue 17: the families behind the fresh-e and fresh-f misses, in requests that are
 * in no training set (new wordings, not the sets' own). Status look-ups in a record stay
 * orchestration; rewording, restructuring and converting to a named format are execution, also
 * in arrow notation and when the request says "without changing the meaning"; casual security
 * reviews and tax deductions still raise the tier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tier } from '../../contracts/types.ts';
import { createClassifier, loadTrainingSets } from '../../agent/router/classifier.ts';

const classifier = createClassifier();

const CASES: Record<Tier, string[]> = {
  orchestration: [
    'schau mal nach ob die Firma Koch die Rechnung schon bezahlt hat',
    '¿puedes revisar si el proveedor ya pagó la factura de marzo?',
    'which of our services are failing their health checks right now?',
    'answer to Marco: sounds good, see you at 3',
    'bewerbungen → [einladen | absagen | später]',
  ],
  execution: [
    'peux-tu reformuler ce mail au voisin pour qu\'il soit moins sec, sans en changer le sens',
    'schreib den Brief von der Krankenkasse bitte in einfachem Deutsch um',
    'contacts.csv → JSON [{name, phone}]',
    'reestructura estas notas de la reunión en un documento con secciones',
  ],
  reasoning: [
    'is this upload handler safe against path traversal? just have a look, code below',
    'can I deduct my home office internet costs? self-employed in Austria',
  ],
  'large-context': [],
};

test('none of these requests is a training example, word for word', () => {
  const training = new Set(loadTrainingSets().map((task) => task.text.toLowerCase()));
  for (const text of Object.values(CASES).flat()) assert.equal(training.has(text.toLowerCase()), false, text);
});

for (const [tier, texts] of Object.entries(CASES) as [Tier, string[]][]) {
  if (texts.length === 0) continue;
  test(`round-3 patterns that belong to ${tier}`, () => {
    const wrong: string[] = [];
    for (const text of texts) {
      const result = classifier.classify(text);
      if (result.tier !== tier) wrong.push(`${text}: ${result.reason}`);
    }
    assert.deepEqual(wrong, []);
  });
}
