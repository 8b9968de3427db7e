/**
 * A plain keyword baseline: the routing table as a handful of English keywords, checked in
 * order (code words → execution, judgement words → reasoning, anything else → orchestration;
 * a described huge input → large-context). It is what the classifier must beat to earn its keep.
 */
import { TIERS, type Tier } from '../../contracts/types.ts';
import type { Classification, TaskClassifier } from '../../agent/router/classifier.ts';

const LARGE = /\b(?:\d{3,}[- ]?(?:pages|emails|messages|files|lines)|entire|whole archive|all of (?:my|the))\b/i;
const CODE = /\b(?:code|script|function|regex|sql|query|python|bash|javascript|typescript|bug|fix|refactor|test|json|yaml|csv|api|deploy|automation|convert)\b/i;
const JUDGEMENT = /\b(?:should|analy[sz]e|analysis|compare|trade-?offs?|pros|cons|recommend|risks?|strategy|evaluate|assess|worth|decide)\b/i;

function answer(tier: Tier): Classification {
  const scores = Object.fromEntries(TIERS.map((other) => [other, other === tier ? 1 : 0])) as Record<Tier, number>;
  return { tier, confidence: 1, scores, reason: `keyword baseline: ${tier}` };
}

export const keywordBaseline: TaskClassifier = {
  classify(text) {
    if (LARGE.test(text)) return answer('large-context');
    if (CODE.test(text)) return answer('execution');
    if (JUDGEMENT.test(text)) return answer('reasoning');
    return answer('orchestration');
  },
};
