/**
 * `switchboard simulate --fault SPEC[@MODEL]`: a persistent fault in words, so a user can
 * rehearse an outage against the daemon. Without `@MODEL` the fault hits every model.
 *
 *   429[:retry-after=S]   rate limited, with retry-after (seconds, default 1)
 *   500 | 503 | 529       server error, unavailable, overloaded
 *   401                   bad key
 *   hang                  never answer (the client's timeout or the call deadline ends it)
 *   delay=MS              answer after MS milliseconds
 *   drop                  close the connection before answering
 *   malformed             a 200 whose body is not JSON
 *   cut-after=N           stream N events (about a token each), then cut the connection
 *   context-too-long      the provider's context-length 400
 */
import type { SimulatorFault } from './types.ts';

export interface FaultSpec {
  /** The model name as sent, or `*` for every model. */
  model: string;
  fault: SimulatorFault;
}

export const FAULT_FORMS = ['429[:retry-after=S]', '500', '503', '529', '401', 'hang', 'delay=MS', 'drop', 'malformed', 'cut-after=N', 'context-too-long'];

/** Parses one `--fault` value; throws an Error naming the value and the accepted forms. */
export function parseFaultSpec(text: string): FaultSpec {
  const at = text.lastIndexOf('@');
  const spec = (at > 0 ? text.slice(0, at) : text).trim();
  const model = at > 0 ? text.slice(at + 1).trim() : '*';
  const fail = (why: string): never => {
    throw new Error(`--fault "${text}": ${why}; expected one of ${FAULT_FORMS.join(', ')}, optionally followed by @MODEL`);
  };
  if (model === '') fail('empty model after @');
  const count = (value: string, name: string, min: number): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min) fail(`${name} must be a whole number of at least ${min}`);
    return parsed;
  };
  const [head, ...parameters] = spec.split(':');
  let fault: SimulatorFault;
  if (head === '429') {
    let retryAfterSeconds: number | undefined;
    for (const parameter of parameters) {
      const [key, value = ''] = parameter.split('=');
      if (key !== 'retry-after') fail(`unknown parameter "${key}" (429 takes retry-after=S)`);
      retryAfterSeconds = count(value, 'retry-after', 0);
    }
    fault = { fault: 'rate_limit', ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  } else {
    if (parameters.length > 0) fail(`"${head}" takes no parameters`);
    const [name, value = ''] = head.split('=');
    switch (name) {
      case '500':
        fault = { fault: 'server' };
        break;
      case '503':
        fault = { fault: 'unavailable' };
        break;
      case '529':
        fault = { fault: 'overloaded' };
        break;
      case '401':
        fault = { fault: 'auth' };
        break;
      case 'hang':
        fault = { fault: 'hang' };
        break;
      case 'drop':
        fault = { fault: 'drop' };
        break;
      case 'malformed':
        fault = { fault: 'malformed' };
        break;
      case 'context-too-long':
        fault = { fault: 'context_too_long' };
        break;
      case 'delay':
        fault = { fault: 'delay', ms: count(value, 'delay', 1) };
        break;
      case 'cut-after':
        fault = { fault: 'cut', afterChunks: count(value, 'cut-after', 0) };
        break;
      default:
        return fail('unknown fault');
    }
  }
  return { model, fault };
}
